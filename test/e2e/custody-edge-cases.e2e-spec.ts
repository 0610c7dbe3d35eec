import { LedgerService } from '../../src/modules/ledger/ledger.service.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { aUser } from '../factories/identity.factory.js';
import { TestApp } from '../support/test-app.js';
import { snapshotProjections, sql } from '../support/ledger-kit.js';

/**
 * Edge cases an independent review of the custody code found open; each test
 * stands for one that was (and must stay) closed.
 */
describe('custody edge cases', () => {
  let t: TestApp;
  let c: CustodyWorld;

  beforeAll(async () => {
    t = await TestApp.start({ at: '2026-11-25T01:00:00.000Z' });
    c = await aCustodyWorld(t);
  });
  afterAll(() => t.close());

  it('a medium lost on the way cannot be signed for, even back-dated before the loss', async () => {
    const dvd = await c.dvd();
    const sent = await c.provide([dvd]);
    c.minutes(10);
    const lost = await t.post(
      `${c.base}/incidents`,
      { kind: 'lost', mediumIds: [dvd], description: '搬送中に紛失' },
      c.w.officerA.token,
    );
    expect(lost.status).toBe(201);
    const ledger = await t.count('ledger_entries');
    const backDated = new Date(t.clock.now().getTime() - 5 * 60_000).toISOString();
    const now = await c.receive(c.w.staffX.token, sent.body.id);
    expect([now.status, now.body.code]).toEqual([409, 'MEDIUM_CLOSED']);
    const before = await c.receive(c.w.staffX.token, sent.body.id, {
      sealIntact: true,
      occurredAt: backDated,
    });
    expect([before.status, before.body.code]).toEqual([409, 'MEDIUM_CLOSED']);
    expect(await t.count('ledger_entries')).toBe(ledger);
    expect((await c.medium(dvd)).custody.state).toBe('lost');
  });

  it('a receipt cannot be dated before an incident about its items', async () => {
    const dvd = await c.dvd();
    const sent = await c.provide([dvd]);
    c.minutes(10);
    await t.post(
      `${c.base}/incidents`,
      { kind: 'other', mediumIds: [dvd], description: '到着遅延の連絡' },
      c.w.officerA.token,
    );
    const backDated = new Date(t.clock.now().getTime() - 60_000).toISOString();
    const r = await c.receive(c.w.staffX.token, sent.body.id, {
      sealIntact: true,
      occurredAt: backDated,
    });
    expect([r.status, r.body.code]).toEqual([422, 'INVALID_OCCURRED_AT']);
    expect((await c.receive(c.w.staffX.token, sent.body.id)).status).toBe(201);
  });

  it.each(['bag-77 ', 'ＢＡＧ－７７', ' Bag-77'])(
    'one bag however it is typed: %j is BAG-77',
    async (spelling) => {
      const dvd = await c.dvd();
      const pw = await c.notice(dvd);
      const sent = await c.provide([dvd], { bagId: 'BAG-77' });
      c.minutes(61);
      const r = await c.provide([pw], { bagId: spelling });
      expect([r.status, r.body.code, r.body.details?.rule]).toEqual([
        422,
        'SPLIT_CHANNEL_VIOLATION',
        'same_bag',
      ]);
      await c.receive(c.w.staffX.token, sent.body.id);
      const ok = await c.provide([pw], { bagId: spelling });
      expect(ok.status).toBe(201);
      const page = await t.get(
        `${c.base}/ledger?afterSeq=${ok.body.seq - 1}&limit=1`,
        c.w.auditor.token,
      );
      expect(page.body.items[0].payload.bagId).toBe('BAG-77');
    },
  );

  it('a handler reports incidents only about media their organization holds or awaits', async () => {
    const wardHeld = await c.dvd();
    const ledger = await t.count('ledger_entries');
    const refused = await t.post(
      `${c.base}/incidents`,
      { kind: 'lost', mediumIds: [wardHeld], description: 'x' },
      c.w.staffX.token,
    );
    expect([refused.status, refused.body.code]).toEqual([409, 'NOT_CUSTODIAN']);
    expect(await t.count('ledger_entries')).toBe(ledger);
    expect((await c.medium(wardHeld)).custody.state).toBe('held');
    // On its way to X, X may report it.
    await c.provide([wardHeld]);
    const awaited = await t.post(
      `${c.base}/incidents`,
      { kind: 'other', mediumIds: [wardHeld], description: '到着予定時刻を過ぎても届かない' },
      c.w.staffX.token,
    );
    expect(awaited.status).toBe(201);
    const bad = await t.post(
      `${c.base}/incidents`,
      { kind: 'fire', mediumIds: [], description: '' },
      c.w.staffX.token,
    );
    expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('only the holder of a medium registers its password notice', async () => {
    const dvd = await c.dvd();
    const ledger = await t.count('ledger_entries');
    const r = await c.register(c.w.staffZ.token, {
      kind: 'password_notice',
      label: 'PW-Z',
      description: 'x',
      recordCount: 0,
      encrypted: false,
      unlocksMediumId: dvd,
    });
    expect([r.status, r.body.code]).toEqual([409, 'NOT_CUSTODIAN']);
    expect(await t.count('ledger_entries')).toBe(ledger);
    expect(
      (
        await c.register(c.w.officerA.token, {
          kind: 'password_notice',
          label: 'PW-A',
          description: 'x',
          recordCount: 0,
          encrypted: false,
          unlocksMediumId: dvd,
        })
      ).status,
    ).toBe(201);
  });

  it('custody records are need-to-know: contractor staff off the roster get 403 everywhere', async () => {
    const unnamed = await aUser(t, c.w.contractorX, 'contractor_staff');
    for (const path of [
      'media',
      'handovers',
      'incidents',
      'roster',
      'ledger',
      'ledger/verify',
      'ledger/export.csv',
    ]) {
      const r = await t.get(`${c.base}/${path}`, unnamed.token);
      expect({ path, status: r.status, code: r.body.code }).toEqual({
        path,
        status: 403,
        code: 'NOT_ROSTERED',
      });
    }
    // The contract itself stays visible to its contractor's staff.
    expect((await t.get(c.base, unnamed.token)).status).toBe(200);
    // A withdrawn handler loses the view with the role.
    const named = await aUser(t, c.w.contractorX, 'contractor_staff');
    const entry = await t.post(
      `${c.base}/roster`,
      { userId: named.user.id, role: 'handler' },
      c.w.officerA.token,
    );
    expect((await t.get(`${c.base}/ledger`, named.token)).status).toBe(200);
    await t.delete(`${c.base}/roster/${entry.body.id}`, c.w.officerA.token);
    expect((await t.get(`${c.base}/ledger`, named.token)).status).toBe(403);
  });

  it('refuses text with an unpaired surrogate (400), which could not be hashed canonically', async () => {
    const ledger = await t.count('ledger_entries');
    const r = await t.request('POST', `${c.base}/media`, {
      token: c.w.officerA.token,
      rawBody:
        '{"kind":"dvd_r","label":"X\\ud800","description":"x","recordCount":1,"encrypted":true}',
    });
    expect([r.status, r.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(r.body.details.fields[0].field).toBe('label');
    expect(await t.count('ledger_entries')).toBe(ledger);
    const org = await t.request('POST', '/api/organizations', {
      token: c.w.admin.token,
      rawBody: '{"name":"\\udc00 Org","kind":"ward"}',
    });
    expect([org.status, org.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('refuses instants outside the fixed-width years (400)', async () => {
    for (const occurredAt of [
      '0000-01-01T00:00:00+09:00',
      '1969-12-31T23:59:59Z',
      '9999-12-31T23:59:59-10:00',
    ]) {
      const dvd = await c.dvd();
      const r = await c.provide([dvd], { occurredAt });
      expect([occurredAt, r.status, r.body.code]).toEqual([occurredAt, 400, 'VALIDATION_FAILED']);
    }
  });

  it('a dispatch racing the close: exactly one of them wins', async () => {
    for (let i = 0; i < 5; i++) {
      const world = await aCustodyWorld(t);
      const dvd = await world.dvd();
      const [dispatch, close] = await Promise.all([
        world.provide([dvd]),
        t.post(`${world.base}/close`, {}, world.w.officerA.token),
      ]);
      const outcome = [dispatch.status, close.status].sort();
      expect(outcome).toEqual([201, 409]);
      if (close.status === 201) expect(dispatch.body.code).toBe('CONTRACT_CLOSED');
      else expect(close.body.code).toBe('OUTSTANDING_CUSTODY');
    }
  });

  it('verify names rows forged past the recorded head', async () => {
    const other = await aCustodyWorld(t);
    await other.dvd();
    const [last] = await sql<{ seq: number; hash: string }>(
      t,
      'SELECT seq, hash FROM ledger_heads WHERE contract_id = ?',
      [other.contractId],
    );
    const { storedEntryHash } = await import('../../src/modules/ledger/hash-chain.js');
    const forged = {
      contractId: other.contractId,
      seq: Number(last!.seq) + 1,
      type: 'medium_stored',
      occurredAt: '2026-11-25T01:00:00.000Z',
      recordedAt: '2026-11-25T01:00:00.000Z',
      actor: '{"displayName":"x","loginId":"x","organizationId":"x","role":"x","userId":"x"}',
      payload: '{"location":"forged","mediumId":"x"}',
      prevHash: last!.hash,
      hash: '',
    };
    forged.hash = storedEntryHash(forged);
    await sql(
      t,
      'INSERT INTO ledger_entries (contract_id, seq, type, occurred_at, recorded_at, actor, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        forged.contractId,
        forged.seq,
        forged.type,
        forged.occurredAt,
        forged.recordedAt,
        forged.actor,
        forged.payload,
        forged.prevHash,
        forged.hash,
      ],
    );
    const verdict = await t.get(
      `/api/contracts/${other.contractId}/ledger/verify`,
      other.w.auditor.token,
    );
    expect(verdict.body).toMatchObject({ valid: false, firstInvalidSeq: forged.seq });
  });

  it('verify stays valid while appends commit during the walk', async () => {
    const dvds = [await c.dvd(), await c.dvd(), await c.dvd()];
    let stop = false;
    const writers = dvds.map(async (dvd, i) => {
      let n = 0;
      while (!stop) {
        const r = await t.post(
          `${c.base}/media/${dvd}/store`,
          { location: `棚 ${i}-${n++}` },
          c.w.officerA.token,
        );
        if (r.status !== 201) throw new Error(r.text);
      }
    });
    const verdicts = [];
    for (let i = 0; i < 30; i++) {
      verdicts.push((await t.get(`${c.base}/ledger/verify`, c.w.auditor.token)).body);
    }
    stop = true;
    await Promise.all(writers);
    expect(verdicts.filter((v) => !v.valid)).toEqual([]);
  });

  it('a rebuild beside concurrent appends leaves projections equal to a quiet rebuild', async () => {
    const dvds = [await c.dvd(), await c.dvd()];
    const ledger = t.app.get(LedgerService);
    let stop = false;
    const writers = dvds.map(async (dvd, i) => {
      let n = 0;
      while (!stop) {
        const r = await t.post(
          `${c.base}/media/${dvd}/store`,
          { location: `R ${i}-${n++}` },
          c.w.officerA.token,
        );
        if (r.status !== 201) throw new Error(r.text);
      }
    });
    for (let i = 0; i < 3; i++) await ledger.rebuildProjections();
    stop = true;
    await Promise.all(writers);
    const live = await snapshotProjections(t);
    await ledger.rebuildProjections();
    expect(await snapshotProjections(t)).toEqual(live);
  });
});
