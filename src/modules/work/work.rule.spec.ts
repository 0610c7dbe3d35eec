import {
  bounded,
  isTakeoutToDecide,
  isTakeoutToUse,
  type NoticeFacts,
  noticeDestination,
  type TakeoutWorkFacts,
} from './work.rule.js';

const ME = 'user-me';
const WARD = 'org-ward';
const CONTRACTOR = 'org-contractor';

/** A notice I hold at the ward, unlocking a DVD-R with `medium` as its custody. */
function notice(
  medium: Partial<NonNullable<NoticeFacts['medium']>> | null,
  own: Partial<Omit<NoticeFacts, 'medium'>> = {},
): NoticeFacts {
  return {
    state: 'held',
    holderUserId: ME,
    holderOrganizationId: WARD,
    medium:
      medium === null
        ? null
        : {
            state: 'held',
            holderOrganizationId: WARD,
            inTransitToOrganizationId: null,
            ...medium,
          },
    ...own,
  };
}

describe('password notices still to send', () => {
  it('names where a notice I hold must go when its medium is on its way to, or held by, another organization', () => {
    const travelling = { state: 'in_transit', inTransitToOrganizationId: CONTRACTOR } as const;
    expect(noticeDestination(notice(travelling), ME)).toBe(CONTRACTOR);
    expect(noticeDestination(notice({ holderOrganizationId: CONTRACTOR }), ME)).toBe(CONTRACTOR);
    // Reported compromised at the contractor: the notice must still not follow together.
    const compromised = { state: 'compromised', holderOrganizationId: CONTRACTOR } as const;
    expect(noticeDestination(notice(compromised), ME)).toBe(CONTRACTOR);
  });

  it('leaves out a notice whose medium has not left, came back, is coming back, or is gone', () => {
    expect(noticeDestination(notice({}), ME)).toBeNull();
    expect(noticeDestination(notice({ state: 'returned' }), ME)).toBeNull();
    const comingBack = {
      state: 'in_transit',
      holderOrganizationId: CONTRACTOR,
      inTransitToOrganizationId: WARD,
    } as const;
    expect(noticeDestination(notice(comingBack), ME)).toBeNull();
    const erased = { state: 'erased', holderOrganizationId: CONTRACTOR } as const;
    expect(noticeDestination(notice(erased), ME)).toBeNull();
    expect(noticeDestination(notice(null), ME)).toBeNull();
  });

  it('leaves out a notice that is already on its way, or held by someone else', () => {
    const arrived = { holderOrganizationId: CONTRACTOR };
    expect(noticeDestination(notice(arrived, { state: 'in_transit' }), ME)).toBeNull();
    expect(noticeDestination(notice(arrived, { holderUserId: 'colleague' }), ME)).toBeNull();
    // The notice with the contractor too: nothing left to send.
    const both = notice(arrived, { holderOrganizationId: CONTRACTOR });
    expect(noticeDestination(both, ME)).toBeNull();
  });
});

function request(extra: Partial<TakeoutWorkFacts>): TakeoutWorkFacts {
  return {
    status: 'requested',
    applicantUserId: 'colleague',
    mediaCount: 2,
    mediaRegistered: 0,
    validUntil: null,
    ...extra,
  };
}

describe('take-out requests on the home screen', () => {
  it('gives an approver the requests of others still undecided, and a non-approver none', () => {
    const approver = { userId: ME, approver: true };
    expect(isTakeoutToDecide(request({}), approver)).toBe(true);
    expect(isTakeoutToDecide(request({ applicantUserId: ME }), approver)).toBe(false);
    expect(isTakeoutToDecide(request({ status: 'approved' }), approver)).toBe(false);
    expect(isTakeoutToDecide(request({}), { userId: ME, approver: false })).toBe(false);
  });

  it('gives the applicant their approved requests with media left to register, until they lapse', () => {
    const now = new Date('2026-12-04T00:00:00Z');
    const usable = request({
      applicantUserId: ME,
      status: 'approved',
      validUntil: '2026-12-10T00:00:00Z',
    });
    expect(isTakeoutToUse(usable, ME, now)).toBe(true);
    expect(isTakeoutToUse({ ...usable, validUntil: '2026-12-03T23:59:59Z' }, ME, now)).toBe(false);
    expect(isTakeoutToUse({ ...usable, validUntil: now.toISOString() }, ME, now)).toBe(false);
    expect(isTakeoutToUse({ ...usable, mediaRegistered: 2 }, ME, now)).toBe(false);
    expect(isTakeoutToUse({ ...usable, applicantUserId: 'colleague' }, ME, now)).toBe(false);
    expect(isTakeoutToUse({ ...usable, status: 'withdrawn' }, ME, now)).toBe(false);
  });
});

describe('bounded lists', () => {
  it('keeps the first items and counts them all', () => {
    expect(bounded([1, 2, 3], 2)).toEqual({ total: 3, items: [1, 2] });
    expect(bounded([], 2)).toEqual({ total: 0, items: [] });
  });
});
