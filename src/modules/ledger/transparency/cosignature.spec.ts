import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import {
  COSIGNATURE_BYTES,
  cosignatureLine,
  cosignatureSignerFromSeed,
  cosignatureVerifierFromPublicKey,
  cosignedMessage,
  generateCosignatureSigner,
  openCosignatures,
  parseCosignature,
  parseCosignatureVerifierKey,
} from './cosignature.js';
import { formatCheckpoint } from './checkpoint.js';
import { generateSigner, NoteError, openNote, parseVerifierKey, signNote } from './signed-note.js';

// A checkpoint of the arche2025h1 staging CT log (transparency.dev) as it was
// served, with the log's own signatures and the cosignature/v1 lines of four
// witnesses of the public witness network, and those witnesses' published
// verifier keys (used as data only): cosignatures made by other
// implementations, which these functions must verify as they are.
const WILD_TEXT =
  'arche2025h1.staging.ct.transparency.dev\n1432088532\nU7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=\n';
const WILD_NOTE =
  WILD_TEXT +
  '\n' +
  '— arche2025h1.staging.ct.transparency.dev zTM8sQAAAZ5W0WdjBAMARjBEAiBjW5IQf9pvsYLfQFX6hoGREPMHbdQ3urbllzalApkptQIgIpwtEroeW2BXaHAI4kJXFbon5Ch9MNL5zRNZ55lvGt0=\n' +
  '— arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=\n' +
  '— transparency.dev/DEV:witness-little-garden 2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/KYTzwZ2rhIgcqoXHAwVkjZr4AscylP3v7sEodkRAErumC2q44vdgJY096st5BQ==\n' +
  '— witness1.smartit.nu/witness1 pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/iEcxZ75W3u5hNI7TOQtmJbqmNWVuE0tgh0XwzdZsDsUAQ==\n' +
  '— remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==\n' +
  '— witness.stagemole.eu Z/euoAAAAABqEiEgw0i+7g2ENfDAWHmtRzCfKTHSDwYDJA2NmKeGi9Y8FtEyOUvVr+AJmIY/2TUFucgKi7lI7cUiOvKFYe/TmN9DAg==\n';
const WILD_WITNESSES = [
  'transparency.dev/DEV:witness-little-garden+d8042a87+BCtusOxINQNUTN5Oj8HObRkh2yHf/MwYaGX4CPdiVEPM',
  'witness1.smartit.nu/witness1+a48c820f+BPSFWg9G6KPiO7QPryYO5Xq4oYJJ+kAvLKLSimDhoxMO',
  'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2',
  'witness.stagemole.eu+67f7aea0+BEqSG3yu9YrmcM3BHvQYTxwFj3uSWakQepafafpUqklv',
];
const WILD_TIME = 1779573024;

// The example cosignature line of the C2SP tlog-cosignature specification
// (its key is not published: only its fields are checked).
const SPEC_LINE =
  '— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==';

