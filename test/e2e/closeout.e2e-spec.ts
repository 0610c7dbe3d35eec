import { randomUUID } from 'node:crypto';
import { aContract } from '../factories/contract.factory.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { aUser } from '../factories/identity.factory.js';
import { TestApp } from '../support/test-app.js';

const certificate = (extra: Record<string, unknown> = {}) => ({
  certificateNumber: `DC-${randomUUID().slice(0, 8)}`,
  erasedAt: '2026-11-25T09:00:00+09:00',
  scope: {
    dataItems: ['氏名', '住所', '生年月日'],
    systems: ['作業用PC PC-12', 'ファイルサーバ FS-01', 'バックアップテープ'],
    places: ['本社 3階 作業室'],
  },
  mediaIds: [],
  method: 'clear',
  tool: 'DiskWipe Pro 5.2',
  verification: '消去後に全領域を読み出し、残存データがないことを確認',
  performedBy: '作業 五郎',
  witnessedBy: '立会 六郎',
  ...extra,
});

describe('close-out', () => {
  let t: TestApp;
  let c: CustodyWorld;

  beforeAll(async () => {
    t = await TestApp.start({ at: '2026-11-25T01:00:00.000Z' });
    c = await aCustodyWorld(t);
    // Z's handler is also its responsible person.
    await t.post(
      `${c.base}/roster`,
      { userId: c.w.staffZ.user.id, role: 'responsible' },
      c.w.officerA.token,
    );
  });
  afterAll(() => t.close());

  const outstanding = async () => {
    const r = await t.get(`${c.base}/outstanding`, c.w.officerA.token);
    expect(r.status).toBe(200);
    return r.body;
  };
  const reasons = async () =>
    (await outstanding()).items.map((i: any) => `${i.reason}:${i.mediumId ?? i.organizationId}`);
  const send = async (
    token: string,
    items: string[],
    toUserId: string,
    purpose: string,
    receiver: string,
  ) => {
    const d = await c.dispatch(token, {
      items,
      toUserId,
      method: 'hand',
      bagId: `BAG-${randomUUID().slice(0, 6)}`,
      purpose,
    });
    expect(d.status).toBe(201);
    const r = await c.receive(receiver, d.body.id);
    expect(r.status).toBe(201);
  };
  const refusedClose = async (expected: string[]) => {
    const ledger = await t.count('ledger_entries');
    const r = await t.post(`${c.base}/close`, {}, c.w.officerA.token);
    expect([r.status, r.body.code]).toEqual([409, 'OUTSTANDING_CUSTODY']);
    expect(
      r.body.details.items.map((i: any) => `${i.reason}:${i.mediumId ?? i.organizationId}`),
    ).toEqual(expected);
    expect(await t.count('ledger_entries')).toBe(ledger);
  };

  it('walks a contract from provision through subcontracting, return and certificates to its close', async () => {
    const { staffX, staffX2, staffZ, officerA, contractorX, subcontractorZ } = c.w;
    const byOrg = (ids: string[]) =>
      [...ids].sort((a, b) => (a.split(':')[1]! < b.split(':')[1]! ? -1 : 1));
    const dvd = await c.dvd('住民-900');
    c.minutes(1); // the outstanding list is in registration order
    const pw = await c.notice(dvd);
    expect(await reasons()).toEqual([]);

    const provided = await c.provide([dvd]);
    await refusedClose([`in_transit:${dvd}`]);
    await c.receive(staffX.token, provided.body.id);
    const outNow = await outstanding();
    expect(outNow.closable).toBe(false);
    expect(outNow.items).toEqual([
      expect.objectContaining({
        reason: 'not_returned',
        mediumId: dvd,
        holderOrganizationId: contractorX.id,
        holderUserId: staffX.user.id,
      }),
      { reason: 'certificate_missing', organizationId: contractorX.id },
    ]);

    c.minutes(60);
    const noticeSent = await c.provide([pw], { toUserId: staffX.user.id });
    await c.receive(staffX.token, noticeSent.body.id);
    await refusedClose([
      `not_returned:${dvd}`,
      `not_returned:${pw}`,
      `certificate_missing:${contractorX.id}`,
    ]);

    // X hands the DVD-R on to Z, an approved subcontractor: another occasion
    // than the notice's arrival (the split-channel rule binds every leg).
    c.minutes(60);
    await send(staffX.token, [dvd], staffZ.user.id, 'subcontract', staffZ.token);
    expect(await reasons()).toEqual([
      `not_returned:${dvd}`,
      `not_returned:${pw}`,
      ...byOrg([
        `certificate_missing:${contractorX.id}`,
        `certificate_missing:${subcontractorZ.id}`,
      ]),
    ]);

    // Z returns the DVD-R straight to the ward; X returns the notice.
    c.minutes(60);
    await send(staffZ.token, [dvd], officerA.user.id, 'return', officerA.token);
    // The split-channel rule holds on the way back too: the notice goes on another occasion.
    const tooSoon = await c.dispatch(staffX.token, {
      items: [pw],
      toUserId: officerA.user.id,
      method: 'hand',
      bagId: 'BAG-RET-PW',
      purpose: 'return',
    });
    expect([tooSoon.status, tooSoon.body.code]).toEqual([422, 'SPLIT_CHANNEL_VIOLATION']);
    c.minutes(60);
    await send(staffX.token, [pw], officerA.user.id, 'return', officerA.token);
    expect((await c.medium(dvd)).custody.state).toBe('returned');
    expect((await c.medium(pw)).custody.state).toBe('returned');
    await refusedClose(
      byOrg([`certificate_missing:${contractorX.id}`, `certificate_missing:${subcontractorZ.id}`]),
    );

    // X's first certificate is rejected; a new one is confirmed.
    const first = await t.post(
      `${c.base}/deletion-certificates`,
      certificate({ certificateNumber: 'DC-X-1' }),
      staffX2.token,
    );
    expect(first.status).toBe(201);
    expect(await reasons()).toContain(`certificate_pending:${contractorX.id}`);
    const rejected = await t.post(
      `${c.base}/deletion-certificates/${first.body.id}/reject`,
      { reason: 'バックアップからの消去が記載されていない' },
      officerA.token,
    );
    expect(rejected.status).toBe(201);
    expect(await reasons()).toContain(`certificate_missing:${contractorX.id}`);
    // The replacement is a new certificate: the rejected one's number stays its own.
    const ledger = await t.count('ledger_entries');
    const reused = await t.post(
      `${c.base}/deletion-certificates`,
      certificate({ certificateNumber: 'DC-X-1' }),
      staffX2.token,
    );
    expect([reused.status, reused.body.code]).toEqual([409, 'CERTIFICATE_NUMBER_REUSED']);
    expect(await t.count('ledger_entries')).toBe(ledger);
    const second = await t.post(
      `${c.base}/deletion-certificates`,
      certificate({ certificateNumber: 'DC-X-2' }),
      staffX2.token,
    );
    expect(second.status).toBe(201);
    expect(
      (
        await t.post(
          `${c.base}/deletion-certificates/${second.body.id}/confirm`,
          { remarks: '確認済' },
          officerA.token,
        )
      ).status,
    ).toBe(201);
    await refusedClose([`certificate_missing:${subcontractorZ.id}`]);

    const fromZ = await t.post(`${c.base}/deletion-certificates`, certificate(), staffZ.token);
    await t.post(`${c.base}/deletion-certificates/${fromZ.body.id}/confirm`, {}, officerA.token);
    expect(await outstanding()).toEqual({ closable: true, status: 'active', items: [] });

    const closed = await t.post(`${c.base}/close`, {}, officerA.token);
    expect(closed.status).toBe(201);
    const page = await t.get(`${c.base}/ledger?afterSeq=${closed.body.seq - 1}`, c.w.auditor.token);
    expect(page.body.items[0]).toMatchObject({ type: 'contract_closed', hash: closed.body.hash });
    expect((await t.get(c.base, officerA.token)).body.status).toBe('closed');
    expect(await outstanding()).toMatchObject({ closable: false, status: 'closed' });

    // A closed ledger takes no more custody events.
    const again = await t.post(`${c.base}/close`, {}, officerA.token);
    expect([again.status, again.body.code]).toEqual([409, 'CONTRACT_CLOSED']);
    const dispatch = await c.provide([dvd]);
    expect([dispatch.status, dispatch.body.code]).toEqual([409, 'CONTRACT_CLOSED']);
    const register = await c.register(officerA.token, {
      kind: 'paper',
      label: 'p',
      description: 'x',
      recordCount: 1,
      encrypted: false,
    });
    expect([register.status, register.body.code]).toEqual([409, 'CONTRACT_CLOSED']);
    const verify = await t.get(`${c.base}/ledger/verify`, c.w.auditor.token);
    expect(verify.body.valid).toBe(true);

    const certificates = await t.get(`${c.base}/deletion-certificates`, c.w.auditor.token);
    expect(certificates.body.items.map((x: any) => x.status)).toEqual([
      'rejected',
      'confirmed',
      'confirmed',
    ]);
    expect(certificates.body.items[0]).toMatchObject({
      decisionNote: 'バックアップからの消去が記載されていない',
      decidedByUserId: officerA.user.id,
    });
  });
});

