import { type MediumFacts, outstandingItems } from './outstanding.rule.js';

const WARD = 'ward';
const medium = (id: string, extra: Partial<MediumFacts> = {}): MediumFacts => ({
  id,
  kind: 'dvd_r',
  label: id,
  state: 'held',
  holderOrganizationId: WARD,
  holderUserId: null,
  location: null,
  inTransitHandoverId: null,
  ...extra,
});

describe('outstandingItems', () => {
  it('is empty when everything is with the ward and nobody else held anything', () => {
    expect(
      outstandingItems({
        wardOrganizationId: WARD,
        media: [medium('a')],
        custodians: [WARD],
        certificates: [],
      }),
    ).toEqual([]);
  });

  it('lists media in transit and media held elsewhere, but not erased, destroyed or lost ones', () => {
    const items = outstandingItems({
      wardOrganizationId: WARD,
      media: [
        medium('moving', { state: 'in_transit', inTransitHandoverId: 'h1' }),
        medium('at-x', { holderOrganizationId: 'x', holderUserId: 'u', location: '金庫' }),
        medium('compromised-at-x', { state: 'compromised', holderOrganizationId: 'x' }),
        medium('returned', { state: 'returned' }),
        medium('erased', { state: 'erased', holderOrganizationId: 'x' }),
        medium('destroyed', { state: 'destroyed', holderOrganizationId: 'x' }),
        medium('lost', { state: 'lost', holderOrganizationId: 'x' }),
      ],
      custodians: [],
      certificates: [],
    });
    expect(items).toEqual([
      {
        reason: 'in_transit',
        mediumId: 'moving',
        kind: 'dvd_r',
        label: 'moving',
        handoverId: 'h1',
      },
      expect.objectContaining({
        reason: 'not_returned',
        mediumId: 'at-x',
        holderUserId: 'u',
        location: '金庫',
      }),
      expect.objectContaining({
        reason: 'not_returned',
        mediumId: 'compromised-at-x',
        state: 'compromised',
      }),
    ]);
  });

  it('wants a confirmed certificate from every other custodian; pending and rejected ones do not count', () => {
    const items = outstandingItems({
      wardOrganizationId: WARD,
      media: [],
      custodians: ['z', 'x', 'y', WARD, 'x'],
      certificates: [
        { id: 'c1', organizationId: 'x', status: 'confirmed' },
        { id: 'c2', organizationId: 'y', status: 'rejected' },
        { id: 'c3', organizationId: 'y', status: 'submitted' },
        { id: 'c4', organizationId: 'z', status: 'rejected' },
      ],
    });
    expect(items).toEqual([
      { reason: 'certificate_pending', organizationId: 'y', certificateIds: ['c3'] },
      { reason: 'certificate_missing', organizationId: 'z' },
    ]);
  });
});