describe('C2SP tlog-cosignature (cosignature/v1)', () => {
  it('verifies the cosignatures of four public witnesses on a real checkpoint', () => {
    const witnesses = WILD_WITNESSES.map(parseCosignatureVerifierKey);
    // Each parsed key prints back as published: same name, 0x04 key id, key.
    expect(witnesses.map((w) => w.text)).toEqual(WILD_WITNESSES);
    const found = openCosignatures(WILD_NOTE, witnesses);
    expect(found.map((f) => [f.witness.name, f.timestamp])).toEqual(
      witnesses.map((w) => [w.name, WILD_TIME]),
    );
    for (const w of witnesses) {
      const line = WILD_NOTE.split('\n').find((l) => l.startsWith(`— ${w.name} `))!;
      const parsed = parseCosignature(line);
      expect(parsed).toMatchObject({ name: w.name, timestamp: WILD_TIME });
      expect(parsed.keyId.equals(w.keyId)).toBe(true);
      expect(w.verify(WILD_TEXT, WILD_TIME, parsed.signature)).toBe(true);
      // Another time, size or root: not what the witness signed.
      expect(w.verify(WILD_TEXT, WILD_TIME + 1, parsed.signature)).toBe(false);
      expect(
        w.verify(WILD_TEXT.replace('1432088532', '1432088533'), WILD_TIME, parsed.signature),
      ).toBe(false);
    }
    // The same note with a changed size: every known witness's line fails.
    expect(() =>
      openCosignatures(WILD_NOTE.replace('\n1432088532\n', '\n1432088531\n'), witnesses),
    ).toThrow(/does not verify/);
    // A witness nobody knows is ignored, as in signed notes.
    expect(openCosignatures(WILD_NOTE, [generateCosignatureSigner('other')])).toEqual([]);
  });

  it('reads the specification’s example line and the reference implementation’s timestamp', () => {
    const parsed = parseCosignature(SPEC_LINE);
    expect(parsed.name).toBe('witness.example.com/w1');
    expect(parsed.keyId.toString('hex')).toBe('8d66cf3f');
    expect(parsed.timestamp).toBe(1679315147); // the spec's `time 1679315147`
    // transparency-dev/formats' TestCoSigV1Timestamp: the base64 part alone.
    expect(
      parseCosignature(
        'ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==',
      ),
    ).toMatchObject({ timestamp: 1727964367 });
    expect(parsed.signature).toHaveLength(64);
  });

  it('computes 0x04 key ids, and takes a plain Ed25519 (0x01) verifier key as the same key', () => {
    // transparency-dev/formats' TestCoSigV1NewVerifier rows.
    const native = parseCosignatureVerifierKey(
      'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2',
    );
    expect(native.keyId.toString('hex')).toBe('da77ade7');
    const converted = parseCosignatureVerifierKey(
      'TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6',
    );
    const raw = Buffer.from('AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6', 'base64').subarray(1);
    const id = createHash('sha256')
      .update('TEST\n')
      .update(Buffer.from([4]))
      .update(raw)
      .digest()
      .subarray(0, 4);
    expect(converted.keyId.equals(id)).toBe(true);
    expect(converted.text).toBe(
      `TEST+${id.toString('hex')}+${Buffer.concat([Buffer.from([4]), raw]).toString('base64')}`,
    );
    // A note signer's key (0x01) and its cosignature key (0x04) differ in id, and
    // one's signatures are not the other's: the prefix separates the domains.
    const signer = generateSigner('log.example');
    const asWitness = parseCosignatureVerifierKey(signer.text);
    expect(asWitness.keyId.equals(signer.keyId)).toBe(false);
    expect(asWitness.publicKey.equals(signer.publicKey)).toBe(true);
  });

  it('signs what an independent node:crypto witness signs, byte for byte, and verifies it', () => {
    const seed = Buffer.alloc(32, 7);
    const witness = cosignatureSignerFromSeed('city.example.jp/witness', seed);
    const text = formatCheckpoint({ origin: 'kanribo/i/c', size: 12, root: Buffer.alloc(32, 1) });
    const line = witness.cosign(text, 1_800_000_000);
    // By hand: the message, the blob, the line.
    const message = `cosignature/v1\ntime 1800000000\n${text}`;
    expect(cosignedMessage(text, 1_800_000_000).toString('utf8')).toBe(message);
    const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
    const signature = sign(null, Buffer.from(message), {
      key: pkcs8,
      format: 'der',
      type: 'pkcs8',
    });
    const blob = Buffer.concat([witness.keyId, Buffer.alloc(8), signature]);
    blob.writeBigUInt64BE(1_800_000_000n, 4);
    expect(line).toBe(`— city.example.jp/witness ${blob.toString('base64')}\n`);
    expect(blob).toHaveLength(COSIGNATURE_BYTES);
    // The parsed line verifies with the key's text form and with its PEM.
    const parsed = parseCosignature(line);
    const verifier = parseCosignatureVerifierKey(witness.text);
    expect(verifier.verify(text, parsed.timestamp, parsed.signature)).toBe(true);
    const { publicKey } = generateKeyPairSync('ed25519');
    expect(cosignatureVerifierFromPublicKey('x', publicKey).verify(text, 1, parsed.signature)).toBe(
      false,
    );
  });

  it('leaves the log’s signed note valid with cosignature lines appended', () => {
    const log = generateSigner('kanribo/inst');
    const text = formatCheckpoint({ origin: 'kanribo/inst/c1', size: 3, root: Buffer.alloc(32) });
    const ward = generateCosignatureSigner('ward-a.example.jp/witness');
    const auditor = generateCosignatureSigner('ward-a.example.jp/audit');
    const note = signNote(text, log) + ward.cosign(text, 100) + auditor.cosign(text, 200);
    expect(openNote(note, [parseVerifierKey(log.text)]).verifiedBy).toHaveLength(1);
    expect(openCosignatures(note, [ward, auditor]).map((f) => f.timestamp)).toEqual([100, 200]);
    // The ward's cosignature of this checkpoint is no cosignature of another.
    const other = formatCheckpoint({
      origin: 'kanribo/inst/c1',
      size: 3,
      root: Buffer.alloc(32, 9),
    });
    const forged = signNote(other, log) + ward.cosign(text, 100);
    expect(openNote(forged, [parseVerifierKey(log.text)]).verifiedBy).toHaveLength(1);
    expect(() => openCosignatures(forged, [ward])).toThrow(/does not verify/);
  });

  it('refuses malformed cosignatures and keys', () => {
    const witness = generateCosignatureSigner('w');
    const line = witness.cosign('a\nb\nc\n', 5);
    expect(parseCosignature(line.trimEnd()).timestamp).toBe(5);
    expect(parseCosignature(line.split(' ')[2]!).name).toBeUndefined();
    for (const bad of [
      '',
      'not base64!',
      `— w ${line.split(' ')[2]!.trimEnd()} extra`,
      `- w ${line.split(' ')[2]}`, // a hyphen, not U+2014
      `— w ${Buffer.alloc(68).toString('base64')}`, // a plain Ed25519 note signature's size
      `— w ${Buffer.alloc(77).toString('base64')}`,
      `— w ${Buffer.concat([Buffer.alloc(4), Buffer.alloc(8, 0xff), Buffer.alloc(64)]).toString('base64')}`, // 2^64 − 1 seconds
      `— w ${line.split(' ')[2]!.trimEnd().replace(/=*$/, '')}`, // unpadded
    ]) {
      expect(() => parseCosignature(bad)).toThrow(NoteError);
    }
    expect(() => cosignatureLine('w', Buffer.alloc(4), -1, Buffer.alloc(64))).toThrow(NoteError);
    expect(() => cosignedMessage('no newline', 1)).toThrow(NoteError);
    expect(witness.verify('no newline', 1, Buffer.alloc(64))).toBe(false);
    expect(witness.verify('a\nb\nc\n', 5, Buffer.alloc(63))).toBe(false);
    const text = witness.text;
    expect(() =>
      parseCosignatureVerifierKey(text.replace(/\+[0-9a-f]{8}\+/, '+00000000+')),
    ).toThrow(/key id/);
    const raw = Buffer.from(text.split('+').slice(2).join('+'), 'base64');
    const ecdsa = Buffer.concat([Buffer.from([2]), raw.subarray(1)]).toString('base64');
    expect(() => parseCosignatureVerifierKey(`w+00000000+${ecdsa}`)).toThrow(NoteError);
    expect(() => parseCosignatureVerifierKey('w+00000000')).toThrow(NoteError);
    expect(() => generateCosignatureSigner('has space')).toThrow(NoteError);
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => cosignatureVerifierFromPublicKey('w', publicKey)).toThrow(NoteError);
  });
});
