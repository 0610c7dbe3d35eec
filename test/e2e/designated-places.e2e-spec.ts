import { TestApp } from '../support/test-app.js';
import { LedgerService } from '../../src/modules/ledger/ledger.service.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import {
  parseCsv,
  readLedger,
  snapshotProjections,
  type ServedEntry,
  writesNothing,
} from '../support/ledger-kit.js';

/**
 * 持出しの禁止 (特記事項 6) through the API: the ward designates the places
 * of the work and of its media; on the contractor's side a receipt, a
 * storage or a registration elsewhere is refused (409 PLACE_NOT_DESIGNATED,
 * nothing written) unless the ward consented beforehand for those media.
 * Every designation, withdrawal and consent is a ledger entry; every step
 * records its place, the 管理簿 shows it, and a rebuild restores it all.
 */
describe('designated places', () => {
  let t: TestApp;
  let c: CustodyWorld;
  let office: string; // 作業場所: work only
  let vault: string; // 保管場所
  const TABLES = ['designated_places', 'place_consents', 'media', 'handovers'];

  beforeAll(async () => {
    t = await TestApp.start({ env: { TOKEN_TTL_MINUTES: '43200' } });
    c = await aCustodyWorld(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const places = () => `${c.base}/places`;
  const designate = (body: Record<string, unknown>, token = c.w.officerA.token) =>
    t.post(places(), body, token);
  const consent = (body: Record<string, unknown>, token = c.w.officerA.token) =>
    t.post(
      `${c.base}/place-consents`,
      {
        reason: '本社改装期間中の作業のため',
        validUntil: new Date(t.clock.now().getTime() + 7 * 86_400_000).toISOString(),
        ...body,
      },
      token,
    );
  const store = (mediumId: string, body: Record<string, unknown>, token = c.w.staffX.token) =>
    t.post(`${c.base}/media/${mediumId}/store`, { location: '施錠キャビネット3', ...body }, token);
  /** A DVD of the ward, handed to X's handler and not yet received: the handover id. */
  const provided = async (label: string) => {
    const medium = await c.dvd(label);
    const sent = await c.provide([medium]);
    expect(sent.status).toBe(201);
    return { medium, handover: sent.body.id as string };
  };
  /** A DVD of the ward, received by X's handler at the work place. */
  const atContractor = async (label: string) => {
    const { medium, handover } = await provided(label);
    c.minutes(5);
    const got = await c.receive(c.w.staffX.token, handover, { sealIntact: true, placeId: office });
    expect(got.status).toBe(201);
    return medium;
  };
  const entries = async (): Promise<ServedEntry[]> =>
    readLedger(t, c.contractId, c.w.officerA.token);
  const last = async (type: string) => (await entries()).filter((e) => e.type === type).pop()!;

  it('keeps today’s behaviour while the contract designates no place', async () => {
    const { handover } = await provided('BEFORE-1');
    const got = await c.receive(c.w.staffX.token, handover);
    expect(got.status).toBe(201);
    expect((await last('handover_received')).payload.place).toBeUndefined();
  });

  it('lets the ward’s officers designate places, as ledger entries the members can read', async () => {
    const work = await designate({
      name: '株式会社X 本社 第1作業室',
      address: '東京都新宿区西新宿2-8-1 5階',
      mediaStorage: false,
    });
    expect(work.status).toBe(201);
    expect(work.body).toMatchObject({
      status: 'designated',
      mediaStorage: false,
      designatedByUserId: c.w.officerA.user.id,
      withdrawnAt: null,
    });
    office = work.body.id;
    const safe = await designate({
      name: '株式会社X 本社 金庫室',
      address: '東京都新宿区西新宿2-8-1 B1',
      mediaStorage: true,
    });
    vault = safe.body.id;
    expect((await last('place_designated')).payload).toEqual({
      placeId: vault,
      name: '株式会社X 本社 金庫室',
      address: '東京都新宿区西新宿2-8-1 B1',
      mediaStorage: true,
    });
    const listed = await t.get(places(), c.w.staffX.token);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((p: any) => p.id)).toEqual([office, vault]);
  });

  it('refuses designations by others than the contract’s ward, writing nothing', async () => {
    const body = { name: '勝手な場所', address: 'どこか', mediaStorage: true };
    const byContractor = await writesNothing(t, TABLES, () => designate(body, c.w.staffX.token));
    expect(byContractor.status).toBe(403);
    const otherWard = await writesNothing(t, TABLES, () => designate(body, c.w.officerB.token));
    expect(otherWard.status).toBe(404);
    expect((await t.get(places(), c.w.officerB.token)).status).toBe(404);
    const bad = await writesNothing(t, TABLES, () => designate({ ...body, mediaStorage: 'yes' }));
    expect(bad.status).toBe(400);
  });

  it('refuses a contractor’s receipt that names no designated place, then takes it at one', async () => {
    const { medium, handover } = await provided('RECV-1');
    c.minutes(5);
    const missing = await writesNothing(t, TABLES, () => c.receive(c.w.staffX.token, handover));
    expect(missing.status).toBe(409);
    expect(missing.body).toMatchObject({
      code: 'PLACE_NOT_DESIGNATED',
      details: { reason: 'missing', step: 'receive' },
    });
    const unknown = await writesNothing(t, TABLES, () =>
      c.receive(c.w.staffX.token, handover, {
        sealIntact: true,
        placeId: '00000000-0000-4000-8000-000000000001',
      }),
    );
    expect(unknown.status).toBe(422);
    expect(unknown.body).toMatchObject({
      code: 'INVALID_REFERENCE',
      details: { field: 'placeId' },
    });

    const got = await c.receive(c.w.staffX.token, handover, { sealIntact: true, placeId: office });
    expect(got.status).toBe(201);
    expect((await last('handover_received')).payload.place).toEqual({
      placeId: office,
      name: '株式会社X 本社 第1作業室',
      address: '東京都新宿区西新宿2-8-1 5階',
    });
    expect((await c.medium(medium)).custody).toMatchObject({ state: 'held', placeId: office });
  });

  it('stores media only at a place designated for storage', async () => {
    const medium = await atContractor('STORE-1');
    const atWork = await writesNothing(t, TABLES, () => store(medium, { placeId: office }));
    expect(atWork.status).toBe(409);
    expect(atWork.body).toMatchObject({
      code: 'PLACE_NOT_DESIGNATED',
      details: { reason: 'no_media_storage', placeId: office, mediumIds: [medium] },
    });
    const nowhere = await writesNothing(t, TABLES, () => store(medium, {}));
    expect(nowhere.body).toMatchObject({
      code: 'PLACE_NOT_DESIGNATED',
      details: { reason: 'missing' },
    });

    const kept = await store(medium, { placeId: vault });
    expect(kept.status).toBe(201);
    expect((await last('medium_stored')).payload).toMatchObject({
      mediumId: medium,
      location: '施錠キャビネット3',
      place: { placeId: vault, name: '株式会社X 本社 金庫室' },
    });
    expect((await c.medium(medium)).custody).toMatchObject({
      location: '施錠キャビネット3',
      placeId: vault,
    });
  });

  it('asks the ward’s own steps to name no designated place', async () => {
    const medium = await c.dvd('WARD-1');
    const named = await writesNothing(t, TABLES, () =>
      store(medium, { placeId: vault }, c.w.officerA.token),
    );
    expect(named.status).toBe(400);
    expect(named.body.code).toBe('VALIDATION_FAILED');
    expect((await store(medium, {}, c.w.officerA.token)).status).toBe(201);
  });

  it('lifts the refusal with the ward’s consent for named media, until it expires', async () => {
    const covered = await atContractor('OSAKA-1');
    const other = await atContractor('OSAKA-2');
    const refusedConsents = [
      { mediumIds: ['OSAKA-1'], placeId: vault, name: '二重指定', address: 'x' },
      { mediumIds: ['OSAKA-1'] },
      { mediumIds: ['OSAKA-1'], name: '大阪', address: '大阪', validUntil: '2020-01-01T00:00:00Z' },
    ];
    for (const body of refusedConsents) {
      const refused = await writesNothing(t, TABLES, () => consent(body));
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
    }
    const unknownMedium = await writesNothing(t, TABLES, () =>
      consent({ mediumIds: ['NO-SUCH'], name: '大阪', address: '大阪' }),
    );
    expect(unknownMedium.body).toMatchObject({
      code: 'UNKNOWN_MEDIUM',
      details: { mediumIds: ['NO-SUCH'] },
    });
    const byContractor = await writesNothing(t, TABLES, () =>
      consent({ mediumIds: ['OSAKA-1'], name: '大阪', address: '大阪' }, c.w.staffX.token),
    );
    expect(byContractor.status).toBe(403);

    const given = await consent({
      mediumIds: ['osaka-1'], // a label, however typed
      name: '株式会社X 大阪事業所',
      address: '大阪府大阪市北区梅田1-1-1',
    });
    expect(given.status).toBe(201);
    expect(given.body).toMatchObject({
      mediumIds: [covered],
      name: '株式会社X 大阪事業所',
      consentedByUserId: c.w.officerA.user.id,
    });
    const osaka = given.body.placeId as string;
    expect((await last('place_consented')).payload).toEqual({
      consentId: given.body.id,
      place: {
        placeId: osaka,
        name: '株式会社X 大阪事業所',
        address: '大阪府大阪市北区梅田1-1-1',
        designated: false,
      },
      mediumIds: [covered],
      reason: '本社改装期間中の作業のため',
      validUntil: given.body.validUntil,
    });

    const uncovered = await writesNothing(t, TABLES, () => store(other, { placeId: osaka }));
    expect(uncovered.status).toBe(409);
    expect(uncovered.body).toMatchObject({
      code: 'PLACE_NOT_DESIGNATED',
      details: { reason: 'not_designated', placeId: osaka, mediumIds: [other] },
    });
    const kept = await store(covered, { placeId: osaka });
    expect(kept.status).toBe(201);
    expect((await last('medium_stored')).payload.place).toEqual({
      placeId: osaka,
      name: '株式会社X 大阪事業所',
      address: '大阪府大阪市北区梅田1-1-1',
      consentIds: [given.body.id],
    });

    // A consent to keep media at the work place, for one medium.
    const storage = await consent({ mediumIds: [other], placeId: office });
    expect(storage.status).toBe(201);
    expect(storage.body).toMatchObject({ placeId: office, name: '株式会社X 本社 第1作業室' });
    expect((await store(other, { placeId: office })).status).toBe(201);

    t.clock.advance(8 * 86_400_000);
    const expired = await writesNothing(t, TABLES, () => store(covered, { placeId: osaka }));
    expect(expired.status).toBe(409);
    expect(expired.body).toMatchObject({
      code: 'PLACE_NOT_DESIGNATED',
      details: { mediumIds: [covered] },
    });
    const listed = await t.get(`${c.base}/place-consents`, c.w.auditor.token);
    expect(listed.body.items).toHaveLength(2);
  });

  it('registers a contractor’s medium only at a storage place', async () => {
    const body = {
      kind: 'paper',
      label: 'COLLECTED-1',
      description: '調査票（回収分）',
      recordCount: 40,
      encrypted: false,
    };
    const nowhere = await writesNothing(t, TABLES, () => c.register(c.w.staffX.token, body));
    expect(nowhere.body).toMatchObject({
      code: 'PLACE_NOT_DESIGNATED',
      details: { reason: 'missing', step: 'register' },
    });
    const atWork = await writesNothing(t, TABLES, () =>
      c.register(c.w.staffX.token, { ...body, placeId: office }),
    );
    expect(atWork.body).toMatchObject({
      code: 'PLACE_NOT_DESIGNATED',
      details: { reason: 'no_media_storage' },
    });
    const made = await c.register(c.w.staffX.token, { ...body, placeId: vault });
    expect(made.status).toBe(201);
    expect((await last('medium_registered')).payload.place).toMatchObject({ placeId: vault });
  });

  it('refuses a withdrawn place from then on', async () => {
    const medium = await atContractor('WITHDRAW-1');
    const withdrawn = await t.post(
      `${places()}/${vault}/withdraw`,
      { reason: '金庫室の移設のため' },
      c.w.officerA.token,
    );
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({
      status: 'withdrawn',
      withdrawalReason: '金庫室の移設のため',
    });
    expect((await last('place_withdrawn')).payload).toEqual({
      placeId: vault,
      name: '株式会社X 本社 金庫室',
      reason: '金庫室の移設のため',
    });
    const refused = await writesNothing(t, TABLES, () => store(medium, { placeId: vault }));
    expect(refused.body).toMatchObject({
      code: 'PLACE_NOT_DESIGNATED',
      details: { reason: 'withdrawn' },
    });
    const again = await writesNothing(t, TABLES, () =>
      t.post(`${places()}/${vault}/withdraw`, { reason: '再度' }, c.w.officerA.token),
    );
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('PLACE_WITHDRAWN');
    const missing = await writesNothing(t, TABLES, () =>
      t.post(`${places()}/${c.contractId}/withdraw`, { reason: 'x' }, c.w.officerA.token),
    );
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('PLACE_NOT_FOUND');
  });

  it('shows the place of every dispatch and receipt in the 管理簿', async () => {
    const medium = await atContractor('KANRIBO-1');
    const back = await c.dispatch(c.w.staffX.token, {
      items: [medium],
      toUserId: c.w.officerA.user.id,
      method: 'hand',
      bagId: 'BAG-RET-1',
      purpose: 'return',
    });
    expect(back.status).toBe(201);
    const sent = await last('handover_dispatched');
    expect(sent.payload.items[0].place).toMatchObject({ placeId: office });
    const csv = await fetch(`${t.baseUrl}${c.base}/ledger/export.csv`, {
      headers: { authorization: `Bearer ${c.w.officerA.token}` },
    });
    const rows = parseCsv((await csv.text()).replace(/^\uFEFF/, ''));
    const header = rows[0]!;
    const remarksOf = (seq: number) =>
      rows.find((r) => r[0] === String(seq))![header.indexOf('備考')];
    expect(remarksOf(sent.seq)).toBe(
      '目的: 返却; 場所: 株式会社X 本社 第1作業室（東京都新宿区西新宿2-8-1 5階）',
    );
    const receipt = (await entries()).find(
      (e) => e.type === 'handover_received' && e.payload.place?.placeId === office,
    )!;
    expect(remarksOf(receipt.seq)).toContain('場所: 株式会社X 本社 第1作業室');
  });

  it('rebuilds places, consents and the place of each medium from the ledger alone', async () => {
    const live = await snapshotProjections(t);
    expect(live.designated_places).toHaveLength(2);
    expect(live.place_consents).toHaveLength(2);
    expect(live.media!.some((m) => m.place_id === office)).toBe(true);
    await t.dataSource.query('DELETE FROM place_consents');
    await t.dataSource.query('UPDATE media SET place_id = NULL');
    await t.app.get(LedgerService).rebuildProjections();
    expect(await snapshotProjections(t)).toEqual(live);
  });
});
