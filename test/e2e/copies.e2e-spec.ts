import { TestApp } from '../support/test-app.js';
import { LedgerService } from '../../src/modules/ledger/ledger.service.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { readLedger, snapshotProjections, writesNothing } from '../support/ledger-kit.js';

/**
 * 複写等の禁止 (特記事項 9) through the API: a medium the contractor
 * registers says what it was made from; a copy of media of the contract is
 * refused (409 COPY_NOT_PERMITTED, nothing written) unless the ward
 * permitted copies of those media for a stated purpose. A copy is a medium
 * like any other: outstanding until returned or erased. Permissions and
 * copies are ledger entries, rebuilt from the ledger alone.
 */
describe('no copies', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let original: string;
  let other: string;
  let copy: string;
  const TABLES = ['copy_permissions', 'media'];

  beforeAll(async () => {
    t = await TestApp.start({ env: { TOKEN_TTL_MINUTES: '43200' } });
    c = await aCustodyWorld(t);
    original = await c.dvd('ORIG-1');
    other = await c.dvd('ORIG-2');
    const sent = await c.provide([original, other]);
    c.minutes(5);
    expect((await c.receive(c.w.staffX.token, sent.body.id)).status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  const permissions = () => `${c.base}/copy-permissions`;
  const permit = (body: Record<string, unknown>, token = c.w.officerA.token) =>
    t.post(
      permissions(),
      {
        purpose: '入力内容の二重チェック用',
        validUntil: new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString(),
        ...body,
      },
      token,
    );
  const registerCopy = (label: string, extra: Record<string, unknown>, token = c.w.staffX.token) =>
    c.register(token, {
      kind: 'usb',
      label,
      description: '住民税課税資料（作業用複製）',
      recordCount: 1200,
      encrypted: true,
      ...extra,
    });
  const lastRegistration = async () =>
    (await readLedger(t, c.contractId, c.w.officerA.token))
      .filter((e) => e.type === 'medium_registered')
      .pop()!;

  it('refuses a copy of a ward medium without the ward’s permission, writing nothing', async () => {
    const refused = await writesNothing(t, TABLES, () =>
      registerCopy('COPY-1', { derivedFrom: { kind: 'media', mediumIds: ['ORIG-1'] } }),
    );
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'COPY_NOT_PERMITTED',
      details: { reason: 'no_permission', mediumIds: [original] },
    });
  });

  it('registers what the contractor collected, saying so', async () => {
    const made = await c.register(c.w.staffX.token, {
      kind: 'paper',
      label: 'COLLECTED-1',
      description: '調査票（回収分）',
      recordCount: 40,
      encrypted: false,
      derivedFrom: { kind: 'collected' },
    });
    expect(made.status).toBe(201);
    expect((await c.medium(made.body.id)).derivedFrom).toEqual({ kind: 'collected' });
    expect((await lastRegistration()).payload).toMatchObject({
      derivedFrom: { kind: 'collected' },
    });
  });

  it('refuses malformed declarations and the ward’s own copies (take-out approval covers them)', async () => {
    for (const [token, extra] of [
      [c.w.staffX.token, { derivedFrom: { kind: 'media' } }],
      [c.w.staffX.token, { derivedFrom: { kind: 'collected', mediumIds: [original] } }],
      [c.w.staffX.token, { derivedFrom: { kind: 'scanned' } }],
      [c.w.staffX.token, { derivedFrom: [{ kind: 'collected' }] }],
      [c.w.officerA.token, { derivedFrom: { kind: 'media', mediumIds: [original] } }],
    ] as const) {
      const refused = await writesNothing(t, TABLES, () => registerCopy('BAD-1', extra, token));
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
    }
    const notice = await writesNothing(t, TABLES, () =>
      c.register(c.w.staffX.token, {
        kind: 'password_notice',
        label: 'PW-BAD',
        description: 'パスワード通知書',
        recordCount: 0,
        encrypted: false,
        unlocksMediumId: original,
        derivedFrom: { kind: 'collected' },
      }),
    );
    expect(notice.status).toBe(400);
  });

  it('lets only the contract’s ward permit copies, with a purpose and a validity', async () => {
    const byContractor = await writesNothing(t, TABLES, () =>
      permit({ mediumIds: [original] }, c.w.staffX.token),
    );
    expect(byContractor.status).toBe(403);
    const otherWard = await writesNothing(t, TABLES, () =>
      permit({ mediumIds: [original] }, c.w.officerB.token),
    );
    expect(otherWard.status).toBe(404);
    const past = await writesNothing(t, TABLES, () =>
      permit({ mediumIds: [original], validUntil: '2020-01-01T00:00:00Z' }),
    );
    expect(past.status).toBe(400);
    const unknown = await writesNothing(t, TABLES, () => permit({ mediumIds: ['NO-SUCH'] }));
    expect(unknown.body.code).toBe('UNKNOWN_MEDIUM');
    const noPurpose = await writesNothing(t, TABLES, () =>
      permit({ mediumIds: [original], purpose: '' }),
    );
    expect(noPurpose.status).toBe(400);
  });

  it('registers a copy under the permission, which the ledger entry names', async () => {
    const permitted = await permit({ mediumIds: ['orig-1'] });
    expect(permitted.status).toBe(201);
    expect(permitted.body).toMatchObject({
      sourceMediumIds: [original],
      purpose: '入力内容の二重チェック用',
      permittedByUserId: c.w.officerA.user.id,
      copiesRegistered: 0,
    });
    const entries = await readLedger(t, c.contractId, c.w.officerA.token);
    expect(entries.filter((e) => e.type === 'copy_permitted').pop()!.payload).toEqual({
      permissionId: permitted.body.id,
      purpose: '入力内容の二重チェック用',
      sourceMediumIds: [original],
      validUntil: permitted.body.validUntil,
    });

    const uncovered = await writesNothing(t, TABLES, () =>
      registerCopy('COPY-2', { derivedFrom: { kind: 'media', mediumIds: [original, other] } }),
    );
    expect(uncovered.body).toMatchObject({
      code: 'COPY_NOT_PERMITTED',
      details: { reason: 'no_permission', mediumIds: [other] },
    });

    const made = await registerCopy('COPY-1', {
      derivedFrom: { kind: 'media', mediumIds: ['ORIG-1'] },
    });
    expect(made.status).toBe(201);
    copy = made.body.id;
    expect((await lastRegistration()).payload).toMatchObject({
      mediumId: copy,
      origin: 'contractor',
      derivedFrom: { kind: 'media', mediumIds: [original] },
      copy: { permissionId: permitted.body.id, purpose: '入力内容の二重チェック用' },
    });
    expect(await c.medium(copy)).toMatchObject({
      derivedFrom: { kind: 'media', mediumIds: [original] },
      copyPermissionId: permitted.body.id,
      custody: { state: 'held', holderOrganizationId: c.w.contractorX.id },
    });
    const listed = await t.get(permissions(), c.w.staffX.token);
    expect(listed.body.items).toMatchObject([{ id: permitted.body.id, copiesRegistered: 1 }]);
  });

  it('refuses a copy of media the contractor does not hold', async () => {
    const atWard = await c.dvd('ORIG-3');
    await permit({ mediumIds: [atWard] });
    const refused = await writesNothing(t, TABLES, () =>
      registerCopy('COPY-3', { derivedFrom: { kind: 'media', mediumIds: [atWard] } }),
    );
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('NOT_CUSTODIAN');
  });

  it('counts a copy as outstanding until it is returned', async () => {
    const close = () => t.post(`${c.base}/close`, {}, c.w.officerA.token);
    const before = await writesNothing(t, TABLES, close);
    expect(before.status).toBe(409);
    expect(before.body.code).toBe('OUTSTANDING_CUSTODY');
    expect(before.body.details.items).toContainEqual(
      expect.objectContaining({ reason: 'not_returned', mediumId: copy, label: 'COPY-1' }),
    );
    c.minutes(10);
    const back = await c.dispatch(c.w.staffX.token, {
      items: [copy],
      toUserId: c.w.officerA.user.id,
      method: 'hand',
      bagId: 'BAG-COPY',
      purpose: 'return',
    });
    expect(back.status).toBe(201);
    c.minutes(5);
    expect((await c.receive(c.w.officerA.token, back.body.id)).status).toBe(201);
    const after = await close();
    expect(after.status).toBe(409);
    const out = after.body.details.items.map((i: any) => i.mediumId);
    expect(out).not.toContain(copy);
    expect(out).toContain(original);
  });

  it('refuses a copy once the permission has expired', async () => {
    t.clock.advance(8 * 86_400_000);
    const refused = await writesNothing(t, TABLES, () =>
      registerCopy('COPY-4', { derivedFrom: { kind: 'media', mediumIds: [original] } }),
    );
    expect(refused.body).toMatchObject({
      code: 'COPY_NOT_PERMITTED',
      details: { reason: 'outside_validity', mediumIds: [original] },
    });
  });

  it('rebuilds permissions and what each medium was made from, from the ledger alone', async () => {
    const live = await snapshotProjections(t);
    expect(live.copy_permissions).toHaveLength(2);
    expect(live.media!.filter((m) => m.copy_permission_id !== null)).toHaveLength(1);
    await t.dataSource.query('DELETE FROM copy_permissions');
    await t.dataSource.query('UPDATE media SET derived_from = NULL, copy_permission_id = NULL');
    await t.app.get(LedgerService).rebuildProjections();
    expect(await snapshotProjections(t)).toEqual(live);
  });
});
