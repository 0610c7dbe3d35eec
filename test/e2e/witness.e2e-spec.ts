import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
  sign,
  verify,
} from 'node:crypto';
import { businessDateOf } from '../../src/common/time/business-date.js';
import { Sql } from '../../src/database/sql.js';
import { TransactionRunner } from '../../src/database/transaction-runner.js';
import { CheckpointKey } from '../../src/modules/ledger/transparency/checkpoint-key.js';
import { storeCheckpoint } from '../../src/modules/ledger/transparency/checkpoints.js';
import { verifyConsistency } from '../../src/modules/ledger/transparency/merkle.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { merkleLeaf, merkleRoot, openCheckpoint, readLedger, sql } from '../support/ledger-kit.js';
import { aWorld } from '../factories/identity.factory.js';
import { TestApp } from '../support/test-app.js';

const hex = (text: string) => Buffer.from(text, 'hex');
const DASH = '\u2014';

/**
 * A ward's witness, written here from the C2SP tlog-cosignature
 * specification with node:crypto alone (not with the service's code): its
 * Ed25519 key, its key id SHA-256(name ‖ \n ‖ 0x04 ‖ key)[:4], its verifier
 * key, and cosignature/v1 lines. It remembers the last checkpoint it
 * cosigned, as a witness must, to check each new one's consistency with it.
 */
class Witness {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly raw: Buffer;
  last?: { size: number; root: Buffer };

  constructor(readonly name: string) {
    ({ privateKey: this.privateKey, publicKey: this.publicKey } = generateKeyPairSync('ed25519'));
    this.raw = this.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  }

  keyIdOf(type: number): Buffer {
    return createHash('sha256')
      .update(`${this.name}\n`)
      .update(Buffer.from([type]))
      .update(this.raw)
      .digest()
      .subarray(0, 4);
  }

  get keyId(): string {
    return this.keyIdOf(4).toString('hex');
  }

  /** The verifier key of type `type` (0x04 cosignature/v1; 0x01 a plain Ed25519 note key). */
  vkey(type = 4): string {
    const key = Buffer.concat([Buffer.from([type]), this.raw]).toString('base64');
    return `${this.name}+${this.keyIdOf(type).toString('hex')}+${key}`;
  }

  get pem(): string {
    return this.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  }

  /** The signature line of a cosignature of the note text `text` at `time`, signed with `key`. */
  cosign(text: string, time: number, key: KeyObject = this.privateKey, id = this.keyIdOf(4)) {
    const signature = sign(null, Buffer.from(`cosignature/v1\ntime ${time}\n${text}`), key);
    const blob = Buffer.alloc(76);
    id.copy(blob, 0);
    blob.writeBigUInt64BE(BigInt(time), 4);
    signature.copy(blob, 12);
    return `${DASH} ${this.name} ${blob.toString('base64')}\n`;
  }

  /** Whether the note carries this witness's valid cosignature of its text. */
  cosigned(note: string): boolean {
    const text = noteText(note);
    return note
      .slice(text.length + 1)
      .split('\n')
      .filter((line) => line.startsWith(`${DASH} ${this.name} `))
      .some((line) => {
        const blob = Buffer.from(line.split(' ')[2]!, 'base64');
        if (blob.length !== 76 || !blob.subarray(0, 4).equals(this.keyIdOf(4))) return false;
        const message = `cosignature/v1\ntime ${blob.readBigUInt64BE(4)}\n${text}`;
        return verify(null, Buffer.from(message), this.publicKey, blob.subarray(12));
      });
  }
}

/** A signed note's text: everything up to its empty line. */
function noteText(note: string): string {
  return note.slice(0, note.indexOf('\n\n') + 1);
}

interface Served {
  treeSize: number;
  rootHash: string;
  note: string;
  reason: string;
  cosignatures: Array<{
    witnessName: string;
    keyId: string;
    timestamp: number;
    cosignedAt: string;
    line: string;
  }>;
}

/**
 * Issue 13, part 5: a ward (or its auditor) registers its own Ed25519 witness
 * key and cosigns the checkpoints of its contracts' 管理簿 after checking
 * them (the log's signature, the root against the served entries, the
 * consistency with the last one it cosigned); the served checkpoints carry
 * its cosignature, so that a different ledger shown to someone else (a split
 * view) is caught: it cannot carry the ward's cosignature.
 */
