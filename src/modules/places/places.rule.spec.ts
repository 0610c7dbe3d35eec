import { type PlaceCheck, placeDecision } from './places.rule.js';

const at = new Date('2026-12-01T01:00:00.000Z');
const office = {
  id: 'p1',
  name: '本社 第1作業室',
  address: '東京都新宿区西新宿2-8-1',
  mediaStorage: false,
  withdrawn: false,
};
const vault = { ...office, id: 'p2', name: '本社 金庫室', mediaStorage: true };
const consent = {
  id: 'c1',
  placeId: 'p9',
  name: '大阪事業所',
  address: '大阪市北区梅田1-1',
  mediumIds: ['m1'],
  consentedAt: '2026-11-30T00:00:00.000Z',
  validUntil: '2026-12-31T00:00:00.000Z',
};
const check = (over: Partial<PlaceCheck>): PlaceCheck => ({
  step: 'store',
  placeId: undefined,
  contractHasPlaces: true,
  place: undefined,
  consents: [],
  mediumIds: ['m1'],
  occurredAt: at,
  now: at,
  ...over,
});

describe('placeDecision (持出しの禁止)', () => {
  it('keeps today’s behaviour on a contract that designates no place', () => {
    expect(placeDecision(check({ contractHasPlaces: false }))).toEqual({ ok: true, place: null });
  });

  it('asks for a place once the contract lists designated places', () => {
    expect(placeDecision(check({}))).toMatchObject({ ok: false, refusal: { reason: 'missing' } });
  });

  it('stores only at a 保管場所, receives at any designated place', () => {
    expect(placeDecision(check({ placeId: 'p2', place: vault }))).toEqual({
      ok: true,
      place: { placeId: 'p2', name: '本社 金庫室', address: vault.address },
    });
    expect(placeDecision(check({ placeId: 'p1', place: office }))).toMatchObject({
      ok: false,
      refusal: { reason: 'no_media_storage', mediumIds: ['m1'] },
    });
    expect(placeDecision(check({ step: 'receive', placeId: 'p1', place: office }))).toMatchObject({
      ok: true,
      place: { placeId: 'p1' },
    });
    expect(
      placeDecision(check({ step: 'register', placeId: 'p1', place: office, mediumIds: [] })),
    ).toMatchObject({ ok: false, refusal: { reason: 'no_media_storage', mediumIds: [] } });
  });

  it('refuses a withdrawn place and an id that names nothing', () => {
    const withdrawn = { ...vault, withdrawn: true };
    expect(placeDecision(check({ placeId: 'p2', place: withdrawn }))).toMatchObject({
      ok: false,
      refusal: { reason: 'withdrawn' },
    });
    expect(placeDecision(check({ placeId: 'zz' }))).toMatchObject({
      ok: false,
      refusal: { reason: 'unknown' },
    });
  });

  it('lets a consent cover the media it names, at its place, within its validity', () => {
    const consented = check({ placeId: 'p9', consents: [consent] });
    expect(placeDecision(consented)).toEqual({
      ok: true,
      place: { placeId: 'p9', name: '大阪事業所', address: consent.address, consentIds: ['c1'] },
    });
    expect(placeDecision({ ...consented, mediumIds: ['m1', 'm2'] })).toMatchObject({
      ok: false,
      refusal: { reason: 'not_designated', mediumIds: ['m2'] },
    });
    expect(placeDecision({ ...consented, mediumIds: [] })).toMatchObject({
      ok: false,
      refusal: { reason: 'not_designated' },
    });
    const late = new Date('2026-12-31T00:00:00.001Z');
    expect(placeDecision({ ...consented, now: late })).toMatchObject({ ok: false });
    const before = new Date('2026-11-29T23:59:59.000Z');
    expect(placeDecision({ ...consented, occurredAt: before })).toMatchObject({ ok: false });
  });

  it('lets a consent extend a designated work place to storage for its media', () => {
    const extended = { ...consent, placeId: 'p1', name: office.name, address: office.address };
    expect(
      placeDecision(check({ placeId: 'p1', place: office, consents: [extended] })),
    ).toMatchObject({ ok: true, place: { placeId: 'p1', name: office.name, consentIds: ['c1'] } });
  });
});
