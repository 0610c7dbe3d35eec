import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { businessDateOf } from '../../src/common/time/business-date.js';
import { TREE_MISMATCH } from '../../src/modules/ledger/chain-range.js';
import { LedgerService } from '../../src/modules/ledger/ledger.service.js';
import {
  verifyConsistency,
  verifyInclusion,
} from '../../src/modules/ledger/transparency/merkle.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import {
  merkleLeaf,
  merkleRoot,
  openCheckpoint,
  readLedger,
  type ServedEntry,
  sql,
} from '../support/ledger-kit.js';
import { TestApp } from '../support/test-app.js';

const hex = (text: string) => Buffer.from(text, 'hex');

/**
 * Issue 13, parts 1–3: each contract's 管理簿 as a Merkle tree (RFC 9162),
 * signed C2SP checkpoints, inclusion and consistency proofs — checked here
 * the way an outside party would: roots recomputed from the served entries
 * by the RFC's own recursion, signatures checked with node:crypto and the
 * published PEM key.
 */
describe('checkpoints and Merkle proofs of the ledger', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let key: {
    name: string;
    keyId: string;
    verifierKey: string;
    publicKeyPem: string;
    installationId: string;
    originPrefix: string;
  };

  const entries = () => readLedger(t, c.contractId, c.w.officerA.token);
  const checkpoint = async (query = '', token = c.w.officerA.token) => {
    const r = await t.get(`${c.base}/ledger/checkpoint${query}`, token);
    if (r.status !== 200) throw new Error(`checkpoint: ${r.status} ${r.text}`);
    return r.body as { treeSize: number; rootHash: string; note: string; reason: string };
  };
  const proof = (kind: 'inclusion' | 'consistency', query: string, token = c.w.officerA.token) =>
    t.get(`${c.base}/ledger/proof/${kind}?${query}`, token);
  const opened = (note: string) => openCheckpoint(note, key.name, key.publicKeyPem);

  beforeAll(async () => {
    t = await TestApp.start({ at: '2026-11-25T01:00:00.000Z' });
    c = await aCustodyWorld(t);
    for (let i = 0; i < 9; i++) await c.dvd(`DVD-T${i}`);
    const r = await t.get('/api/transparency/key');
    expect(r.status).toBe(200);
    key = r.body;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('publishes the checkpoint key without a session: a C2SP verifier key and the same key as PEM', async () => {
    expect(key.name).toBe(`kanribo/${key.installationId}`);
    expect(key.originPrefix).toBe(`kanribo/${key.installationId}/`);
    expect(key.verifierKey).toMatch(new RegExp(`^${key.name}\\+${key.keyId}\\+[A-Za-z0-9+/]{44}$`));
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    // The key id is SHA-256(name ‖ \n ‖ 0x01 ‖ public key)[:4], and the PEM holds that public key.
    const { createHash, createPublicKey } = await import('node:crypto');
    const raw = Buffer.from(key.verifierKey.split('+').slice(2).join('+'), 'base64');
    expect(raw[0]).toBe(1);
    const spki = createPublicKey(key.publicKeyPem).export({ format: 'der', type: 'spki' });
    expect(spki.subarray(-32).equals(raw.subarray(1))).toBe(true);
    const id = createHash('sha256').update(`${key.name}\n`).update(raw).digest().subarray(0, 4);
    expect(id.toString('hex')).toBe(key.keyId);
    // Created at first start in DATA_DIR, readable by its owner only.
    const file = join(t.database.env.DATA_DIR, 'checkpoint.key');
    expect((await readFile(file, 'utf8')).startsWith(`PRIVATE+KEY+${key.name}+${key.keyId}+`)).toBe(
      true,
    );
    const { stat } = await import('node:fs/promises');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('serves a checkpoint of the whole ledger whose root anyone can recompute from the served entries', async () => {
    const served = await entries();
    const current = await checkpoint();
    expect(current.treeSize).toBe(served.length);
    const note = opened(current.note);
    expect(note).toMatchObject({
      origin: `${key.originPrefix}${c.contractId}`,
      size: served.length,
      verified: true,
    });
    const root = merkleRoot(served.map(merkleLeaf));
    expect(note.root.equals(root)).toBe(true);
    expect(current.rootHash).toBe(root.toString('hex'));
    // Asked again with nothing new: the same checkpoint, nothing more stored.
    const stored = await t.count('ledger_checkpoints');
    expect((await checkpoint()).note).toBe(current.note);
    expect(await t.count('ledger_checkpoints')).toBe(stored);
    // And the stored one of that size is that one.
    expect((await checkpoint(`?size=${served.length}`)).note).toBe(current.note);
  });

  it('signs one when the ledger grows after CHECKPOINT_INTERVAL_SECONDS, not at every append', async () => {
    const before = await t.count('ledger_checkpoints');
    await c.dvd('DVD-SOON'); // the contract's last checkpoint is younger than 60 s
    expect(await t.count('ledger_checkpoints')).toBe(before);
    c.minutes(2);
    await c.dvd('DVD-LATER');
    const length = (await entries()).length;
    const rows = await sql(
      t,
      'SELECT tree_size, reason, signed_at FROM ledger_checkpoints WHERE contract_id = ? ORDER BY tree_size DESC',
      [c.contractId],
    );
    expect(rows[0]).toMatchObject({ reason: 'interval', signed_at: t.clock.now().toISOString() });
    expect(Number(rows[0].tree_size)).toBe(length);
  });

  it('always signs one at an audit, whatever the interval', async () => {
    const r = await t.post(
      `${c.base}/audits`,
      {
        performedOn: businessDateOf(t.clock.now(), 'Asia/Tokyo'),
        result: 'satisfactory',
        auditors: ['監査 一郎'],
      },
      c.w.officerA.token,
    );
    expect(r.status).toBe(201);
    const stored = await checkpoint(`?size=${r.body.seq}`);
    expect(stored.reason).toBe('audit_recorded');
    expect(opened(stored.note).verified).toBe(true);
  });

  it('proves every entry’s inclusion in the signed checkpoint, from the entry alone', async () => {
    const served = await entries();
    const current = opened((await checkpoint()).note);
    for (const entry of served) {
      const r = await proof('inclusion', `seq=${entry.seq}`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({
        seq: entry.seq,
        leafIndex: entry.seq - 1,
        treeSize: served.length,
      });
      const leaf = merkleLeaf(entry);
      expect(r.body.leafHash).toBe(leaf.toString('hex'));
      expect(
        verifyInclusion(leaf, entry.seq - 1, served.length, r.body.proof.map(hex), current.root),
      ).toBe(true);
    }
    // In an older tree too: entry 3 in the tree of 5, against that tree's recomputed root.
    const r = await proof('inclusion', 'seq=3&size=5');
    const root5 = merkleRoot(served.slice(0, 5).map(merkleLeaf));
    expect(r.body.rootHash).toBe(root5.toString('hex'));
    expect(verifyInclusion(merkleLeaf(served[2]!), 2, 5, r.body.proof.map(hex), root5)).toBe(true);
  });

  it('proves that every earlier signed checkpoint is a prefix of the current one', async () => {
    const sizes = (
      await sql(t, 'SELECT tree_size FROM ledger_checkpoints WHERE contract_id = ?', [c.contractId])
    ).map((row: { tree_size: number | string }) => Number(row.tree_size));
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    const current = opened((await checkpoint()).note);
    for (const size of sizes) {
      const earlier = opened((await checkpoint(`?size=${size}`)).note);
      expect(earlier.verified).toBe(true);
      const r = await proof('consistency', `from=${size}`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ from: size, to: current.size });
      expect(r.body.fromRootHash).toBe(earlier.root.toString('hex'));
      expect(
        verifyConsistency(size, current.size, earlier.root, current.root, r.body.proof.map(hex)),
      ).toBe(true);
    }
  });

  it('hands out one entry with its proof: enough for a third party to check it alone', async () => {
    const served = await entries();
    const target = served.find((e) => e.type === 'medium_registered')!;
    const r = await t.get(`${c.base}/ledger/entries/${target.seq}/proof`, c.w.auditor.token);
    expect(r.status).toBe(200);
    expect(r.body.entry).toEqual(target);
    // What the third party does, with nothing but this answer:
    const note = openCheckpoint(r.body.checkpoint.note, key.name, r.body.publicKeyPem);
    expect(note.verified).toBe(true);
    expect(note.origin).toBe(`${key.originPrefix}${c.contractId}`);
    expect(r.body.inclusion.treeSize).toBe(note.size);
    expect(
      verifyInclusion(
        merkleLeaf(r.body.entry),
        target.seq - 1,
        note.size,
        r.body.inclusion.proof.map(hex),
        note.root,
      ),
    ).toBe(true);
    expect(r.body.verifierKey).toBe(key.verifierKey);
    expect(r.body.howToVerify).toContain('RFC 9162');
    // Against an older stored checkpoint that covers it, too.
    const sizes = (
      await sql(
        t,
        'SELECT tree_size FROM ledger_checkpoints WHERE contract_id = ? ORDER BY tree_size',
        [c.contractId],
      )
    ).map((row: { tree_size: number | string }) => Number(row.tree_size));
    const older = sizes.find((n) => n >= target.seq && n < note.size)!;
    const atOlder = await t.get(
      `${c.base}/ledger/entries/${target.seq}/proof?size=${older}`,
      c.w.officerA.token,
    );
    expect(atOlder.body.checkpoint.treeSize).toBe(older);
    const olderNote = opened(atOlder.body.checkpoint.note);
    expect(
      verifyInclusion(
        merkleLeaf(target),
        target.seq - 1,
        older,
        atOlder.body.inclusion.proof.map(hex),
        olderNote.root,
      ),
    ).toBe(true);
    // Refused, writing nothing.
    const before = await t.count('ledger_checkpoints');
    const refusals: Array<[string, number, string]> = [
      [`${c.base}/ledger/entries/${served.length + 5}/proof`, 422, 'SEQ_OUT_OF_RANGE'],
      [
        `${c.base}/ledger/entries/${target.seq}/proof?size=${target.seq - 1}`,
        404,
        'CHECKPOINT_NOT_FOUND',
      ],
      [`${c.base}/ledger/entries/0/proof`, 400, 'VALIDATION_FAILED'],
      [`${c.base}/ledger/entries/abc/proof`, 400, 'VALIDATION_FAILED'],
      [`${c.base}/ledger/entries/2/proof?size=0`, 400, 'VALIDATION_FAILED'],
    ];
    if (sizes[0]! < target.seq) {
      refusals.push([
        `${c.base}/ledger/entries/${target.seq}/proof?size=${sizes[0]}`,
        422,
        'SEQ_OUT_OF_RANGE',
      ]);
    }
    for (const [path, status, code] of refusals) {
      const refused = await t.get(path, c.w.officerA.token);
      expect([path, refused.status, refused.body.code]).toEqual([path, status, code]);
    }
    expect(await t.count('ledger_checkpoints')).toBe(before);
    for (const token of [c.w.officerB.token, c.w.staffY.token]) {
      const other = await t.get(`${c.base}/ledger/entries/${target.seq}/proof`, token);
      expect([other.status, other.body.code]).toEqual([404, 'CONTRACT_NOT_FOUND']);
    }
  });

  describe('refuses what it cannot prove, and writes nothing', () => {
    it.each([
      ['inclusion', 'seq=99999', 422, 'SEQ_OUT_OF_RANGE', (n: number) => `seq=${n + 1}&size=${n}`],
      ['inclusion', '', 422, 'TREE_SIZE_OUT_OF_RANGE', (n: number) => `seq=1&size=${n + 1}`],
      ['consistency', '', 422, 'CONSISTENCY_RANGE_INVALID', (n: number) => `from=${n}&to=${n - 1}`],
      ['consistency', '', 422, 'TREE_SIZE_OUT_OF_RANGE', (n: number) => `from=1&to=${n + 1}`],
      ['inclusion', '', 400, 'VALIDATION_FAILED', () => 'size=3'],
      ['inclusion', '', 400, 'VALIDATION_FAILED', () => 'seq=0'],
      ['inclusion', '', 400, 'VALIDATION_FAILED', () => 'seq=1.5'],
      ['consistency', '', 400, 'VALIDATION_FAILED', () => 'to=3'],
      ['consistency', '', 400, 'VALIDATION_FAILED', () => 'from=-1'],
      ['consistency', '', 400, 'VALIDATION_FAILED', () => 'from=2&to=x'],
    ] as const)('%s ?%s → %i %s', async (kind, _label, status, code, query) => {
      const length = (await entries()).length;
      const before = await t.count('ledger_checkpoints');
      const r = await proof(kind, query(length));
      expect(r.status).toBe(status);
      expect(r.body.code).toBe(code);
      expect(await t.count('ledger_checkpoints')).toBe(before);
    });

    it('a stored checkpoint of a size never signed → 404 CHECKPOINT_NOT_FOUND', async () => {
      const signed = new Set(
        (
          await sql(t, 'SELECT tree_size FROM ledger_checkpoints WHERE contract_id = ?', [
            c.contractId,
          ])
        ).map((row: { tree_size: number | string }) => Number(row.tree_size)),
      );
      const unsigned = [2, 3, 4, 5, 6].find((n) => !signed.has(n))!;
      const r = await t.get(`${c.base}/ledger/checkpoint?size=${unsigned}`, c.w.officerA.token);
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('CHECKPOINT_NOT_FOUND');
      const zero = await t.get(`${c.base}/ledger/checkpoint?size=0`, c.w.officerA.token);
      expect(zero.status).toBe(400);
    });
  });

  describe('tenant isolation', () => {
    const paths = () => [
      `${c.base}/ledger/checkpoint`,
      `${c.base}/ledger/checkpoint?size=1`,
      `${c.base}/ledger/proof/inclusion?seq=1`,
      `${c.base}/ledger/proof/consistency?from=1`,
    ];

    it('another ward, a contractor not on the contract and an unknown id get 404; an admin 403', async () => {
      for (const path of paths()) {
        for (const token of [c.w.officerB.token, c.w.auditorB.token, c.w.staffY.token]) {
          const r = await t.get(path, token);
          expect([r.status, r.body.code]).toEqual([404, 'CONTRACT_NOT_FOUND']);
        }
        const admin = await t.get(path, c.w.admin.token);
        expect([admin.status, admin.body.code]).toEqual([403, 'FORBIDDEN_ROLE']);
        const anonymous = await t.get(path);
        expect(anonymous.status).toBe(401);
        const unknown = await t.get(
          path.replace(c.contractId, '00000000-0000-4000-8000-000000000000'),
          c.w.officerA.token,
        );
        expect([unknown.status, unknown.body.code]).toEqual([404, 'CONTRACT_NOT_FOUND']);
      }
    });

    it('the ward’s auditor and rostered contractor staff may read them', async () => {
      for (const token of [c.w.auditor.token, c.w.staffX.token, c.w.staffZ.token]) {
        for (const path of paths()) expect((await t.get(path, token)).status).toBe(200);
      }
    });
  });

  describe('tampering is detected by the proofs', () => {
    it('a changed stored entry no longer proves its inclusion in the signed checkpoint', async () => {
      const current = opened((await checkpoint()).note);
      const [row] = await sql(
        t,
        "SELECT seq, payload FROM ledger_entries WHERE contract_id = ? AND type = 'medium_registered' ORDER BY seq LIMIT 1",
        [c.contractId],
      );
      const seq = Number(row.seq);
      const forged = row.payload.replace('住民税課税資料', '固定資産税資料');
      expect(forged).not.toBe(row.payload);
      const write = (payload: string) =>
        sql(t, 'UPDATE ledger_entries SET payload = ? WHERE contract_id = ? AND seq = ?', [
          payload,
          c.contractId,
          seq,
        ]);
      await write(forged);
      try {
        const entry = (await entries())[seq - 1]!;
        expect(entry.payload.description).toBe('固定資産税資料');
        const r = await proof('inclusion', `seq=${seq}&size=${current.size}`);
        expect(
          verifyInclusion(
            merkleLeaf(entry),
            seq - 1,
            current.size,
            r.body.proof.map(hex),
            current.root,
          ),
        ).toBe(false);
      } finally {
        await write(row.payload);
      }
      const entry = (await entries())[seq - 1]!;
      const r = await proof('inclusion', `seq=${seq}&size=${current.size}`);
      expect(
        verifyInclusion(
          merkleLeaf(entry),
          seq - 1,
          current.size,
          r.body.proof.map(hex),
          current.root,
        ),
      ).toBe(true);
    });

    it('a changed stored subtree hash makes the served proofs fail against the signed root', async () => {
      const current = opened((await checkpoint()).note);
      const served = await entries();
      // Node 1/0 (the subtree of entries 1–2) is kept by entry 2, after its leaf.
      const [held] = await sql(
        t,
        'SELECT tree_nodes FROM ledger_entries WHERE contract_id = ? AND seq = 2',
        [c.contractId],
      );
      const nodes = held.tree_nodes as string;
      await sql(t, 'UPDATE ledger_entries SET tree_nodes = ? WHERE contract_id = ? AND seq = 2', [
        `${nodes.slice(0, 64)}${'ab'.repeat(32)}${nodes.slice(128)}`,
        c.contractId,
      ]);
      try {
        // The subtree of entries 1–2 is on the paths of entries 3 and 4, not on entry 1's.
        const path = async (seq: number) =>
          verifyInclusion(
            merkleLeaf(served[seq - 1]!),
            seq - 1,
            current.size,
            (await proof('inclusion', `seq=${seq}&size=${current.size}`)).body.proof.map(hex),
            current.root,
          );
        expect(await path(3)).toBe(false);
        expect(await path(4)).toBe(false);
        expect(await path(1)).toBe(true);
      } finally {
        await sql(t, 'UPDATE ledger_entries SET tree_nodes = ? WHERE contract_id = ? AND seq = 2', [
          nodes,
          c.contractId,
        ]);
      }
    });

    it('a changed checkpoint signature or root does not verify with the published key', async () => {
      const { note } = await checkpoint();
      const signature = note.slice(note.lastIndexOf(' ') + 1, -1);
      // Past the 4-byte key id (the first 6 base64 digits): the signature itself.
      const flipped = `${signature.slice(0, 20)}${signature[20] === 'A' ? 'B' : 'A'}${signature.slice(21)}`;
      expect(opened(note.replace(signature, flipped)).verified).toBe(false);
      const [origin, size] = note.split('\n');
      const otherRoot = Buffer.alloc(32, 1).toString('base64');
      const rewritten = note.replace(/^(.*\n.*\n).*\n/, `$1${otherRoot}\n`);
      expect(rewritten.startsWith(`${origin}\n${size}\n${otherRoot}\n`)).toBe(true);
      expect(opened(rewritten).verified).toBe(false);
    });
  });

  it('concurrent appends extend one tree: its root is the one recomputed from the chain', async () => {
    await Promise.all(Array.from({ length: 12 }, (_, i) => c.dvd(`DVD-P${i}`)));
    c.minutes(2);
    const served = await entries();
    const current = await checkpoint();
    expect(current.treeSize).toBe(served.length);
    expect(current.rootHash).toBe(merkleRoot(served.map(merkleLeaf)).toString('hex'));
  });

  it('ledger:rebuild rebuilds a lost tree exactly as the appends built it', async () => {
    const served: ServedEntry[] = await entries();
    const stored = () =>
      sql(t, 'SELECT seq, tree_nodes FROM ledger_entries WHERE contract_id = ? ORDER BY seq', [
        c.contractId,
      ]);
    const before = await stored();
    // Every complete subtree, each kept by the entry that completed it.
    expect(before.map((r: { tree_nodes: string }) => r.tree_nodes).join('').length / 64).toBe(
      2 * served.length - served.length.toString(2).replaceAll('0', '').length,
    );
    await sql(t, 'UPDATE ledger_entries SET tree_nodes = NULL WHERE contract_id = ?', [
      c.contractId,
    ]);
    await sql(t, "UPDATE ledger_heads SET tree_frontier = '' WHERE contract_id = ?", [
      c.contractId,
    ]);
    await t.app.get(LedgerService).rebuildProjections();
    expect(await stored()).toEqual(before);
    // Appends go on from the rebuilt frontier.
    await c.dvd('DVD-AFTER-REBUILD');
    const all = await entries();
    const r = await proof('consistency', `from=${served.length}`);
    expect(r.body.toRootHash).toBe(merkleRoot(all.map(merkleLeaf)).toString('hex'));
  });

  describe('audits prove that nothing was rewritten since the previous one', () => {
    const recordAudit = (world: CustodyWorld) =>
      t.post(
        `${world.base}/audits`,
        {
          performedOn: businessDateOf(t.clock.now(), 'Asia/Tokyo'),
          result: 'satisfactory',
          auditors: ['監査 一郎'],
        },
        world.w.officerA.token,
      );
    const auditsOf = async (world: CustodyWorld, token = world.w.auditor.token) => {
      const r = await t.get(`${world.base}/audits`, token);
      expect(r.status).toBe(200);
      return r.body.items as Array<{ id: string; seq: number; continuity: any }>;
    };

    /** Changes entry 2 of a contract's ledger and recomputes every hash after it, as someone with database access could. */
    async function rewriteEntry2(other: CustodyWorld): Promise<void> {
      const { storedEntryHash } = await import('../../src/modules/ledger/hash-chain.js');
      const rows = await sql(
        t,
        'SELECT contract_id, seq, type, occurred_at, recorded_at, actor, payload, prev_hash, hash FROM ledger_entries WHERE contract_id = ? ORDER BY seq',
        [other.contractId],
      );
      let previousHash = rows[0].hash as string;
      for (const row of rows.slice(1)) {
        const entry = {
          contractId: row.contract_id,
          seq: Number(row.seq),
          type: row.type,
          occurredAt: row.occurred_at,
          recordedAt: row.recorded_at,
          actor: row.actor,
          payload:
            Number(row.seq) === 2
              ? row.payload.replace(/"displayName":"[^"]*"/, '"displayName":"すり替え"')
              : row.payload,
          prevHash: previousHash,
          hash: '',
        };
        expect(Number(row.seq) !== 2 || entry.payload !== row.payload).toBe(true);
        entry.hash = storedEntryHash(entry);
        await sql(
          t,
          'UPDATE ledger_entries SET payload = ?, prev_hash = ?, hash = ? WHERE contract_id = ? AND seq = ?',
          [entry.payload, entry.prevHash, entry.hash, other.contractId, entry.seq],
        );
        previousHash = entry.hash;
      }
      await sql(t, 'UPDATE ledger_heads SET hash = ? WHERE contract_id = ?', [
        previousHash,
        other.contractId,
      ]);
    }

    it('each audit after the first shows the consistency proof from the previous audit’s checkpoint: 「前回調査以降、改ざんなし」', async () => {
      await c.dvd('DVD-BETWEEN-AUDITS');
      const r = await recordAudit(c);
      expect(r.status).toBe(201);
      const audits = await auditsOf(c);
      expect(audits.length).toBeGreaterThanOrEqual(2);
      expect(audits[0]!.continuity).toBeNull();
      const [previous, last] = audits.slice(-2) as [(typeof audits)[0], (typeof audits)[0]];
      expect(last.continuity).toMatchObject({
        previousAuditId: previous.id,
        fromSize: previous.seq,
        toSize: last.seq,
        status: 'intact',
        summary: '前回調査以降、改ざんなし',
        reason: null,
      });
      // Checked here against the two signed checkpoints, not the service's word.
      const from = opened((await checkpoint(`?size=${previous.seq}`)).note);
      const to = opened((await checkpoint(`?size=${last.seq}`)).note);
      expect([from.verified, to.verified]).toEqual([true, true]);
      expect(last.continuity.fromRootHash).toBe(from.root.toString('hex'));
      expect(
        verifyConsistency(
          previous.seq,
          last.seq,
          from.root,
          to.root,
          last.continuity.proof.map(hex),
        ),
      ).toBe(true);
      // The audit status shows it with the last audit.
      const status = await t.get('/api/audits/status', c.w.auditor.token);
      const item = status.body.items.find((i: any) => i.contractId === c.contractId);
      expect(item.lastAudit).toMatchObject({ id: last.id, continuity: { status: 'intact' } });
    });

    it('a ledger rewritten with its chain recomputed passes …/ledger/verify but not the next audit: the ward and its auditors are notified', async () => {
      const other = await aCustodyWorld(t);
      await other.dvd('DVD-R-1');
      const first = await recordAudit(other);
      expect(first.status).toBe(201);
      await other.dvd('DVD-R-2');
      // Someone with database access changes entry 2 and recomputes every hash after it…
      await rewriteEntry2(other);
      // …and rebuilds the Merkle tree from the rewritten entries.
      await t.app.get(LedgerService).rebuildProjections();
      const verify = await t.get(`${other.base}/ledger/verify`, other.w.officerA.token);
      expect(verify.body.valid).toBe(true);

      const second = await recordAudit(other);
      expect(second.status).toBe(201);
      const audits = await auditsOf(other);
      expect(audits.at(-1)!.continuity).toMatchObject({
        status: 'broken',
        summary: '前回調査以降の改ざんを検出',
      });
      expect(audits.at(-1)!.continuity.reason).toMatch(/does not extend/);
      for (const token of [other.w.officerA.token, other.w.auditor.token]) {
        const inbox = await t.get('/api/notifications', token);
        const notice = inbox.body.items.find(
          (n: any) => n.kind === 'ledger_tampering' && n.contractId === other.contractId,
        );
        expect(notice).toMatchObject({ title: '管理簿の改ざんを検出 / Ledger tampering detected' });
      }
      // Not to the contractor, and not to another ward.
      for (const token of [other.w.staffX.token, other.w.officerB.token]) {
        const inbox = await t.get('/api/notifications', token);
        expect(inbox.body.items.some((n: any) => n.kind === 'ledger_tampering')).toBe(false);
      }
    });

    it('the previous audit’s checkpoint removed from the database: the next audit is broken and notified, not “unavailable”', async () => {
      const other = await aCustodyWorld(t);
      await other.dvd('DVD-U-1');
      const first = await recordAudit(other);
      expect(first.status).toBe(201);
      const firstSeq = (await auditsOf(other)).at(-1)!.seq;
      // Checkpoints were being signed before that audit: the earliest is smaller.
      const [earliest] = await sql(
        t,
        'SELECT MIN(tree_size) AS size FROM ledger_checkpoints WHERE contract_id = ?',
        [other.contractId],
      );
      expect(Number(earliest.size)).toBeLessThan(firstSeq);
      await sql(t, 'DELETE FROM ledger_checkpoints WHERE contract_id = ? AND tree_size = ?', [
        other.contractId,
        firstSeq,
      ]);
      await other.dvd('DVD-U-2');
      expect((await recordAudit(other)).status).toBe(201);
      const last = (await auditsOf(other)).at(-1)!;
      expect(last.continuity).toMatchObject({
        fromSize: firstSeq,
        status: 'broken',
        summary: '前回調査以降の改ざんを検出',
      });
      expect(last.continuity.reason).toBe(
        `the checkpoint of ${firstSeq} entries, signed when that audit was recorded, is missing (checkpoints are stored from ${Number(earliest.size)} entries on)`,
      );
      const inbox = await t.get('/api/notifications', other.w.officerA.token);
      expect(
        inbox.body.items.some(
          (n: any) => n.kind === 'ledger_tampering' && n.contractId === other.contractId,
        ),
      ).toBe(true);
    });

    it('the ledger is checked against its tree before the audit’s transaction, and the entries appended since inside it', async () => {
      const { AuditContinuityReader } =
        await import('../../src/modules/audits/audit-continuity.js');
      const { storedEntryHash } = await import('../../src/modules/ledger/hash-chain.js');
      const reader = t.app.get(AuditContinuityReader);
      const other = await aCustodyWorld(t);
      expect((await recordAudit(other)).status).toBe(201);
      await other.dvd('DVD-P-1');
      // The pre-check covers the ledger as it is now…
      await reader.precheck(other.contractId);
      // …then another entry is appended, signed, and rewritten with its chain
      // recomputed and the tree left alone, before the audit's transaction.
      await other.dvd('DVD-P-2');
      const [row] = await sql(
        t,
        'SELECT contract_id, seq, type, occurred_at, recorded_at, actor, payload, prev_hash, hash FROM ledger_entries WHERE contract_id = ? ORDER BY seq DESC LIMIT 1',
        [other.contractId],
      );
      const last = Number(row.seq);
      const signed = await t.get(`${other.base}/ledger/checkpoint`, other.w.officerA.token);
      expect(signed.body.treeSize).toBe(last);
      const payload = row.payload.replace('DVD-P-2', 'DVD-P-X');
      expect(payload).not.toBe(row.payload);
      const hash = storedEntryHash({
        contractId: row.contract_id,
        seq: last,
        type: row.type,
        occurredAt: row.occurred_at,
        recordedAt: row.recorded_at,
        actor: row.actor,
        payload,
        prevHash: row.prev_hash,
        hash: '',
      });
      await sql(
        t,
        'UPDATE ledger_entries SET payload = ?, hash = ? WHERE contract_id = ? AND seq = ?',
        [payload, hash, other.contractId, last],
      );
      await sql(t, 'UPDATE ledger_heads SET hash = ? WHERE contract_id = ?', [
        hash,
        other.contractId,
      ]);
      // The check at recording (as the audit's reactor makes it) finds the
      // entry the pre-check could not have seen.
      const continuity = await t.dataSource.transaction((manager) =>
        reader.atRecording(other.contractId, last, manager),
      );
      expect(continuity).toMatchObject({
        status: 'broken',
        reason: `entry ${last}: ${TREE_MISMATCH}`,
      });
      // Used once: the next check reads the whole ledger again.
      const again = await t.dataSource.transaction((manager) =>
        reader.atRecording(other.contractId, last, manager),
      );
      expect(again).toMatchObject({ status: 'broken', reason: `entry ${last}: ${TREE_MISMATCH}` });
    });

    it('an audit recorded before checkpoints existed (an upgraded database): the next audit says “unavailable”, and nobody is notified', async () => {
      const other = await aCustodyWorld(t);
      await other.dvd('DVD-V-1');
      expect((await recordAudit(other)).status).toBe(201);
      const firstSeq = (await auditsOf(other)).at(-1)!.seq;
      // As the upgrade left it: no checkpoint of the ledger up to that audit.
      await sql(t, 'DELETE FROM ledger_checkpoints WHERE contract_id = ? AND tree_size <= ?', [
        other.contractId,
        firstSeq,
      ]);
      await other.dvd('DVD-V-2');
      expect((await recordAudit(other)).status).toBe(201);
      const last = (await auditsOf(other)).at(-1)!;
      expect(last.continuity).toMatchObject({
        fromSize: firstSeq,
        status: 'unavailable',
        summary: '前回調査時のチェックポイントがなく、検証できません',
        reason: `no checkpoint of ${firstSeq} entries is stored`,
      });
      const inbox = await t.get('/api/notifications', other.w.officerA.token);
      expect(
        inbox.body.items.some(
          (n: any) => n.kind === 'ledger_tampering' && n.contractId === other.contractId,
        ),
      ).toBe(false);
    });

    it('entries rewritten with the tree left alone: …/ledger/verify names the entry, and the next audit is broken', async () => {
      const other = await aCustodyWorld(t);
      await other.dvd('DVD-S-1');
      expect((await recordAudit(other)).status).toBe(201);
      await other.dvd('DVD-S-2');
      await rewriteEntry2(other);
      // The chain is whole again, and the stored tree still proves the signed checkpoints…
      const verify = await t.get(`${other.base}/ledger/verify`, other.w.officerA.token);
      expect(verify.body).toMatchObject({ valid: false, firstInvalidSeq: 2 });
      expect(verify.body.reason).toMatch(/does not match its leaf in the Merkle tree/);
      // …but the audit checks every entry against its leaf.
      expect((await recordAudit(other)).status).toBe(201);
      const audits = await auditsOf(other);
      expect(audits.at(-1)!.continuity).toMatchObject({
        status: 'broken',
        summary: '前回調査以降の改ざんを検出',
      });
      expect(audits.at(-1)!.continuity.reason).toMatch(
        /^entry 2: the entry does not match its leaf/,
      );
      const inbox = await t.get('/api/notifications', other.w.auditor.token);
      expect(
        inbox.body.items.some(
          (n: any) => n.kind === 'ledger_tampering' && n.contractId === other.contractId,
        ),
      ).toBe(true);
    });
  });
});