describe('witness cosignatures of checkpoints', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let logKey: { name: string; publicKeyPem: string; originPrefix: string };
  const ward = new Witness('witness.ward-a.example.jp/kanribo');
  const audit = new Witness('audit.ward-a.example.jp/kanribo');
  const wardB = new Witness('witness.ward-b.example.jp/kanribo');
  const keyIds: Record<string, string> = {};

  const now = () => Math.floor(t.clock.now().getTime() / 1000);
  const checkpoint = async (query = '', token = c.w.officerA.token): Promise<Served> => {
    const r = await t.get(`${c.base}/ledger/checkpoint${query}`, token);
    if (r.status !== 200) throw new Error(`checkpoint: ${r.status} ${r.text}`);
    return r.body as Served;
  };
  const cosign = (body: unknown, token = c.w.officerA.token) =>
    t.post(`${c.base}/ledger/checkpoint/cosign`, body, token);
  const cosignatures = () => t.count('ledger_cosignatures');
  const signedSizes = async () =>
    (
      await sql(t, 'SELECT tree_size FROM ledger_checkpoints WHERE contract_id = ? ORDER BY 1', [
        c.contractId,
      ])
    ).map((row: { tree_size: number | string }) => Number(row.tree_size));

  /**
   * What the ward's witness does at an audit: fetch the current checkpoint,
   * check the log's signature with the published key and the root against
   * the served entries, check consistency with the last checkpoint it
   * cosigned (RFC 9162 proof, verified with merkle.ts), then cosign.
   */
  async function witnessAudit(witness: Witness, token: string, query = '') {
    const served = await checkpoint(query, token);
    const opened = openCheckpoint(served.note, logKey.name, logKey.publicKeyPem);
    expect(opened.verified).toBe(true);
    expect(opened.origin).toBe(`${logKey.originPrefix}${c.contractId}`);
    const entries = await readLedger(t, c.contractId, token);
    expect(opened.root.equals(merkleRoot(entries.slice(0, opened.size).map(merkleLeaf)))).toBe(
      true,
    );
    if (witness.last) {
      expect(opened.size).toBeGreaterThanOrEqual(witness.last.size);
      const r = await t.get(
        `${c.base}/ledger/proof/consistency?from=${witness.last.size}&to=${opened.size}`,
        token,
      );
      expect(r.status).toBe(200);
      expect(
        verifyConsistency(
          witness.last.size,
          opened.size,
          witness.last.root,
          opened.root,
          r.body.proof.map(hex),
        ),
      ).toBe(true);
    }
    const line = witness.cosign(noteText(served.note), now());
    const r = await cosign(
      { witnessKeyId: keyIds[witness.name], treeSize: opened.size, cosignature: line },
      token,
    );
    expect([r.status, r.body.code]).toEqual([201, undefined]);
    witness.last = { size: opened.size, root: opened.root };
    return { size: opened.size, line, answer: r.body as Served };
  }

  beforeAll(async () => {
    t = await TestApp.start({ at: '2026-11-25T01:00:00.000Z' });
    c = await aCustodyWorld(t);
    for (let i = 0; i < 5; i++) await c.dvd(`DVD-W${i}`);
    logKey = (await t.get('/api/transparency/key')).body;
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('witness keys', () => {
    it('a ward officer registers a C2SP verifier key, an auditor a PEM key with its name', async () => {
      const before = await t.count('witness_keys');
      const officer = await t.post('/api/witness-keys', { key: ward.vkey() }, c.w.officerA.token);
      expect(officer.status).toBe(201);
      expect(officer.body).toMatchObject({
        organizationId: c.w.wardA.id,
        name: ward.name,
        keyId: ward.keyId,
        verifierKey: ward.vkey(),
        createdByUserId: c.w.officerA.user.id,
        createdAt: t.clock.now().toISOString(),
        revokedAt: null,
      });
      // The PEM it answers is the same public key.
      expect(
        createPublicKey(officer.body.publicKeyPem)
          .export({ format: 'der', type: 'spki' })
          .subarray(-32)
          .equals(ward.raw),
      ).toBe(true);
      keyIds[ward.name] = officer.body.id;

      const auditor = await t.post(
        '/api/witness-keys',
        { key: audit.pem, name: audit.name },
        c.w.auditor.token,
      );
      expect(auditor.status).toBe(201);
      expect(auditor.body).toMatchObject({ keyId: audit.keyId, verifierKey: audit.vkey() });
      keyIds[audit.name] = auditor.body.id;

      const other = await t.post('/api/witness-keys', { key: wardB.vkey() }, c.w.officerB.token);
      expect(other.status).toBe(201);
      keyIds[wardB.name] = other.body.id;
      expect(await t.count('witness_keys')).toBe(before + 3);
    });

    it('takes a plain Ed25519 verifier key (0x01) as the same key, with its cosignature/v1 key id', async () => {
      const plain = new Witness('plain.ward-a.example.jp/kanribo');
      const r = await t.post('/api/witness-keys', { key: plain.vkey(1) }, c.w.officerA.token);
      expect(r.status).toBe(201);
      expect(r.body.keyId).toBe(plain.keyId);
      expect(r.body.keyId).not.toBe(plain.keyIdOf(1).toString('hex'));
      expect(r.body.verifierKey).toBe(plain.vkey(4));
    });

    it('each ward sees its own keys only; another ward’s key is 404', async () => {
      const a = await t.get('/api/witness-keys', c.w.auditor.token);
      expect(a.status).toBe(200);
      const names = a.body.items.map((k: { name: string }) => k.name);
      expect(names).toEqual(expect.arrayContaining([ward.name, audit.name]));
      expect(names).not.toContain(wardB.name);
      const b = await t.get('/api/witness-keys', c.w.auditorB.token);
      expect(b.body.items.map((k: { name: string }) => k.name)).toEqual([wardB.name]);
      const one = await t.get(`/api/witness-keys/${keyIds[ward.name]}`, c.w.officerA.token);
      expect([one.status, one.body.verifierKey]).toEqual([200, ward.vkey()]);
      for (const token of [c.w.officerB.token, c.w.auditorB.token]) {
        const r = await t.get(`/api/witness-keys/${keyIds[ward.name]}`, token);
        expect([r.status, r.body.code]).toEqual([404, 'WITNESS_KEY_NOT_FOUND']);
        const revoked = await t.delete(`/api/witness-keys/${keyIds[ward.name]}`, token);
        expect([revoked.status, revoked.body.code]).toEqual([404, 'WITNESS_KEY_NOT_FOUND']);
      }
      const unknown = await t.get(`/api/witness-keys/${randomUUID()}`, c.w.officerA.token);
      expect([unknown.status, unknown.body.code]).toEqual([404, 'WITNESS_KEY_NOT_FOUND']);
      const [row] = await sql(t, 'SELECT revoked_at FROM witness_keys WHERE id = ?', [
        keyIds[ward.name],
      ]);
      expect(row.revoked_at).toBeNull();
    });

    it('contractor staff and admins can neither register nor read witness keys', async () => {
      const before = await t.count('witness_keys');
      const someone = new Witness('contractor.example.jp/witness');
      for (const token of [c.w.staffX.token, c.w.staffX2.token, c.w.admin.token]) {
        const r = await t.post('/api/witness-keys', { key: someone.vkey() }, token);
        expect([r.status, r.body.code]).toEqual([403, 'FORBIDDEN_ROLE']);
        const list = await t.get('/api/witness-keys', token);
        expect([list.status, list.body.code]).toEqual([403, 'FORBIDDEN_ROLE']);
      }
      expect((await t.post('/api/witness-keys', { key: someone.vkey() })).status).toBe(401);
      expect(await t.count('witness_keys')).toBe(before);
    });

    it('refuses what is not an Ed25519 public key of a witness, and a key registered twice', async () => {
      const before = await t.count('witness_keys');
      const fresh = new Witness('fresh.ward-a.example.jp/kanribo');
      const { publicKey: rsa } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const wrongId = fresh.vkey().replace(`+${fresh.keyId}+`, '+00000000+');
      const cases: Array<[unknown, number, string]> = [
        [{ key: wrongId }, 422, 'WITNESS_KEY_INVALID'],
        [{ key: 'fresh+abcdef' }, 422, 'WITNESS_KEY_INVALID'],
        [{ key: fresh.vkey(), name: 'another.name' }, 422, 'WITNESS_KEY_INVALID'],
        [{ key: fresh.pem }, 422, 'WITNESS_KEY_INVALID'], // a PEM needs a name
        [{ key: fresh.pem, name: 'has space' }, 422, 'WITNESS_KEY_INVALID'],
        // Control characters: Go's note reader would refuse every note the key cosigned.
        [{ key: fresh.pem, name: 'bell\u0007ward' }, 422, 'WITNESS_KEY_INVALID'],
        [{ key: fresh.pem, name: 'nul\u0000ward' }, 422, 'WITNESS_KEY_INVALID'],
        [
          {
            key: fresh.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
            name: fresh.name,
          },
          422,
          'WITNESS_KEY_INVALID',
        ],
        [
          { key: rsa.export({ format: 'pem', type: 'spki' }).toString(), name: fresh.name },
          422,
          'WITNESS_KEY_INVALID',
        ],
        [{ key: new Witness(`long.${'x'.repeat(300)}`).vkey() }, 422, 'WITNESS_KEY_INVALID'],
        [{ key: ward.vkey() }, 409, 'WITNESS_KEY_EXISTS'],
        [{ key: ward.pem, name: ward.name }, 409, 'WITNESS_KEY_EXISTS'],
        [{}, 400, 'VALIDATION_FAILED'],
        [{ key: '' }, 400, 'VALIDATION_FAILED'],
        [{ key: fresh.vkey(), extra: 1 }, 400, 'VALIDATION_FAILED'],
      ];
      for (const [body, status, code] of cases) {
        const r = await t.post('/api/witness-keys', body, c.w.officerA.token);
        expect([JSON.stringify(body).slice(0, 60), r.status, r.body.code]).toEqual([
          JSON.stringify(body).slice(0, 60),
          status,
          code,
        ]);
      }
      expect(await t.count('witness_keys')).toBe(before);
    });

    it('a ward keeps at most 50 witness keys, revoked ones included: the 51st is 409 WITNESS_KEY_LIMIT', async () => {
      const other = await aWorld(t);
      for (let i = 0; i < 50; i++) {
        const r = await t.post(
          '/api/witness-keys',
          { key: new Witness(`w${i}.limit.example.jp`).vkey() },
          other.officerA.token,
        );
        expect(r.status).toBe(201);
      }
      const before = await t.count('witness_keys');
      const r = await t.post(
        '/api/witness-keys',
        { key: new Witness('one-too-many.example.jp').vkey() },
        other.officerA.token,
      );
      expect([r.status, r.body.code]).toEqual([409, 'WITNESS_KEY_LIMIT']);
      expect(await t.count('witness_keys')).toBe(before);
    });
  });

  describe('cosigning', () => {
    it('the ward checks the checkpoint, cosigns it, and finds its cosignature in the served note', async () => {
      const before = await cosignatures();
      const logNote = (await checkpoint()).note;
      const { size, line, answer } = await witnessAudit(ward, c.w.officerA.token);
      expect(await cosignatures()).toBe(before + 1);
      // The answer is the checkpoint as now served: the log's note, then the line.
      expect(answer.note).toBe(logNote + line);
      const served = await checkpoint(`?size=${size}`);
      expect(served.note).toBe(logNote + line);
      // Still a signed note the log's key verifies, now with the ward's cosignature.
      expect(openCheckpoint(served.note, logKey.name, logKey.publicKeyPem).verified).toBe(true);
      expect(ward.cosigned(served.note)).toBe(true);
      expect(served.cosignatures).toEqual([
        {
          witnessName: ward.name,
          keyId: ward.keyId,
          timestamp: now(),
          cosignedAt: new Date(now() * 1000).toISOString(),
          line,
        },
      ]);
      // The whole ledger's checkpoint is that one while nothing was appended.
      expect((await checkpoint()).note).toBe(served.note);
      // Everyone who reads the checkpoint sees the cosignature.
      for (const token of [c.w.auditor.token, c.w.staffX.token]) {
        expect(ward.cosigned((await checkpoint(`?size=${size}`, token)).note)).toBe(true);
      }
    });

    it('at the next audit, it proves consistency from the size it cosigned last and cosigns again; so does the auditor', async () => {
      await c.dvd('DVD-W-NEXT');
      c.minutes(2);
      await c.dvd('DVD-W-NEXT2');
      const recorded = await t.post(
        `${c.base}/audits`,
        {
          performedOn: businessDateOf(t.clock.now(), 'Asia/Tokyo'),
          result: 'satisfactory',
          auditors: ['監査 一郎'],
        },
        c.w.officerA.token,
      );
      expect(recorded.status).toBe(201);
      const first = ward.last!.size;
      const { size } = await witnessAudit(ward, c.w.officerA.token, `?size=${recorded.body.seq}`);
      expect(size).toBe(recorded.body.seq);
      expect(size).toBeGreaterThan(first);
      // The auditor's own witness, first time: nothing earlier to check against.
      c.minutes(1);
      const { line } = await witnessAudit(audit, c.w.auditor.token, `?size=${size}`);
      const served = await checkpoint(`?size=${size}`);
      expect(served.cosignatures.map((s) => s.witnessName)).toEqual([ward.name, audit.name]);
      expect(served.note.endsWith(line)).toBe(true);
      expect(ward.cosigned(served.note) && audit.cosigned(served.note)).toBe(true);
      expect(openCheckpoint(served.note, logKey.name, logKey.publicKeyPem).verified).toBe(true);
      // The first cosigned checkpoint keeps its own cosignature only.
      const earlier = await checkpoint(`?size=${first}`);
      expect(earlier.cosignatures.map((s) => s.witnessName)).toEqual([ward.name]);
    });

    it('the same cosignature sent again changes nothing', async () => {
      const served = await checkpoint(`?size=${ward.last!.size}`);
      const mine = served.cosignatures.find((s) => s.witnessName === ward.name)!;
      const before = await cosignatures();
      const r = await cosign({
        witnessKeyId: keyIds[ward.name],
        treeSize: ward.last!.size,
        cosignature: mine.line.trimEnd(),
      });
      expect(r.status).toBe(201);
      expect(r.body.note).toBe(served.note);
      expect(await cosignatures()).toBe(before);
    });
  });

  describe('refuses a cosignature it cannot stand by, and stores nothing', () => {
    /** A stored checkpoint size below the ward's last, which the ward's key has not cosigned. */
    const olderUncosigned = async () => {
      const cosigned = new Set(
        (
          await sql(t, 'SELECT tree_size FROM ledger_cosignatures WHERE witness_key_id = ?', [
            keyIds[ward.name],
          ])
        ).map((row: { tree_size: number | string }) => Number(row.tree_size)),
      );
      const size = (await signedSizes()).find((n) => n < ward.last!.size && !cosigned.has(n));
      if (size === undefined) throw new Error('no older checkpoint left uncosigned');
      return size;
    };

    type Request = { body: unknown; token?: string };
    const cases: Array<[string, () => Promise<Request> | Request, number, string]> = [
      [
        'a cosignature over another text (another root)',
        async () => {
          const text = noteText((await checkpoint(`?size=${ward.last!.size}`)).note);
          const other = text.replace(
            /\n[^\n]+\n$/,
            `\n${Buffer.alloc(32, 1).toString('base64')}\n`,
          );
          expect(other).not.toBe(text);
          return {
            body: {
              witnessKeyId: keyIds[ward.name],
              treeSize: ward.last!.size,
              cosignature: ward.cosign(other, now()),
            },
          };
        },
        422,
        'COSIGNATURE_INVALID',
      ],
      [
        'the cosignature of one size sent as another stored size',
        async () => {
          const size = await olderUncosigned();
          const text = noteText((await checkpoint(`?size=${ward.last!.size}`)).note);
          return {
            body: {
              witnessKeyId: keyIds[ward.name],
              treeSize: size,
              cosignature: ward.cosign(text, now()),
            },
          };
        },
        422,
        'COSIGNATURE_INVALID',
      ],
      [
        'a size no checkpoint was signed at',
        async () => {
          const signed = new Set(await signedSizes());
          const size = [2, 3, 4, 5, 6, 7].find((n) => !signed.has(n))!;
          return {
            body: {
              witnessKeyId: keyIds[ward.name],
              treeSize: size,
              cosignature: ward.cosign(`x\n${size}\ny\n`, now()),
            },
          };
        },
        404,
        'CHECKPOINT_NOT_FOUND',
      ],
      [
        'a size beyond the ledger',
        () => ({
          body: {
            witnessKeyId: keyIds[ward.name],
            treeSize: 99_999,
            cosignature: ward.cosign('x\n99999\ny\n', now()),
          },
        }),
        404,
        'CHECKPOINT_NOT_FOUND',
      ],
      [
        'an unregistered key',
        async () => {
          const stranger = new Witness('stranger.example.jp/w');
          const text = noteText((await checkpoint()).note);
          return {
            body: {
              witnessKeyId: randomUUID(),
              treeSize: Number(text.split('\n')[1]),
              cosignature: stranger.cosign(text, now()),
            },
          };
        },
        404,
        'WITNESS_KEY_NOT_FOUND',
      ],
      [
        'another key’s cosignature sent under the ward’s registered key',
        async () => {
          const stranger = new Witness(ward.name); // same name, its own key: another key id
          const text = noteText((await checkpoint()).note);
          return {
            body: {
              witnessKeyId: keyIds[ward.name],
              treeSize: Number(text.split('\n')[1]),
              cosignature: stranger.cosign(text, now()),
            },
          };
        },
        422,
        'COSIGNATURE_KEY_MISMATCH',
      ],
      [
        'a forgery: the ward key’s name and id, signed with another private key',
        async () => {
          const text = noteText((await checkpoint()).note);
          const { privateKey } = generateKeyPairSync('ed25519');
          return {
            body: {
              witnessKeyId: keyIds[ward.name],
              treeSize: Number(text.split('\n')[1]),
              cosignature: ward.cosign(text, now(), privateKey),
            },
          };
        },
        422,
        'COSIGNATURE_INVALID',
      ],
      [
        'another ward’s key',
        async () => {
          const text = noteText((await checkpoint()).note);
          return {
            body: {
              witnessKeyId: keyIds[wardB.name],
              treeSize: Number(text.split('\n')[1]),
              cosignature: wardB.cosign(text, now()),
            },
          };
        },
        404,
        'WITNESS_KEY_NOT_FOUND',
      ],
      [
        'a contractor on the roster',
        async () => {
          const text = noteText((await checkpoint()).note);
          return {
            token: c.w.staffX2.token,
            body: {
              witnessKeyId: keyIds[ward.name],
              treeSize: Number(text.split('\n')[1]),
              cosignature: ward.cosign(text, now()),
            },
          };
        },
        403,
        'FORBIDDEN_ROLE',
      ],
      [
        'an admin',
        async () => {
          const text = noteText((await checkpoint()).note);
          return {
            token: c.w.admin.token,
            body: {
              witnessKeyId: keyIds[ward.name],
              treeSize: Number(text.split('\n')[1]),
              cosignature: ward.cosign(text, now()),
            },
          };
        },
        403,
        'FORBIDDEN_ROLE',
      ],
      [
        'going backwards: a size below the last this key cosigned',
        async () => {
          const size = await olderUncosigned();
          const text = noteText((await checkpoint(`?size=${size}`)).note);
          return {
            body: {
              witnessKeyId: keyIds[ward.name],
              treeSize: size,
              cosignature: ward.cosign(text, now()),
            },
          };
        },
        422,
        'COSIGNATURE_ROLLBACK',
      ],
      [
        'a timestamp an hour ahead',
        async () => {
          const text = noteText((await checkpoint()).note);
          return {
            body: {
              witnessKeyId: keyIds[ward.name],
              treeSize: Number(text.split('\n')[1]),
              cosignature: ward.cosign(text, now() + 3600),
            },
          };
        },
        422,
        'COSIGNATURE_TIMESTAMP_INVALID',
      ],
      [
        'another cosignature of a size this key cosigned',
        async () => {
          const text = noteText((await checkpoint(`?size=${ward.last!.size}`)).note);
          return {
            body: {
              witnessKeyId: keyIds[ward.name],
              treeSize: ward.last!.size,
              cosignature: ward.cosign(text, now() - 1),
            },
          };
        },
        409,
        'COSIGNATURE_EXISTS',
      ],
      [
        'a line that is not base64',
        () => ({
          body: {
            witnessKeyId: keyIds[ward.name],
            treeSize: ward.last!.size,
            cosignature: `${DASH} ${ward.name} not*base64`,
          },
        }),
        400,
        'COSIGNATURE_MALFORMED',
      ],
      [
        'a plain Ed25519 note signature (no timestamp)',
        () => ({
          body: {
            witnessKeyId: keyIds[ward.name],
            treeSize: ward.last!.size,
            cosignature: `${DASH} ${ward.name} ${Buffer.alloc(68, 5).toString('base64')}`,
          },
        }),
        400,
        'COSIGNATURE_MALFORMED',
      ],
      [
        'a body without treeSize',
        () => ({ body: { witnessKeyId: keyIds[ward.name], cosignature: 'x' } }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a treeSize written as text, and an id that is not one',
        () => ({ body: { witnessKeyId: 'ward', treeSize: '3', cosignature: 'x' } }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'an empty cosignature and an unknown field',
        () => ({
          body: { witnessKeyId: keyIds[ward.name], treeSize: 1, cosignature: '', note: 'x' },
        }),
        400,
        'VALIDATION_FAILED',
      ],
    ];

    it.each(cases.map(([label, build, status, code]) => [label, status, code, build] as const))(
      '%s → %i %s',
      async (_label, status, code, build) => {
        const { body, token } = await build();
        const before = await cosignatures();
        const served = await checkpoint(`?size=${ward.last!.size}`);
        const r = await cosign(body, token);
        expect([r.status, r.body.code]).toEqual([status, code]);
        expect(r.body).toMatchObject({ statusCode: status, message: expect.any(String) });
        expect(await cosignatures()).toBe(before);
        expect((await checkpoint(`?size=${ward.last!.size}`)).note).toBe(served.note);
      },
    );
  });

  describe('revocation', () => {
    it('a revoked key cosigns nothing more; what it cosigned stays served', async () => {
      const spare = new Witness('spare.ward-a.example.jp/kanribo');
      const registered = await t.post(
        '/api/witness-keys',
        { key: spare.vkey() },
        c.w.auditor.token,
      );
      expect(registered.status).toBe(201);
      keyIds[spare.name] = registered.body.id;
      const { size } = await witnessAudit(spare, c.w.auditor.token);
      const r = await t.delete(`/api/witness-keys/${registered.body.id}`, c.w.officerA.token);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        revokedAt: t.clock.now().toISOString(),
        revokedByUserId: c.w.officerA.user.id,
      });
      const again = await t.delete(`/api/witness-keys/${registered.body.id}`, c.w.officerA.token);
      expect([again.status, again.body.revokedAt]).toEqual([200, r.body.revokedAt]);
      const before = await cosignatures();
      c.minutes(2);
      await c.dvd('DVD-W-REVOKED');
      const text = noteText((await checkpoint()).note);
      const refused = await cosign(
        {
          witnessKeyId: registered.body.id,
          treeSize: Number(text.split('\n')[1]),
          cosignature: spare.cosign(text, now()),
        },
        c.w.auditor.token,
      );
      expect([refused.status, refused.body.code]).toEqual([409, 'WITNESS_KEY_REVOKED']);
      expect(await cosignatures()).toBe(before);
      expect(spare.cosigned((await checkpoint(`?size=${size}`)).note)).toBe(true);
    });
  });

  describe('tenant isolation', () => {
    it('another ward’s officer or auditor cannot cosign the contract, even with their own key: 404', async () => {
      const before = await cosignatures();
      const text = noteText((await checkpoint()).note);
      const body = {
        witnessKeyId: keyIds[wardB.name],
        treeSize: Number(text.split('\n')[1]),
        cosignature: wardB.cosign(text, now()),
      };
      for (const token of [c.w.officerB.token, c.w.auditorB.token, c.w.staffY.token]) {
        const r = await cosign(body, token);
        const expected =
          token === c.w.staffY.token ? [403, 'FORBIDDEN_ROLE'] : [404, 'CONTRACT_NOT_FOUND'];
        expect([r.status, r.body.code]).toEqual(expected);
      }
      const unknown = await t.post(
        `/api/contracts/${randomUUID()}/ledger/checkpoint/cosign`,
        body,
        c.w.officerA.token,
      );
      expect([unknown.status, unknown.body.code]).toEqual([404, 'CONTRACT_NOT_FOUND']);
      expect(await cosignatures()).toBe(before);
    });
  });

  describe('split views', () => {
    it('a second checkpoint of a size already signed cannot be stored', async () => {
      const size = ward.last!.size;
      const [row] = await sql(
        t,
        'SELECT note, root_hash FROM ledger_checkpoints WHERE contract_id = ? AND tree_size = ?',
        [c.contractId, size],
      );
      const key = t.app.get(CheckpointKey);
      await expect(
        t.app.get(TransactionRunner).run((manager) =>
          storeCheckpoint(new Sql(manager), key, {
            contractId: c.contractId,
            size,
            frontier: [Buffer.alloc(32, 9)],
            reason: 'requested',
            at: t.clock.now().toISOString(),
          }),
        ),
      ).rejects.toThrow();
      const [after] = await sql(
        t,
        'SELECT note, root_hash FROM ledger_checkpoints WHERE contract_id = ? AND tree_size = ?',
        [c.contractId, size],
      );
      expect(after).toEqual(row);
      expect((await checkpoint(`?size=${size}`)).rootHash).toBe(row.root_hash);
    });

    it('a different checkpoint of a cosigned size, though signed with the log’s key, has no valid cosignature of the ward', async () => {
      const size = ward.last!.size;
      const genuine = await checkpoint(`?size=${size}`);
      const [row] = await sql(
        t,
        'SELECT note, root_hash FROM ledger_checkpoints WHERE contract_id = ? AND tree_size = ?',
        [c.contractId, size],
      );
      // The operator, who holds the log's key, signs another tree of that size
      // and swaps it in behind the service's back, to show it to someone else.
      const otherRoot = Buffer.alloc(32, 3);
      const forged = t.app.get(CheckpointKey).sign(c.contractId, size, otherRoot);
      const write = (note: string, root: string) =>
        sql(
          t,
          'UPDATE ledger_checkpoints SET note = ?, root_hash = ? WHERE contract_id = ? AND tree_size = ?',
          [note, root, c.contractId, size],
        );
      await write(forged, otherRoot.toString('hex'));
      try {
        const shown = await checkpoint(`?size=${size}`, c.w.staffX.token);
        // The log's signature verifies: on its own, the forgery passes …
        expect(openCheckpoint(shown.note, logKey.name, logKey.publicKeyPem)).toMatchObject({
          verified: true,
          size,
        });
        // … but the ward's and the auditor's cosignature lines do not verify over it,
        expect(shown.cosignatures.map((s) => s.witnessName)).toEqual(
          expect.arrayContaining([ward.name, audit.name]),
        );
        expect(ward.cosigned(shown.note)).toBe(false);
        expect(audit.cosigned(shown.note)).toBe(false);
        // and the ward's own cosigned checkpoint is not a prefix of what is shown now.
        const later = await checkpoint('', c.w.staffX.token);
        const opened = openCheckpoint(later.note, logKey.name, logKey.publicKeyPem);
        const proof = await t.get(
          `${c.base}/ledger/proof/consistency?from=${size}&to=${opened.size}`,
          c.w.staffX.token,
        );
        expect(
          verifyConsistency(size, opened.size, otherRoot, opened.root, proof.body.proof.map(hex)),
        ).toBe(false);
      } finally {
        await write(row.note, row.root_hash);
      }
      const restored = await checkpoint(`?size=${size}`);
      expect(restored.note).toBe(genuine.note);
      expect(ward.cosigned(restored.note) && audit.cosigned(restored.note)).toBe(true);
    });
  });
});
