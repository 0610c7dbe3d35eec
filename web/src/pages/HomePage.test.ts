import { describe, expect, it } from 'vitest';
import type { components } from '../api/schema';
import { noticesToSend, takeoutsToDecide, takeoutsToUse } from './HomePage';

type Medium = components['schemas']['MediumResponse'];
type Handover = components['schemas']['HandoverResponse'];
type Takeout = components['schemas']['TakeoutRequestResponse'];

const ME = 'user-me';
const WARD = 'org-ward';
const CONTRACTOR = 'org-contractor';

function medium(id: string, custody: Partial<Medium['custody']>, extra: Partial<Medium> = {}) {
  return {
    id,
    kind: 'dvd_r',
    label: id,
    unlocksMediumId: null,
    custody: {
      state: 'held',
      holderOrganizationId: WARD,
      holderUserId: ME,
      inTransitHandoverId: null,
      ...custody,
    },
    ...extra,
  } as Medium;
}

const notice = (custody: Partial<Medium['custody']> = {}) =>
  medium('pw', custody, { kind: 'password_notice', unlocksMediumId: 'dvd' });

const handover = (id: string, toOrganizationId: string) =>
  ({ id, toOrganizationId, status: 'dispatched' }) as Handover;

describe('password notices still to send', () => {
  it('lists a notice I hold whose medium is on its way to, or held by, another organization', () => {
    const travelling = medium('dvd', {
      state: 'in_transit',
      inTransitHandoverId: 'h1',
      holderUserId: ME,
    });
    expect(noticesToSend([travelling, notice()], [handover('h1', CONTRACTOR)], ME)).toEqual([
      notice(),
    ]);
    const arrived = medium('dvd', { holderOrganizationId: CONTRACTOR, holderUserId: 'staff' });
    expect(noticesToSend([arrived, notice()], [], ME).map((m) => m.id)).toEqual(['pw']);
  });

  it('leaves out a notice whose medium has not left, came back, or is coming back to us', () => {
    expect(noticesToSend([medium('dvd', {}), notice()], [], ME)).toEqual([]);
    const returned = medium('dvd', { state: 'returned', holderUserId: 'other officer' });
    expect(noticesToSend([returned, notice()], [], ME)).toEqual([]);
    const comingBack = medium('dvd', {
      state: 'in_transit',
      holderOrganizationId: CONTRACTOR,
      inTransitHandoverId: 'h2',
    });
    expect(noticesToSend([comingBack, notice()], [handover('h2', WARD)], ME)).toEqual([]);
  });

  it('leaves out a notice that is already on its way, or held by someone else', () => {
    const arrived = medium('dvd', { holderOrganizationId: CONTRACTOR });
    expect(noticesToSend([arrived, notice({ state: 'in_transit' })], [], ME)).toEqual([]);
    expect(noticesToSend([arrived, notice({ holderUserId: 'colleague' })], [], ME)).toEqual([]);
    // The notice with the contractor too: nothing left to send.
    expect(noticesToSend([arrived, notice({ holderOrganizationId: CONTRACTOR })], [], ME)).toEqual(
      [],
    );
  });
});

function request(extra: Partial<Takeout>): Takeout {
  return {
    id: 'r1',
    status: 'requested',
    applicantUserId: 'colleague',
    mediaCount: 2,
    mediaRegistered: 0,
    validUntil: null,
    ...extra,
  } as Takeout;
}

describe('take-out requests on the home screen', () => {
  it('gives an approver the requests of others still undecided, and a non-approver none', () => {
    const mine = request({ id: 'mine', applicantUserId: ME });
    const theirs = request({ id: 'theirs' });
    const decided = request({ id: 'decided', status: 'approved' });
    const all = [mine, theirs, decided];
    expect(takeoutsToDecide(all, { id: ME, approver: true }).map((r) => r.id)).toEqual(['theirs']);
    expect(takeoutsToDecide(all, { id: ME, approver: false })).toEqual([]);
  });

  it('gives the applicant their approved requests with media left to register, until they lapse', () => {
    const now = new Date('2026-12-04T00:00:00Z');
    const usable = request({
      id: 'usable',
      applicantUserId: ME,
      status: 'approved',
      validUntil: '2026-12-10T00:00:00Z',
    });
    const lapsed = { ...usable, id: 'lapsed', validUntil: '2026-12-03T23:59:59Z' };
    const used = { ...usable, id: 'used', mediaRegistered: 2 };
    const others = { ...usable, id: 'others', applicantUserId: 'colleague' };
    expect(takeoutsToUse([usable, lapsed, used, others], ME, now).map((r) => r.id)).toEqual([
      'usable',
    ]);
  });
});