describe('deletion certificates', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let xFile: string;

  beforeAll(async () => {
    t = await TestApp.start({ at: '2026-11-25T01:00:00.000Z' });
    c = await aCustodyWorld(t);
    // A working copy the contractor made and holds.
    const r = await c.register(c.w.staffX.token, {
      kind: 'encrypted_file',
      label: 'work-copy.zip',
      description: '作業用複製',
      recordCount: 12000,
      encrypted: true,
    });
    xFile = r.body.id;
  });
  afterAll(() => t.close());

  const submit = (token: string, body: Record<string, unknown>) =>
    t.post(`${c.base}/deletion-certificates`, body, token);

  async function refused(
    request: () => Promise<{ status: number; body: any }>,
    status: number,
    code: string,
  ) {
    const ledger = await t.count('ledger_entries');
    const certificates = await t.count('deletion_certificates');
    const r = await request();
    expect({ status: r.status, code: r.body.code }).toEqual({ status, code });
    expect(await t.count('ledger_entries')).toBe(ledger);
    expect(await t.count('deletion_certificates')).toBe(certificates);
    return r;
  }

  it('a confirmed purge erases the covered media; a destroy destroys them', async () => {
    const purge = await submit(
      c.w.staffX2.token,
      certificate({ mediaIds: [xFile], method: 'purge' }),
    );
    expect(purge.status).toBe(201);
    expect((await c.medium(xFile)).custody.state).toBe('held');
    await t.post(
      `${c.base}/deletion-certificates/${purge.body.id}/confirm`,
      {},
      c.w.officerA.token,
    );
    expect((await c.medium(xFile)).custody.state).toBe('erased');

    const paper = await c.register(c.w.staffX.token, {
      kind: 'paper',
      label: '帳票',
      description: 'x',
      recordCount: 10,
      encrypted: false,
    });
    const destroy = await submit(
      c.w.staffX2.token,
      certificate({ mediaIds: [paper.body.id], method: 'destroy' }),
    );
    await t.post(
      `${c.base}/deletion-certificates/${destroy.body.id}/confirm`,
      {},
      c.w.officerA.token,
    );
    expect((await c.medium(paper.body.id)).custody.state).toBe('destroyed');
    // Erased or destroyed, they never move again.
    const r = await c.dispatch(c.w.staffX.token, {
      items: [paper.body.id],
      toUserId: c.w.officerA.user.id,
      method: 'hand',
      bagId: 'B',
      purpose: 'return',
    });
    expect([r.status, r.body.code]).toEqual([409, 'MEDIUM_CLOSED']);
  });

  it('is submitted only by a responsible person (403 NOT_RESPONSIBLE), of a party (404), never by the ward (403)', async () => {
    await refused(() => submit(c.w.staffX.token, certificate()), 403, 'NOT_RESPONSIBLE');
    await refused(() => submit(c.w.staffY.token, certificate()), 404, 'CONTRACT_NOT_FOUND');
    await refused(() => submit(c.w.officerA.token, certificate()), 403, 'FORBIDDEN_ROLE');
  });

  it('covers only media of the contract that the organization holds', async () => {
    const other = await aContract(t, c.w);
    const foreign = await t.post(
      `/api/contracts/${other.id}/media`,
      { kind: 'dvd_r', label: 'f', description: 'x', recordCount: 1, encrypted: true },
      c.w.officerA.token,
    );
    await refused(
      () => submit(c.w.staffX2.token, certificate({ mediaIds: [foreign.body.id] })),
      422,
      'UNKNOWN_MEDIUM',
    );
    const wardHeld = await c.dvd();
    await refused(
      () => submit(c.w.staffX2.token, certificate({ mediaIds: [wardHeld] })),
      409,
      'NOT_CUSTODIAN',
    );
    const moving = await c.dvd();
    await c.provide([moving]);
    await refused(
      () => submit(c.w.staffX2.token, certificate({ mediaIds: [moving] })),
      409,
      'IN_TRANSIT',
    );
  });

  it('refuses an erasure dated in the future and a certificate number already submitted', async () => {
    const later = new Date(t.clock.now().getTime() + 10 * 60_000).toISOString();
    const r = await refused(
      () => submit(c.w.staffX2.token, certificate({ erasedAt: later })),
      422,
      'INVALID_OCCURRED_AT',
    );
    expect(r.body.details.field).toBe('erasedAt');
    const ok = await submit(c.w.staffX2.token, certificate({ certificateNumber: 'DC-DUP' }));
    expect(ok.status).toBe(201);
    await refused(
      () => submit(c.w.staffX2.token, certificate({ certificateNumber: 'DC-DUP' })),
      409,
      'CERTIFICATE_EXISTS',
    );
  });

  it('refuses a medium already under a certificate awaiting the ward', async () => {
    const held = await c.register(c.w.staffX.token, {
      kind: 'usb',
      label: 'u',
      description: 'x',
      recordCount: 1,
      encrypted: true,
    });
    expect(
      (await submit(c.w.staffX2.token, certificate({ mediaIds: [held.body.id] }))).status,
    ).toBe(201);
    await refused(
      () => submit(c.w.staffX2.token, certificate({ mediaIds: [held.body.id] })),
      409,
      'CERTIFICATE_PENDING',
    );
  });

  it('is confirmed once, by a ward officer of the contract’s ward only', async () => {
    const cert = await submit(c.w.staffX2.token, certificate());
    const confirm = (token: string, id = cert.body.id) =>
      t.post(`${c.base}/deletion-certificates/${id}/confirm`, {}, token);
    await refused(() => confirm(c.w.staffX.token), 403, 'FORBIDDEN_ROLE');
    await refused(() => confirm(c.w.auditor.token), 403, 'FORBIDDEN_ROLE');
    await refused(() => confirm(c.w.officerB.token), 404, 'CONTRACT_NOT_FOUND');
    await refused(() => confirm(c.w.officerA.token, randomUUID()), 404, 'CERTIFICATE_NOT_FOUND');
    expect((await confirm(c.w.officerA.token)).status).toBe(201);
    await refused(() => confirm(c.w.officerA.token), 409, 'CERTIFICATE_ALREADY_DECIDED');
    await refused(
      () =>
        t.post(
          `${c.base}/deletion-certificates/${cert.body.id}/reject`,
          { reason: 'x' },
          c.w.officerA.token,
        ),
      409,
      'CERTIFICATE_ALREADY_DECIDED',
    );
  });

  it('a rejection needs a reason (400)', async () => {
    const cert = await submit(c.w.staffX2.token, certificate());
    await refused(
      () =>
        t.post(`${c.base}/deletion-certificates/${cert.body.id}/reject`, {}, c.w.officerA.token),
      400,
      'VALIDATION_FAILED',
    );
  });

  it.each([
    ['an unknown method', { method: 'shred' }, 'method'],
    ['no data items', { scope: { dataItems: [], systems: [], places: [] } }, 'scope.dataItems'],
    ['a bad erasedAt', { erasedAt: '2026-11-25' }, 'erasedAt'],
    ['an unknown field', { colour: 'red' }, 'colour'],
    ['a malformed media id', { mediaIds: ['x'] }, 'mediaIds'],
  ])('refuses %s with 400 naming the field', async (_label, extra, field) => {
    const r = await refused(
      () => submit(c.w.staffX2.token, certificate(extra)),
      400,
      'VALIDATION_FAILED',
    );
    expect(r.body.details.fields.map((f: { field: string }) => f.field)).toContain(field);
  });

  it('is need-to-know like the rest of the custody record', async () => {
    const answer = async (path: string, token: string) => {
      const r = await t.get(`${c.base}${path}`, token);
      return [r.status, r.status === 200 ? 'ok' : r.body.code];
    };
    const unrostered = await aUser(t, c.w.contractorX, 'contractor_staff');
    for (const path of ['/deletion-certificates', '/outstanding']) {
      expect(await answer(path, c.w.auditor.token)).toEqual([200, 'ok']);
      expect(await answer(path, c.w.staffX.token)).toEqual([200, 'ok']);
      expect(await answer(path, c.w.officerB.token)).toEqual([404, 'CONTRACT_NOT_FOUND']);
      expect(await answer(path, c.w.auditorB.token)).toEqual([404, 'CONTRACT_NOT_FOUND']);
      expect(await answer(path, c.w.staffY.token)).toEqual([404, 'CONTRACT_NOT_FOUND']);
      expect(await answer(path, unrostered.token)).toEqual([403, 'NOT_ROSTERED']);
      expect(await answer(path, c.w.admin.token)).toEqual([403, 'FORBIDDEN_ROLE']);
    }
  });

  it('a closed contract is refused a certificate', async () => {
    const other = await aCustodyWorld(t);
    expect((await t.post(`${other.base}/close`, {}, other.w.officerA.token)).status).toBe(201);
    const r = await t.post(
      `${other.base}/deletion-certificates`,
      certificate(),
      other.w.staffX2.token,
    );
    expect([r.status, r.body.code]).toEqual([409, 'CONTRACT_CLOSED']);
  });
});
