import type { Refusal } from '../../common/errors/domain-error.js';
import type { OutstandingItem } from '../closeout/outstanding.rule.js';
import type { StatusReportState } from './entities/status-report.entity.js';

/**
 * 業務に関する報告 (seed 001/002 特記事項 14: 乙は、甲の求めがあった場合は、
 * 業務に関する個人情報の取扱い状況の報告を行う): what the contractor's
 * answer shows and when the ward is reminded of an unanswered request. Pure.
 */

/** A medium the contractor side holds (or carries) as the answer is given. */
export interface HeldMedium {
  mediumId: string;
  kind: string;
  label: string;
  description: string;
  recordCount: number;
  state: string;
  holderOrganizationId: string;
  holderOrganizationName: string;
  holderName: string | null;
  location: string | null;
  /** ISO instant since which its holder has had it (the receipt, or its registration). */
  since: string;
}

/** Generated from the projections when the contractor answers, and frozen in the answer's entry. */
export interface StatusReportHoldings {
  /** ISO instant the holdings were read (the answer's recordedAt). */
  asOf: string;
  media: HeldMedium[];
  /** What still stands between the contract and its close (outstanding.rule). */
  outstanding: OutstandingItem[];
}

/** The media that count as held by the contractor side: not with the ward, not settled. */
export function contractorHoldings(
  media: readonly HeldMedium[],
  wardOrganizationId: string,
): HeldMedium[] {
  const settled = new Set(['returned', 'erased', 'destroyed', 'lost']);
  return media
    .filter((m) => m.holderOrganizationId !== wardOrganizationId && !settled.has(m.state))
    .sort((a, b) =>
      a.since === b.since ? a.label.localeCompare(b.label) : a.since < b.since ? -1 : 1,
    );
}

/** A request is answered once (409 STATUS_REPORT_ANSWERED). */
export function answerRefusal(state: StatusReportState): Refusal<'STATUS_REPORT_ANSWERED'> | null {
  if (state === 'requested') return null;
  return {
    code: 'STATUS_REPORT_ANSWERED',
    message: 'This status report request has already been answered',
    details: { state },
  };
}

/** Business days the contractor has to answer (the reminder comes the business day after). */
export const STATUS_REPORT_ANSWER_BUSINESS_DAYS = 5;
