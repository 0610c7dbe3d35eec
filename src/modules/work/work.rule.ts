/**
 * 今日の作業: which of the records the user may read wait for them to act.
 * Plain rules, no framework: the service narrows the candidates in SQL by
 * the user and the state (what an index can answer), these decide the rest,
 * and the home screen shows what they kept without deciding anything itself.
 */
import type { CustodyState } from '../custody/custody-state.js';
import type { TakeoutStatus } from '../takeout/takeout.rule.js';

/** At most this many items of one kind in an answer; its total counts them all. */
export const WORK_LIST_LIMIT = 100;

/** The first `limit` items of a list, and how many there are in all. */
export interface Bounded<T> {
  total: number;
  items: T[];
}

export function bounded<T>(all: readonly T[], limit = WORK_LIST_LIMIT): Bounded<T> {
  return { total: all.length, items: all.slice(0, limit) };
}

/** A password notice as the rule needs it, with the medium it unlocks. */
export interface NoticeFacts {
  state: CustodyState;
  holderUserId: string | null;
  holderOrganizationId: string;
  /** The medium it unlocks; null if there is none (never, once registered). */
  medium: {
    state: CustodyState;
    holderOrganizationId: string;
    /** While in transit: the organization its handover is addressed to. */
    inTransitToOrganizationId: string | null;
  } | null;
}

/**
 * Where a password notice the user still holds must follow its medium, or
 * null when it need not: the medium it unlocks has left for another
 * organization (on its way, or received there), and each must travel on a
 * separate occasion (split channel). Where the medium is going is the
 * addressee of its handover while in transit, otherwise its holder.
 */
export function noticeDestination(notice: NoticeFacts, userId: string): string | null {
  if (notice.state !== 'held' || notice.holderUserId !== userId || !notice.medium) return null;
  const { medium } = notice;
  const destination =
    medium.state === 'in_transit'
      ? medium.inTransitToOrganizationId
      : medium.state === 'held' || medium.state === 'compromised'
        ? medium.holderOrganizationId
        : null;
  return destination !== null && destination !== notice.holderOrganizationId ? destination : null;
}

/** A take-out request as the rules of the home screen need it. */
export interface TakeoutWorkFacts {
  status: TakeoutStatus;
  applicantUserId: string;
  mediaCount: number;
  mediaRegistered: number;
  /** ISO instant; null until approved. */
  validUntil: string | null;
}

/**
 * A request an approver (所属長) may decide: asked for by someone else, not
 * decided yet. Nothing for an officer who is not an approver.
 */
export function isTakeoutToDecide(
  request: Pick<TakeoutWorkFacts, 'status' | 'applicantUserId'>,
  me: { userId: string; approver: boolean },
): boolean {
  return me.approver && request.status === 'requested' && request.applicantUserId !== me.userId;
}

/** The user's own approved request under which media may still be registered, until it lapses. */
export function isTakeoutToUse(request: TakeoutWorkFacts, userId: string, now: Date): boolean {
  return (
    request.applicantUserId === userId &&
    request.status === 'approved' &&
    request.mediaRegistered < request.mediaCount &&
    (request.validUntil === null || new Date(request.validUntil) > now)
  );
}
