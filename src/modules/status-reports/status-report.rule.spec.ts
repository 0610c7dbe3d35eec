import { answerRefusal, contractorHoldings, type HeldMedium } from './status-report.rule.js';

const medium = (over: Partial<HeldMedium>): HeldMedium => ({
  mediumId: 'm',
  kind: 'dvd_r',
  label: 'DVD',
  description: '住民税課税資料',
  recordCount: 10,
  state: 'held',
  holderOrganizationId: 'x',
  holderOrganizationName: 'X',
  holderName: null,
  location: null,
  since: '2026-11-25T01:00:00.000Z',
  ...over,
});

describe('the holdings a status report shows', () => {
  it('are the media the contractor side holds or carries, oldest first', () => {
    const media = [
      medium({ mediumId: 'late', since: '2026-11-26T01:00:00.000Z' }),
      medium({ mediumId: 'ward', holderOrganizationId: 'ward' }),
      medium({ mediumId: 'sub', holderOrganizationId: 'z', label: 'A' }),
      medium({ mediumId: 'moving', state: 'in_transit', label: 'B' }),
      ...['returned', 'erased', 'destroyed', 'lost'].map((state) =>
        medium({ mediumId: state, state }),
      ),
    ];
    expect(contractorHoldings(media, 'ward').map((m) => m.mediumId)).toEqual([
      'sub',
      'moving',
      'late',
    ]);
  });
});

describe('answering a status report', () => {
  it('is allowed once', () => {
    expect(answerRefusal('requested')).toBeNull();
    expect(answerRefusal('answered')).toMatchObject({ code: 'STATUS_REPORT_ANSWERED' });
  });
});
