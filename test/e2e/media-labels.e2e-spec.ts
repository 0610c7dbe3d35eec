import { aContract } from '../factories/contract.factory.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { aUser } from '../factories/identity.factory.js';
import { TestApp } from '../support/test-app.js';

/**
 * Names, not ids, where people work: a medium's label is unique within its
 * contract however it is typed, and requests that take a medium or a user
 * take its label or login id too, resolved within the contract.
 */
describe('media by label, people by login id', () => {
  let t: TestApp;
  let c: CustodyWorld;

  beforeAll(async () => {
    t = await TestApp.start();
    c = await aCustodyWorld(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('refuses a second medium with the same label, however typed, and writes nothing', async () => {
    const first = await c.dvd('住民-001');
    expect(first).toBeDefined();
    for (const label of ['住民-001', '住民－００１', ' 住民-001 ']) {
      const before = await t.count('ledger_entries');
      const again = await c.register(c.w.officerA.token, {
        kind: 'dvd_r',
        label,
        description: '住民税課税資料',
        recordCount: 10,
        encrypted: true,
      });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({
        code: 'DUPLICATE_LABEL',
        details: { mediumId: first, label: label.trim() },
      });
      expect(await t.count('ledger_entries')).toBe(before);
    }
    // Another contract may use the same label.
    const other = await aContract(t, c.w, { title: '別契約' });
    const elsewhere = await t.post(
      `/api/contracts/${other.id}/media`,
      { kind: 'dvd_r', label: '住民-001', description: '別', recordCount: 1, encrypted: true },
      c.w.officerA.token,
    );
    expect(elsewhere.status).toBe(201);
  });

  it('dispatches media named by label to a user named by login id; the ledger carries both', async () => {
    await c.dvd('住民-002');
    const sent = await c.dispatch(c.w.officerA.token, {
      items: ['住民-002'],
      toUserId: c.w.staffX.user.loginId,
      method: 'hand',
      bagId: '3-1',
      sealNumber: '000123',
      purpose: 'provide',
    });
    expect(sent.status).toBe(201);
    const ledger = await t.get(`${c.base}/ledger?limit=500`, c.w.officerA.token);
    const entry = (ledger.body.items as Array<{ type: string; payload: any }>).find(
      (e) => e.type === 'handover_dispatched' && e.payload.handoverId === sent.body.id,
    );
    expect(entry?.payload.items).toEqual([
      expect.objectContaining({ mediumId: expect.any(String), label: '住民-002' }),
    ]);
    expect(entry?.payload.to.userId).toBe(c.w.staffX.user.id);
    // The addressee signs for it; an incident names the medium by label, typed full-width.
    expect((await c.receive(c.w.staffX.token, sent.body.id)).status).toBe(201);
    const incident = await t.post(
      `${c.base}/incidents`,
      { kind: 'other', mediumIds: ['住民－００２'], description: '封筒に汚れ' },
      c.w.staffX.token,
    );
    expect(incident.status).toBe(201);
  });

  it('registers a password notice for the medium it names by label', async () => {
    await c.dvd('住民-003');
    const notice = await c.register(c.w.officerA.token, {
      kind: 'password_notice',
      label: 'PW-住民-003',
      description: 'パスワード通知書',
      recordCount: 0,
      encrypted: false,
      unlocksMediumId: '住民-003',
    });
    expect(notice.status).toBe(201);
    const shown = await t.get(`${c.base}/media/${notice.body.id}`, c.w.officerA.token);
    expect(shown.body.unlocksMediumId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('does not find a label of another contract, an unknown label or login id', async () => {
    const other = await aContract(t, c.w, { title: '三つ目の契約' });
    const foreign = await t.post(
      `/api/contracts/${other.id}/media`,
      { kind: 'dvd_r', label: 'ONLY-THERE', description: '別', recordCount: 1, encrypted: true },
      c.w.officerA.token,
    );
    expect(foreign.status).toBe(201);
    for (const items of [['ONLY-THERE'], ['NO-SUCH-LABEL']]) {
      const before = await t.count('ledger_entries');
      const r = await c.dispatch(c.w.officerA.token, {
        items,
        toUserId: c.w.staffX.user.id,
        method: 'hand',
        bagId: 'BAG-X',
        purpose: 'provide',
      });
      expect(r.status).toBe(422);
      expect(r.body).toMatchObject({ code: 'UNKNOWN_MEDIUM', details: { mediumIds: items } });
      expect(await t.count('ledger_entries')).toBe(before);
    }
    await c.dvd('住民-004');
    const nobody = await c.dispatch(c.w.officerA.token, {
      items: ['住民-004'],
      toUserId: 'no.such.login',
      method: 'hand',
      bagId: 'BAG-Y',
      purpose: 'provide',
    });
    expect(nobody.status).toBe(422);
    expect(nobody.body.code).toBe('INVALID_ADDRESSEE');
    // Staff of a contractor outside the contract, by login id: the same answer,
    // so that guessing login ids tells nothing about other organizations.
    const outsider = await c.dispatch(c.w.officerA.token, {
      items: ['住民-004'],
      toUserId: c.w.staffY.user.loginId,
      method: 'hand',
      bagId: 'BAG-Y',
      purpose: 'provide',
    });
    expect(outsider.status).toBe(422);
    expect(outsider.body.code).toBe('INVALID_ADDRESSEE');
    const twice = await c.dispatch(c.w.officerA.token, {
      items: [
        '住民-004',
        (await t.get(`${c.base}/media`, c.w.officerA.token)).body.items.find(
          (m: { label: string }) => m.label === '住民-004',
        ).id,
      ],
      toUserId: c.w.staffX.user.id,
      method: 'hand',
      bagId: 'BAG-Z',
      purpose: 'provide',
    });
    expect(twice.status).toBe(400);
    expect(twice.body.code).toBe('VALIDATION_FAILED');
  });

  it('names a roster member by login id', async () => {
    const newcomer = await aUser(t, c.w.contractorX, 'contractor_staff');
    const r = await t.post(
      `${c.base}/roster`,
      { userId: newcomer.user.loginId, role: 'handler' },
      c.w.officerA.token,
    );
    expect(r.status).toBe(201);
    expect(r.body.userId).toBe(newcomer.user.id);
  });
});
