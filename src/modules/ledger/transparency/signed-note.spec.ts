import { generateKeyPairSync } from 'node:crypto';
import {
  generateSigner,
  NoteError,
  openNote,
  parseNote,
  parseSignerKey,
  parseVerifierKey,
  publicKeyPem,
  signNote,
  verifierFromPublicKey,
} from './signed-note.js';
import { checkpointOrigin, formatCheckpoint, parseCheckpoint } from './checkpoint.js';

// From the documentation of golang.org/x/mod/sumdb/note, the reference
// implementation of the format (used as data only). Ed25519 signatures are
// deterministic, so signing the same text with the same key must give
// exactly this note.
const GO_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_TEXT =
  'If you think cryptography is the answer to your problem,\n' +
  "then you don't know what your problem is.\n";
const GO_NOTE =
  GO_TEXT +
  '\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
// From the C2SP signed-note specification's example.
const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const SPEC_NOTE =
  'This is an example message.\n\n' +
  '— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';

describe('C2SP signed notes', () => {
  it('signs the reference example byte for byte, with the reference key id and verifier key', () => {
    const signer = parseSignerKey(GO_SKEY);
    expect(signer.name).toBe('PeterNeumann');
    expect(signer.keyId.toString('hex')).toBe('c74f20a3');
    expect(signer.text).toBe(GO_VKEY);
    expect(signer.secret).toBe(GO_SKEY);
    expect(signNote(GO_TEXT, signer)).toBe(GO_NOTE);
  });

  it('opens the reference notes with their verifier keys', () => {
    expect(openNote(GO_NOTE, [parseVerifierKey(GO_VKEY)]).text).toBe(GO_TEXT);
    const spec = openNote(SPEC_NOTE, [parseVerifierKey(SPEC_VKEY)]);
    expect(spec.text).toBe('This is an example message.\n');
    expect(spec.verifiedBy.map((v) => v.name)).toEqual(['example.com/foo']);
  });

  it('refuses a changed text, a changed signature and a malformed key', () => {
    const verifier = parseVerifierKey(GO_VKEY);
    expect(() => openNote(GO_NOTE.replace('problem,', 'problem;'), [verifier])).toThrow(NoteError);
    const bent = GO_NOTE.replace('x08go/ZJ', 'x08go/ZK');
    expect(() => openNote(bent, [verifier])).toThrow(/does not verify/);
    // Signed by a key nobody passed: nothing verifies it.
    expect(openNote(GO_NOTE, [parseVerifierKey(SPEC_VKEY)]).verifiedBy).toEqual([]);
    expect(() => parseVerifierKey(GO_VKEY.replace('c74f20a3', 'c74f20a4'))).toThrow(/key id/);
    expect(() => parseVerifierKey('PeterNeumann+c74f20a3')).toThrow(NoteError);
    expect(() => parseSignerKey(GO_SKEY.replace('PRIVATE', 'PUBLIC'))).toThrow(NoteError);
    expect(() => parseNote(GO_TEXT)).toThrow(NoteError);
    expect(() => signNote('no newline', parseSignerKey(GO_SKEY))).toThrow(NoteError);
    expect(() => generateSigner('has space')).toThrow(NoteError);
  });

  it('a generated key round-trips through its text forms and its PEM', () => {
    const signer = generateSigner('kanribo/test');
    const again = parseSignerKey(signer.secret);
    expect(again.text).toBe(signer.text);
    const note = signNote('hello\n', signer);
    expect(openNote(note, [parseVerifierKey(signer.text)]).verifiedBy).toHaveLength(1);
    const pem = publicKeyPem(signer);
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const { publicKey } = generateKeyPairSync('ed25519');
    expect(
      verifierFromPublicKey('other', publicKey).verify(Buffer.from('x'), Buffer.alloc(64)),
    ).toBe(false);
  });
});

describe('C2SP checkpoints', () => {
  it('formats and parses the body: origin, size, base64 root', () => {
    const root = Buffer.alloc(32, 7);
    const origin = checkpointOrigin('inst', 'c1');
    const text = formatCheckpoint({ origin, size: 12, root });
    expect(text).toBe(`kanribo/inst/c1\n12\n${root.toString('base64')}\n`);
    expect(parseCheckpoint(text)).toEqual({ origin, size: 12, root });
    expect(parseCheckpoint(`${text}extension\n`)).toEqual({ origin, size: 12, root });
    expect(parseCheckpoint('kanribo/inst/c1\n012\nAA==\n')).toBeUndefined();
    expect(parseCheckpoint('kanribo/inst/c1\n12\n')).toBeUndefined();
  });
});
