import { randomUUID } from 'node:crypto';
import { aContract } from '../factories/contract.factory.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { aUser } from '../factories/identity.factory.js';
import { TestApp } from '../support/test-app.js';

describe('media', () => {
  let t: TestApp;
  let c: CustodyWorld;

  beforeAll(async () => {
    t = await TestApp.start({ at: '2026-11-25T01:00:00.000Z' });
    c = await aCustodyWorld(t);
  });
  afterAll(() => t.close());

  // Labels are unique within a contract: each body gets its own unless a test names one.
  let labels = 0;
  const nextLabel = (prefix: string) => `${prefix}-${++labels}`;
  const dvdBody = (extra: Record<string, unknown> = {}) => ({
    kind: 'dvd_r',
    label: nextLabel('住民'),
    description: '住民税課税資料',
    recordCount: 1200,
    encrypted: true,
    ...extra,
  });

  async function refusedRegistration(token: string, body: unknown, status: number, code: string) {
    const ledger = await t.count('ledger_entries');
    const media = await t.count('media');
    const r = await c.register(token, body as Record<string, unknown>);
    expect({ status: r.status, code: r.body.code }).toEqual({ status, code });
    expect(await t.count('ledger_entries')).toBe(ledger);
    expect(await t.count('media')).toBe(media);
    return r;
  }

  it('a ward officer registers a DVD-R; the ward holds it; the ledger records it', async () => {
    const r = await c.register(
      c.w.officerA.token,
      dvdBody({ label: '住民-100', sha256: 'AB'.repeat(32), location: '金庫A' }),
    );
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      id: expect.any(String),
      label: '住民-100',
      kind: 'dvd_r',
      seq: expect.any(Number),
      hash: expect.any(String),
    });
    const got = await c.medium(r.body.id);
    expect(got).toMatchObject({
      kind: 'dvd_r',
      label: '住民-100',
      description: '住民税課税資料',
      recordCount: 1200,
      encrypted: true,
      sha256: 'ab'.repeat(32),
      unlocksMediumId: null,
      custody: {
        state: 'held',
        holderOrganizationId: c.w.wardA.id,
        holderUserId: c.w.officerA.user.id,
        // The holder by name, for a list a person reads.
        holder: {
          organizationId: c.w.wardA.id,
          organizationName: c.w.wardA.name,
          userId: c.w.officerA.user.id,
          loginId: c.w.officerA.user.loginId,
          displayName: c.w.officerA.user.displayName,
        },
        location: '金庫A',
        inTransitHandoverId: null,
        seq: r.body.seq,
      },
    });
    const entry = await t.get(
      `${c.base}/ledger?afterSeq=${r.body.seq - 1}&limit=1`,
      c.w.auditor.token,
    );
    expect(entry.body.items[0]).toMatchObject({
      type: 'medium_registered',
      hash: r.body.hash,
      payload: { mediumId: r.body.id, kind: 'dvd_r', label: '住民-100' },
      actor: { userId: c.w.officerA.user.id, role: 'ward_officer' },
    });
  });

  it('a rostered handler registers media their organization then holds', async () => {
    const r = await c.register(c.w.staffX.token, dvdBody({ kind: 'paper', encrypted: false }));
    expect(r.status).toBe(201);
    expect((await c.medium(r.body.id)).custody.holderOrganizationId).toBe(c.w.contractorX.id);
  });

  it('names each holder in the list: the sender stays accountable while a medium is on its way, the receiver after', async () => {
    const held = await c.dvd(nextLabel('名前'));
    const sent = await c.dvd(nextLabel('名前'));
    const dispatched = await c.dispatch(c.w.officerA.token, {
      items: [sent],
      toUserId: c.w.staffX.user.id,
      method: 'hand',
      bagId: 'BAG-N-1',
      sealNumber: 'S-N-1',
      purpose: 'provide',
    });
    expect(dispatched.status).toBe(201);
    const list = await t.get(`${c.base}/media`, c.w.staffX.token);
    expect(list.status).toBe(200);
    const holderOf = (id: string) =>
      (list.body.items as Array<{ id: string; custody: { holder: unknown } }>).find(
        (m) => m.id === id,
      )!.custody.holder;
    expect(holderOf(held)).toEqual({
      organizationId: c.w.wardA.id,
      organizationName: c.w.wardA.name,
      userId: c.w.officerA.user.id,
      loginId: c.w.officerA.user.loginId,
      displayName: c.w.officerA.user.displayName,
    });
    expect(
      (list.body.items as Array<{ id: string; custody: { state: string } }>).find(
        (m) => m.id === sent,
      )!.custody.state,
    ).toBe('in_transit');
    expect(holderOf(sent)).toEqual(holderOf(held));
    const received = await t.post(
      `${c.base}/handovers/${dispatched.body.id}/receive`,
      { sealIntact: true },
      c.w.staffX.token,
    );
    expect(received.status).toBe(201);
    expect((await c.medium(sent)).custody.holder).toEqual({
      organizationId: c.w.contractorX.id,
      organizationName: c.w.contractorX.name,
      userId: c.w.staffX.user.id,
      loginId: c.w.staffX.user.loginId,
      displayName: c.w.staffX.user.displayName,
    });
  });

  it('refuses contractor staff who are not on the roster (403 NOT_ROSTERED)', async () => {
    const stranger = await aUser(t, c.w.contractorX, 'contractor_staff');
    await refusedRegistration(stranger.token, dvdBody(), 403, 'NOT_ROSTERED');
  });

  it('refuses auditors and admins (403) and other tenants (404)', async () => {
    await refusedRegistration(c.w.auditor.token, dvdBody(), 403, 'FORBIDDEN_ROLE');
    await refusedRegistration(c.w.admin.token, dvdBody(), 403, 'FORBIDDEN_ROLE');
    await refusedRegistration(c.w.officerB.token, dvdBody(), 404, 'CONTRACT_NOT_FOUND');
    await refusedRegistration(c.w.staffY.token, dvdBody(), 404, 'CONTRACT_NOT_FOUND');
  });

  it.each([
    ['an unknown kind', { kind: 'floppy' }, 'kind'],
    ['a negative record count', { recordCount: -1 }, 'recordCount'],
    ['a bad fingerprint', { sha256: 'xyz' }, 'sha256'],
    ['an empty label', { label: '' }, 'label'],
    ['an unknown field', { owner: 'me' }, 'owner'],
    ['a non-boolean encrypted', { encrypted: 'yes' }, 'encrypted'],
    ['an unencrypted encrypted_file', { kind: 'encrypted_file', encrypted: false }, 'encrypted'],
    ['a medium that unlocks something', { unlocksMediumId: randomUUID() }, 'unlocksMediumId'],
    ['a time that is not ISO 8601', { occurredAt: 'yesterday' }, 'occurredAt'],
  ])('refuses %s with 400 naming the field', async (_label, extra, field) => {
    const r = await refusedRegistration(
      c.w.officerA.token,
      dvdBody(extra),
      400,
      'VALIDATION_FAILED',
    );
    expect(r.body.details.fields.map((f: { field: string }) => f.field)).toContain(field);
  });

  it('refuses a registration dated in the future (422 INVALID_OCCURRED_AT)', async () => {
    const later = new Date(t.clock.now().getTime() + 10 * 60_000).toISOString();
    await refusedRegistration(
      c.w.officerA.token,
      dvdBody({ occurredAt: later }),
      422,
      'INVALID_OCCURRED_AT',
    );
  });

  describe('password notices', () => {
    const notice = (unlocksMediumId: string | undefined, extra: Record<string, unknown> = {}) => ({
      kind: 'password_notice',
      label: nextLabel('PW'),
      description: 'パスワード通知書',
      recordCount: 0,
      encrypted: false,
      ...(unlocksMediumId ? { unlocksMediumId } : {}),
      ...extra,
    });

    it('names the encrypted medium it unlocks', async () => {
      const dvd = await c.dvd();
      const r = await c.register(c.w.officerA.token, notice(dvd));
      expect(r.status).toBe(201);
      expect((await c.medium(r.body.id)).unlocksMediumId).toBe(dvd);
    });

    it('must name one (400)', async () => {
      const r = await refusedRegistration(
        c.w.officerA.token,
        notice(undefined),
        400,
        'VALIDATION_FAILED',
      );
      expect(r.body.details.fields[0].field).toBe('unlocksMediumId');
    });

    it('is not itself encrypted and has no fingerprint (400)', async () => {
      const dvd = await c.dvd();
      await refusedRegistration(
        c.w.officerA.token,
        notice(dvd, { encrypted: true }),
        400,
        'VALIDATION_FAILED',
      );
      await refusedRegistration(
        c.w.officerA.token,
        notice(dvd, { sha256: 'a'.repeat(64) }),
        400,
        'VALIDATION_FAILED',
      );
    });

    it('one live notice per medium (409 NOTICE_EXISTS)', async () => {
      const dvd = await c.dvd();
      expect((await c.register(c.w.officerA.token, notice(dvd))).status).toBe(201);
      await refusedRegistration(
        c.w.officerA.token,
        notice(dvd, { label: nextLabel('PW') }),
        409,
        'NOTICE_EXISTS',
      );
    });

    it('a new notice once the old one is lost', async () => {
      const dvd = await c.dvd();
      const first = await c.register(c.w.officerA.token, notice(dvd));
      await t.post(
        `${c.base}/incidents`,
        { kind: 'lost', mediumIds: [first.body.id], description: '通知書紛失' },
        c.w.officerA.token,
      );
      expect(
        (await c.register(c.w.officerA.token, notice(dvd, { label: nextLabel('PW') }))).status,
      ).toBe(201);
    });

    it('unlocks only an encrypted medium that is not a notice (422 NOTICE_TARGET_INVALID)', async () => {
      const paper = await c.register(
        c.w.officerA.token,
        dvdBody({ kind: 'paper', encrypted: false }),
      );
      await refusedRegistration(
        c.w.officerA.token,
        notice(paper.body.id),
        422,
        'NOTICE_TARGET_INVALID',
      );
      const dvd = await c.dvd();
      const pw = await c.notice(dvd);
      await refusedRegistration(c.w.officerA.token, notice(pw), 422, 'NOTICE_TARGET_INVALID');
    });

    it('unlocks only a medium of the same contract (422 UNKNOWN_MEDIUM)', async () => {
      const other = await aContract(t, c.w);
      const foreign = await t.post(
        `/api/contracts/${other.id}/media`,
        dvdBody(),
        c.w.officerA.token,
      );
      await refusedRegistration(c.w.officerA.token, notice(foreign.body.id), 422, 'UNKNOWN_MEDIUM');
      await refusedRegistration(c.w.officerA.token, notice(randomUUID()), 422, 'UNKNOWN_MEDIUM');
    });
  });

  describe('listing with custody', () => {
    it('lists every medium with its holder, location and state, filterable by state', async () => {
      const dvd = await c.dvd();
      const sent = await c.provide([dvd]);
      const all = await t.get(`${c.base}/media`, c.w.officerA.token);
      expect(all.status).toBe(200);
      const mine = all.body.items.find((m: { id: string }) => m.id === dvd);
      expect(mine.custody).toMatchObject({
        state: 'in_transit',
        inTransitHandoverId: sent.body.id,
      });
      const inTransit = await t.get(`${c.base}/media?state=in_transit`, c.w.officerA.token);
      expect(inTransit.body.items.every((m: any) => m.custody.state === 'in_transit')).toBe(true);
      expect(inTransit.body.items.map((m: { id: string }) => m.id)).toContain(dvd);
      expect((await t.get(`${c.base}/media?state=flying`, c.w.officerA.token)).status).toBe(400);
    });

    it('is need-to-know: rostered handlers, the ward and its auditors; not admins', async () => {
      for (const who of ['officerA', 'staffX', 'staffZ', 'auditor'] as const) {
        expect((await t.get(`${c.base}/media`, c.w[who].token)).status).toBe(200);
      }
      const admin = await t.get(`${c.base}/media`, c.w.admin.token);
      expect([admin.status, admin.body.code]).toEqual([403, 'FORBIDDEN_ROLE']);
      const unrostered = await aUser(t, c.w.contractorX, 'contractor_staff');
      const refused = await t.get(`${c.base}/media`, unrostered.token);
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('NOT_ROSTERED');
      for (const who of ['officerB', 'staffY', 'auditorB'] as const) {
        const r = await t.get(`${c.base}/media`, c.w[who].token);
        expect(r.status).toBe(404);
        expect(r.body.code).toBe('CONTRACT_NOT_FOUND');
      }
    });

    it('a medium of another contract is 404 here', async () => {
      const other = await aContract(t, c.w);
      const foreign = await t.post(
        `/api/contracts/${other.id}/media`,
        dvdBody(),
        c.w.officerA.token,
      );
      const r = await t.get(`${c.base}/media/${foreign.body.id}`, c.w.officerA.token);
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('MEDIUM_NOT_FOUND');
    });
  });

  describe('storage', () => {
    it('the holder records the locked cabinet; the ledger keeps it', async () => {
      const dvd = await c.dvd();
      c.minutes(1);
      const r = await t.post(
        `${c.base}/media/${dvd}/store`,
        { location: '区民課 耐火金庫 2段目' },
        c.w.officerA.token,
      );
      expect(r.status).toBe(201);
      expect((await c.medium(dvd)).custody).toMatchObject({
        location: '区民課 耐火金庫 2段目',
        seq: r.body.seq,
      });
    });

    it('refuses anyone but the holder, an item in transit, and a bad body, writing nothing', async () => {
      const dvd = await c.dvd();
      const store = (token: string, body: unknown) =>
        t.post(`${c.base}/media/${dvd}/store`, body, token);
      const ledger = await t.count('ledger_entries');
      const notHolder = await store(c.w.staffX.token, { location: 'x' });
      expect([notHolder.status, notHolder.body.code]).toEqual([409, 'NOT_CUSTODIAN']);
      const bad = await store(c.w.officerA.token, { location: '' });
      expect([bad.status, bad.body.code]).toEqual([400, 'VALIDATION_FAILED']);
      const unknown = await t.post(
        `${c.base}/media/${randomUUID()}/store`,
        { location: 'x' },
        c.w.officerA.token,
      );
      expect([unknown.status, unknown.body.code]).toEqual([404, 'MEDIUM_NOT_FOUND']);
      await c.provide([dvd]);
      const ledgerAfterDispatch = await t.count('ledger_entries');
      expect(ledgerAfterDispatch).toBe(ledger + 1);
      const moving = await store(c.w.officerA.token, { location: 'x' });
      expect([moving.status, moving.body.code]).toEqual([409, 'IN_TRANSIT']);
      expect(await t.count('ledger_entries')).toBe(ledgerAfterDispatch);
    });
  });
});
