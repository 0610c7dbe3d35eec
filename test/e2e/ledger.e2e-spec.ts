import { aContract } from '../factories/contract.factory.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import {
  canonicalText,
  chainProblems,
  GENESIS,
  parseCsv,
  readLedger,
  recomputeHash,
  type ServedEntry,
  sql,
  tokyoMinute,
} from '../support/ledger-kit.js';
import { TestApp } from '../support/test-app.js';

/** 23:59 on 31 March in Tokyo: the last minute of the fiscal year. */
const START = '2026-03-31T14:59:00.000Z';
const SHA_A = 'a1'.repeat(32);
const SHA_B = 'b2'.repeat(32);
const WRONG = 'ff'.repeat(32);

const HEADER =
  '連番,日時,区分,引渡者,受領者,情報の内容,媒体,数量,件数,運搬方法,鍵付きカバン番号,封印番号,承認者,承認日時,備考,ハッシュ';

describe('the ledger (管理簿) of a contract', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let entries: ServedEntry[];
  const ids = {} as Record<'dvdA' | 'dvdB' | 'pwA' | 'dA' | 'dPw' | 'dB' | 'dZ' | 'dRet', string>;

  const ledger = (query = '', token = c.w.officerA.token) =>
    t.get(`${c.base}/ledger${query}`, token);

  async function ok(response: Promise<{ status: number; text: string; body: any }>, status = 201) {
    const r = await response;
    if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${r.text}`);
    return r.body;
  }

  beforeAll(async () => {
    t = await TestApp.start({ at: START, env: { TOKEN_TTL_MINUTES: '43200' } });
    // The contract started in January, so the roster is valid from today (31 March).
    c = await aCustodyWorld(t, { startsOn: '2026-01-01', endsOn: '2027-03-31' });
    const { officerA, staffX, staffZ } = c.w;

    // A description that starts like a formula, and fingerprints to check on receipt.
    ids.dvdA = await c.dvd('DVD-A', officerA.token, {
      description: '@住民税 課税資料',
      sha256: SHA_A,
    });
    ids.dvdB = await c.dvd('DVD-B', officerA.token, { sha256: SHA_B });
    ids.pwA = await c.notice(ids.dvdA);

    // 23:59 in Tokyo: the provision leaves in a bag and seal whose numbers look like formulas.
    ids.dA = (
      await ok(
        c.provide([ids.dvdA], {
          bagId: '=BAG(1)',
          sealNumber: '+81-S1',
          note: '=HYPERLINK("http://evil.example","x")',
        }),
      )
    ).id;
    c.minutes(1); // 00:00 on 1 April in Tokyo
    await ok(c.receive(staffX.token, ids.dA, { sealIntact: true, sha256: { [ids.dvdA]: SHA_A } }));

    // Refused: the ward no longer holds it. Nothing is written.
    const refused = await c.provide([ids.dvdA]);
    expect(refused.status).toBe(409);

    c.minutes(61);
    ids.dPw = (await ok(c.provide([ids.pwA], { bagId: 'BAG-PW', note: '-1 担当者確認済み' }))).id;
    c.minutes(5);
    await ok(c.receive(staffX.token, ids.dPw, { sealIntact: false })); // + seal_broken incident

    c.minutes(3);
    await ok(
      t.post(`${c.base}/media/${ids.dvdA}/store`, { location: '第2書庫 金庫A' }, staffX.token),
    );

    ids.dB = (await ok(c.provide([ids.dvdB], { bagId: 'BAG-B', sealNumber: 'S-0002' }))).id;
    c.minutes(2);
    await ok(c.receive(staffX.token, ids.dB, { sealIntact: true, sha256: { [ids.dvdB]: WRONG } }));

    // Subcontract DVD-A to Z, more than an hour after its notice left, and return it.
    c.minutes(70);
    ids.dZ = (
      await ok(
        c.dispatch(staffX.token, {
          items: [ids.dvdA],
          toUserId: staffZ.user.id,
          method: 'hand',
          bagId: 'BAG-Z',
          sealNumber: 'S-0003',
          purpose: 'subcontract',
        }),
      )
    ).id;
    c.minutes(30);
    await ok(c.receive(staffZ.token, ids.dZ));
    c.minutes(30);
    ids.dRet = (
      await ok(
        c.dispatch(staffZ.token, {
          items: [ids.dvdA],
          toUserId: officerA.user.id,
          method: 'hand',
          bagId: 'BAG-R',
          purpose: 'return',
        }),
      )
    ).id;
    c.minutes(45);
    await ok(c.receive(officerA.token, ids.dRet));

    // Enough further entries for more than one default page (100).
    for (let i = 0; i < 95; i++) await c.dvd(`DVD-P${i}`);

    entries = await readLedger(t, c.contractId, officerA.token);
  });
  afterAll(() => t.close());

  describe('GET …/ledger', () => {
    it('starts with contract_registered, after 64 zeros', () => {
      expect(entries.length).toBeGreaterThan(100);
      const [first] = entries;
      expect(first).toMatchObject({
        contractId: c.contractId,
        seq: 1,
        type: 'contract_registered',
        prevHash: GENESIS,
      });
      expect(Object.keys(first!).sort()).toEqual(
        [
          'actor',
          'contractId',
          'hash',
          'occurredAt',
          'payload',
          'prevHash',
          'recordedAt',
          'seq',
          'type',
        ].sort(),
      );
    });

    it('serves entries whose hashes anyone can recompute, each linked to the one before', () => {
      expect(chainProblems(entries, c.contractId)).toEqual([]);
      // Spot-check the recipe by hand on one entry: canonical JSON of everything but hash.
      const entry = entries[4]!;
      const { hash, ...rest } = entry;
      expect(recomputeHash(rest)).toBe(hash);
      expect(canonicalText(rest).startsWith('{"actor":{')).toBe(true);
    });

    it('records the handovers as events with the details of the 管理簿', () => {
      const types = entries.map((e) => e.type);
      expect(types.filter((x) => x === 'handover_dispatched')).toHaveLength(5);
      expect(types.filter((x) => x === 'handover_received')).toHaveLength(5);
      expect(types.filter((x) => x === 'incident_reported')).toHaveLength(2);
      expect(types.filter((x) => x === 'medium_stored')).toHaveLength(1);
      const dispatch = entries.find(
        (e) => e.type === 'handover_dispatched' && e.payload.handoverId === ids.dA,
      )!;
      expect(dispatch.occurredAt).toBe(START);
      expect(dispatch.actor).toMatchObject({ userId: c.w.officerA.user.id });
      expect(dispatch.payload).toMatchObject({ bagId: '=BAG(1)', sealNumber: '+81-S1' });
    });

    it('defaults to a page of 100 from the start', async () => {
      const page = await ledger();
      expect(page.status).toBe(200);
      expect(page.body.items).toHaveLength(100);
      expect(page.body.items[0].seq).toBe(1);
      expect(page.body.length).toBe(entries.length);
      expect(page.body.nextAfterSeq).toBe(100);
      expect(page.body.items).toEqual(entries.slice(0, 100));
    });

    it('walks the whole chain a page at a time', async () => {
      const walked: ServedEntry[] = [];
      let after = 0;
      let pages = 0;
      for (;;) {
        const page = await ledger(`?afterSeq=${after}&limit=7`);
        expect(page.status).toBe(200);
        expect(page.body.length).toBe(entries.length);
        expect(page.body.items.length).toBeLessThanOrEqual(7);
        walked.push(...page.body.items);
        pages++;
        if (page.body.nextAfterSeq === null) break;
        expect(page.body.nextAfterSeq).toBe(page.body.items[page.body.items.length - 1].seq);
        after = page.body.nextAfterSeq;
      }
      expect(pages).toBe(Math.ceil(entries.length / 7));
      expect(walked).toEqual(entries);
    });

    it('answers the boundaries exactly', async () => {
      const n = entries.length;
      const first = await ledger('?limit=1');
      expect(first.body).toMatchObject({ length: n, nextAfterSeq: 1 });
      expect(first.body.items).toEqual([entries[0]]);

      const last = await ledger(`?afterSeq=${n - 1}&limit=1`);
      expect(last.body.items).toEqual([entries[n - 1]]);
      expect(last.body.nextAfterSeq).toBeNull();

      const rest = await ledger(`?afterSeq=${n - 5}&limit=5`); // exactly what is left
      expect(rest.body.items.map((e: ServedEntry) => e.seq)).toEqual([
        n - 4,
        n - 3,
        n - 2,
        n - 1,
        n,
      ]);
      expect(rest.body.nextAfterSeq).toBeNull();

      const oneShort = await ledger(`?afterSeq=${n - 6}&limit=5`);
      expect(oneShort.body.nextAfterSeq).toBe(n - 1);

      for (const after of [n, n + 1, n + 1000]) {
        const beyond = await ledger(`?afterSeq=${after}`);
        expect(beyond.status).toBe(200);
        expect(beyond.body).toEqual({ items: [], length: n, nextAfterSeq: null });
      }

      const all = await ledger('?afterSeq=0&limit=1000');
      expect(all.status).toBe(200);
      expect(all.body.items).toEqual(entries);
      expect(all.body.nextAfterSeq).toBeNull();
    });

    it.each([
      ['limit above 1000', '?limit=1001'],
      ['limit 0', '?limit=0'],
      ['a negative limit', '?limit=-1'],
      ['a negative afterSeq', '?afterSeq=-1'],
      ['a fractional limit', '?limit=2.5'],
      ['a non-numeric afterSeq', '?afterSeq=abc'],
    ])('refuses %s with 400 VALIDATION_FAILED', async (_name, query) => {
      const response = await ledger(query);
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });
  });

  describe('GET …/ledger/verify', () => {
    it('finds an intact chain valid and names its head', async () => {
      const response = await t.get(`${c.base}/ledger/verify`, c.w.officerA.token);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        valid: true,
        length: entries.length,
        head: entries[entries.length - 1]!.hash,
      });
      const [head] = await sql(t, 'SELECT seq, hash FROM ledger_heads WHERE contract_id = ?', [
        c.contractId,
      ]);
      expect({ seq: Number(head.seq), hash: head.hash }).toEqual({
        seq: entries.length,
        hash: response.body.head,
      });
    });
  });

  describe('who reads it', () => {
    const paths = ['/ledger', '/ledger/verify', '/ledger/export.csv', '/ledger/export.xlsx'];

    it.each(['officerA', 'staffX', 'staffZ', 'auditor'] as const)(
      '%s reads the ledger, verifies it and exports it',
      async (who) => {
        for (const path of paths) {
          const response = await t.get(`${c.base}${path}`, c.w[who].token);
          expect({ path, status: response.status }).toEqual({ path, status: 200 });
        }
      },
    );

    it('an admin is refused by role (403), separation of duties', async () => {
      for (const path of paths) {
        const response = await t.get(`${c.base}${path}`, c.w.admin.token);
        expect({ path, status: response.status }).toEqual({ path, status: 403 });
        expect(response.body.code).toBe('FORBIDDEN_ROLE');
        expect(response.text).not.toContain(entries[1]!.hash);
      }
    });

    it.each(['officerB', 'staffY', 'auditorB'] as const)(
      '%s (another tenant) is answered 404 without data',
      async (who) => {
        for (const path of paths) {
          const response = await t.get(`${c.base}${path}`, c.w[who].token);
          expect({ path, status: response.status }).toEqual({ path, status: 404 });
          expect(response.body.code).toBe('CONTRACT_NOT_FOUND');
          expect(response.text).not.toContain(entries[1]!.hash);
        }
      },
    );

    it('nobody without a token (401)', async () => {
      for (const path of paths) {
        const response = await t.get(`${c.base}${path}`);
        expect({ path, status: response.status }).toEqual({ path, status: 401 });
      }
    });

    it('an unknown contract is 404', async () => {
      const response = await t.get(
        '/api/contracts/00000000-0000-4000-8000-000000000000/ledger',
        c.w.auditor.token,
      );
      expect(response.status).toBe(404);
    });
  });

  describe('GET …/ledger/export.csv', () => {
    let bytes: Uint8Array;
    let text: string;
    let headers: Headers;
    let rows: string[][];
    let handovers: ServedEntry[];

    beforeAll(async () => {
      const response = await fetch(`${t.baseUrl}${c.base}/ledger/export.csv`, {
        headers: { authorization: `Bearer ${c.w.auditor.token}` },
      });
      expect(response.status).toBe(200);
      headers = response.headers;
      bytes = new Uint8Array(await response.arrayBuffer());
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
      rows = parseCsv(text.slice(1));
      handovers = entries.filter(
        (e) => e.type === 'handover_dispatched' || e.type === 'handover_received',
      );
    });

    it('is text/csv in UTF-8 with a byte-order mark', () => {
      expect(headers.get('content-type')).toMatch(/^text\/csv/);
      expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(text.startsWith('\uFEFF連番,')).toBe(true);
    });

    it('ends every line with CRLF', () => {
      expect(text.endsWith('\r\n')).toBe(true);
      expect(text).not.toMatch(/[^\r]\n/);
      expect(text).not.toMatch(/\r[^\n]/);
      expect(text.split('\r\n')).toHaveLength(handovers.length + 2); // header, rows, ''
    });

    it('starts with the Japanese header row', () => {
      expect(text.slice(1, text.indexOf('\r\n'))).toBe(HEADER);
      expect(rows[0]).toEqual(HEADER.split(','));
    });

    it('has one row per dispatch and per receipt, in ledger order', async () => {
      const data = rows.slice(1);
      expect(data).toHaveLength(10);
      expect(data).toHaveLength(handovers.length);
      const list = await t.get(`${c.base}/handovers`, c.w.officerA.token);
      const received = list.body.items.filter((h: any) => h.status === 'received').length;
      expect(data).toHaveLength(list.body.items.length + received);

      data.forEach((row, i) => {
        const entry = handovers[i]!;
        const dispatched = entry.type === 'handover_dispatched';
        expect(row).toHaveLength(16);
        expect(row[0]).toBe(String(entry.seq));
        expect(row[1]).toBe(tokyoMinute(entry.occurredAt));
        expect(row[2]).toBe(dispatched ? '引渡' : '受領');
        expect(row[3]).toContain(entry.payload.from.displayName);
        expect(row[3]).toContain(entry.payload.from.organizationName);
        expect(row[4]).toContain(entry.payload.to.displayName);
        expect(row[4]).toContain(entry.payload.to.organizationName);
        expect(row[6]).toContain(entry.payload.items[0].label);
        expect(row[7]).toBe(String(entry.payload.items.length));
        expect(row[8]).toBe(
          String(entry.payload.items.reduce((s: number, x: any) => s + x.recordCount, 0)),
        );
        expect(row[9]).not.toBe('');
        // No take-out approvals in this ledger: 承認者 and 承認日時 stay empty.
        expect(row.slice(12, 14)).toEqual(['', '']);
        expect(row[15]).toBe(entry.hash);
      });
      expect(data.map((r) => r[2])).toEqual([
        '引渡',
        '受領',
        '引渡',
        '受領',
        '引渡',
        '受領',
        '引渡',
        '受領',
        '引渡',
        '受領',
      ]);
    });

    it('gives times in Tokyo, across the turn of the fiscal year at midnight', () => {
      const [dispatch, receipt] = rows.slice(1);
      expect(dispatch![1]).toBe('2026/03/31 23:59');
      expect(receipt![1]).toBe('2026/04/01 00:00');
      expect(rows[3]![1]).toBe('2026/04/01 01:01'); // the notice, 61 minutes later
    });

    it('escapes cells a spreadsheet would run as formulas', () => {
      const [dispatch] = rows.slice(1);
      expect(dispatch![10]).toBe("'=BAG(1)");
      expect(dispatch![11]).toBe("'+81-S1");
      expect(dispatch![5]).toBe("'@住民税 課税資料");
      expect(dispatch![14]).toContain('=HYPERLINK("http://evil.example","x")');
      const noticeRow = rows[3]!;
      expect(noticeRow[14]).toContain('-1 担当者確認済み');
      // Raw text: the dangerous cells appear only behind an apostrophe.
      expect(text).toContain(`,'=BAG(1),'+81-S1,`);
      for (const row of rows.slice(1)) {
        for (const cell of row) expect(cell).not.toMatch(/^[=+\-@]/);
      }
    });

    it('is refused without a token (401)', async () => {
      const response = await fetch(`${t.baseUrl}${c.base}/ledger/export.csv`);
      expect(response.status).toBe(401);
    });
  });

  describe('tamper evidence: verify names the first entry that is not as recorded', () => {
    /** A fresh contract of 8 entries: contract_registered and 7 media. */
    async function aChain(): Promise<string> {
      const contract = await aContract(t, c.w, { startsOn: '2026-01-01' });
      for (let i = 2; i <= 8; i++) {
        const r = await t.post(
          `/api/contracts/${contract.id}/media`,
          {
            kind: 'dvd_r',
            label: `T-${i}`,
            description: '住民記録',
            recordCount: 10 * i,
            encrypted: true,
          },
          c.w.officerA.token,
        );
        if (r.status !== 201) throw new Error(r.text);
      }
      const verdict = await verify(contract.id);
      expect(verdict).toMatchObject({ valid: true, length: 8 });
      return contract.id;
    }

    async function verify(contractId: string) {
      const response = await t.get(`/api/contracts/${contractId}/ledger/verify`, c.w.auditor.token);
      expect(response.status).toBe(200);
      return response.body;
    }

    async function row(contractId: string, seq: number) {
      const [r] = await sql(t, 'SELECT * FROM ledger_entries WHERE contract_id = ? AND seq = ?', [
        contractId,
        seq,
      ]);
      return r;
    }

    /** What the tampered row would hash to if its forger knew the recipe. */
    function rehash(r: any, payload: unknown): string {
      return recomputeHash({
        contractId: r.contract_id,
        seq: Number(r.seq),
        type: r.type,
        occurredAt: r.occurred_at,
        recordedAt: r.recorded_at,
        actor: JSON.parse(r.actor),
        payload: payload as Record<string, unknown>,
        prevHash: r.prev_hash,
      });
    }

    const expectInvalidAt = async (contractId: string, seq: number) => {
      const verdict = await verify(contractId);
      expect(verdict).toMatchObject({ valid: false, firstInvalidSeq: seq });
      expect(typeof verdict.reason).toBe('string');
      expect(typeof verdict.length).toBe('number');
      expect(verdict.head).toBeUndefined();
    };

    it('(a) a changed payload: that entry', async () => {
      const id = await aChain();
      const r = await row(id, 4);
      await sql(t, 'UPDATE ledger_entries SET payload = ? WHERE contract_id = ? AND seq = ?', [
        r.payload.replace('"recordCount":40', '"recordCount":4000'),
        id,
        4,
      ]);
      await expectInvalidAt(id, 4);
    });

    it('(a) a changed time or actor: that entry', async () => {
      const id = await aChain();
      await sql(t, 'UPDATE ledger_entries SET occurred_at = ? WHERE contract_id = ? AND seq = ?', [
        '2026-01-01T00:00:00.000Z',
        id,
        6,
      ]);
      await expectInvalidAt(id, 6);

      const other = await aChain();
      const r = await row(other, 3);
      await sql(t, 'UPDATE ledger_entries SET actor = ? WHERE contract_id = ? AND seq = ?', [
        r.actor.replace(c.w.officerA.user.displayName, 'someone else'),
        other,
        3,
      ]);
      await expectInvalidAt(other, 3);
    });

    it('(b) a deleted entry: its seq', async () => {
      const id = await aChain();
      await sql(t, 'DELETE FROM ledger_entries WHERE contract_id = ? AND seq = ?', [id, 5]);
      await expectInvalidAt(id, 5);
    });

    it('(b) a deleted first entry: seq 1', async () => {
      const id = await aChain();
      await sql(t, 'DELETE FROM ledger_entries WHERE contract_id = ? AND seq = ?', [id, 1]);
      await expectInvalidAt(id, 1);
    });

    it('(c) two entries swapped, seq column left in order: the first of them', async () => {
      const id = await aChain();
      const move = (from: number, to: number) =>
        sql(t, 'UPDATE ledger_entries SET seq = ? WHERE contract_id = ? AND seq = ?', [
          to,
          id,
          from,
        ]);
      await move(4, 1000);
      await move(5, 4);
      await move(1000, 5);
      const served = await readLedger(t, id, c.w.auditor.token);
      expect(served.map((e) => e.payload.label ?? null).slice(3, 5)).toEqual(['T-5', 'T-4']);
      await expectInvalidAt(id, 4);
    });

    it('(d) the last entry deleted: the head still records it', async () => {
      const id = await aChain();
      await sql(t, 'DELETE FROM ledger_entries WHERE contract_id = ? AND seq = ?', [id, 8]);
      await expectInvalidAt(id, 8);
    });

    it('(e) a changed entry re-hashed to be self-consistent: the next entry no longer links', async () => {
      const id = await aChain();
      const r = await row(id, 4);
      const payload = { ...JSON.parse(r.payload), label: 'FORGED' };
      const hash = rehash(r, payload);
      await sql(
        t,
        'UPDATE ledger_entries SET payload = ?, hash = ? WHERE contract_id = ? AND seq = ?',
        [canonicalText(payload), hash, id, 4],
      );
      // The forged row on its own is consistent, as its forger intended.
      const served = await readLedger(t, id, c.w.auditor.token);
      expect(recomputeHash(served[3]!)).toBe(served[3]!.hash);
      await expectInvalidAt(id, 5);
    });

    it('(e) the last entry changed and re-hashed: the head records another hash', async () => {
      const id = await aChain();
      const r = await row(id, 8);
      const payload = { ...JSON.parse(r.payload), label: 'FORGED' };
      await sql(
        t,
        'UPDATE ledger_entries SET payload = ?, hash = ? WHERE contract_id = ? AND seq = ?',
        [canonicalText(payload), rehash(r, payload), id, 8],
      );
      await expectInvalidAt(id, 8);
    });

    it('leaves the other chains valid', async () => {
      const response = await t.get(`${c.base}/ledger/verify`, c.w.auditor.token);
      expect(response.body).toMatchObject({ valid: true, length: entries.length });
    });
  });
});
