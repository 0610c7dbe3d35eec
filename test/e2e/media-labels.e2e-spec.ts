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

  it('answers every step with the media by id and label and the people by login id', async () => {
    const registered = await c.register(c.w.officerA.token, {
      kind: 'dvd_r',
      label: '住民-010',
      description: '住民税課税資料',
      recordCount: 10,
      encrypted: true,
      sha256: 'ab'.repeat(32),
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ label: '住民-010', kind: 'dvd_r' });
    const id = registered.body.id as string;

    // A path names the medium by its label too, URL-encoded, however typed.
    const shown = await t.get(
      `${c.base}/media/${encodeURIComponent('住民－０１０')}`,
      c.w.officerA.token,
    );
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ id, label: '住民-010' });
    const stored = await t.post(
      `${c.base}/media/${encodeURIComponent('住民-010')}/store`,
      { location: '課内金庫' },
      c.w.officerA.token,
    );
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({ id, label: '住民-010', kind: 'dvd_r' });

    const sent = await c.dispatch(c.w.officerA.token, {
      items: ['住民-010'],
      toUserId: c.w.staffX.user.loginId,
      method: 'hand',
      bagId: 'BAG-010',
      purpose: 'provide',
    });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({
      status: 'dispatched',
      items: [{ mediumId: id, label: '住民-010', kind: 'dvd_r' }],
      from: { userId: c.w.officerA.user.id, loginId: c.w.officerA.user.loginId },
      to: { userId: c.w.staffX.user.id, loginId: c.w.staffX.user.loginId },
    });

    // The recipient's fingerprints are keyed by label as well as by id.
    const received = await c.receive(c.w.staffX.token, sent.body.id, {
      sealIntact: true,
      sha256: { '住民-010': 'AB'.repeat(32) },
    });
    expect(received.status).toBe(201);
    expect(received.body).toMatchObject({
      status: 'received',
      items: [{ mediumId: id, label: '住民-010' }],
      compromisedMediumIds: [],
      to: { loginId: c.w.staffX.user.loginId },
    });
    const ledger = await t.get(`${c.base}/ledger?limit=500`, c.w.officerA.token);
    const receipt = (ledger.body.items as Array<{ type: string; payload: any }>).find(
      (e) => e.type === 'handover_received' && e.payload.handoverId === sent.body.id,
    );
    expect(receipt?.payload.sha256).toEqual({ [id]: 'ab'.repeat(32) });

    const list = await t.get(`${c.base}/handovers`, c.w.officerA.token);
    const listed = (
      list.body.items as Array<{ id: string; items: string[]; media: unknown[] }>
    ).find((h) => h.id === sent.body.id);
    expect(listed).toMatchObject({
      items: [id],
      media: [{ mediumId: id, label: '住民-010', kind: 'dvd_r' }],
    });
  });

  it('answers 404 for a path naming an unknown label or another contract’s medium', async () => {
    const other = await aContract(t, c.w, { title: '四つ目の契約' });
    const foreign = await t.post(
      `/api/contracts/${other.id}/media`,
      { kind: 'dvd_r', label: 'FOREIGN-1', description: '別', recordCount: 1, encrypted: true },
      c.w.officerA.token,
    );
    expect(foreign.status).toBe(201);
    for (const ref of ['FOREIGN-1', foreign.body.id, 'NO-SUCH']) {
      const shown = await t.get(`${c.base}/media/${encodeURIComponent(ref)}`, c.w.officerA.token);
      expect(shown.status).toBe(404);
      expect(shown.body.code).toBe('MEDIUM_NOT_FOUND');
      const before = await t.count('ledger_entries');
      const stored = await t.post(
        `${c.base}/media/${encodeURIComponent(ref)}/store`,
        { location: '金庫' },
        c.w.officerA.token,
      );
      expect(stored.status).toBe(404);
      expect(await t.count('ledger_entries')).toBe(before);
    }
    // An unknown label among the recipient's fingerprints: 422, nothing written.
    await c.dvd('住民-011');
    const sent = await c.provide(['住民-011']);
    const before = await t.count('ledger_entries');
    const r = await c.receive(c.w.staffX.token, sent.body.id, {
      sealIntact: true,
      sha256: { 'FOREIGN-1': 'ab'.repeat(32) },
    });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ code: 'UNKNOWN_MEDIUM', details: { mediumIds: ['FOREIGN-1'] } });
    expect(await t.count('ledger_entries')).toBe(before);
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
