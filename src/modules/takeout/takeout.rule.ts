/**
 * Take-out approval (持出し承認, seed 003): a ward officer applies to write
 * the ward's personal data onto external media and take it out; an approver
 * of the ward (所属長), never the applicant, approves or rejects; only the
 * applicant then registers and dispatches media under the approved request,
 * within what it names and for TAKEOUT_VALID_DAYS after the approval. Plain
 * rules, no framework: the service loads the facts and appends the events.
 */

export const TAKEOUT_PURPOSES = ['provide', 'return_copy', 'other'] as const;
export type TakeoutPurpose = (typeof TAKEOUT_PURPOSES)[number];

export const TAKEOUT_STATUSES = ['requested', 'approved', 'rejected', 'withdrawn'] as const;
export type TakeoutStatus = (typeof TAKEOUT_STATUSES)[number];

/** What a request allows, as the rules need it. */
export interface TakeoutFacts {
  id: string;
  status: TakeoutStatus;
  applicantUserId: string;
  recordCount: number;
  mediaKinds: readonly string[];
  mediaCount: number;
  mediaRegistered: number;
  /** ISO instant; null until approved. */
  validUntil: string | null;
  /** ISO instant of the approval; null until approved. */
  approvedAt: string | null;
}

export type TakeoutRefusalCode =
  | 'TAKEOUT_NOT_APPROVED'
  | 'NOT_APPLICANT'
  | 'TAKEOUT_EXPIRED'
  | 'TAKEOUT_EXCEEDED'
  | 'TAKEOUT_NOT_PENDING'
  | 'SELF_APPROVAL';

export interface TakeoutRefusal {
  code: TakeoutRefusalCode;
  message: string;
  details: Record<string, unknown>;
}

/** The end of an approval's validity: `days` whole days after it. */
export function approvalValidUntil(approvedAt: Date, days: number): Date {
  return new Date(approvedAt.getTime() + days * 24 * 3600 * 1000);
}

/** Whether an approved request still covers a step taken at `at`, by this actor. */
function coverRefusal(
  request: TakeoutFacts,
  actorUserId: string,
  at: Date,
  now: Date,
): TakeoutRefusal | null {
  if (request.status !== 'approved') {
    return {
      code: 'TAKEOUT_NOT_APPROVED',
      message: `The take-out request is ${request.status}, not approved`,
      details: { takeoutRequestId: request.id, status: request.status },
    };
  }
  if (request.applicantUserId !== actorUserId) {
    return {
      code: 'NOT_APPLICANT',
      message: 'Only the applicant may take out what the request approved',
      details: { takeoutRequestId: request.id },
    };
  }
  // Judged at the later of the step's date and the server's time: a step
  // logged after the fact cannot be dated back into an expired approval.
  const judgedAt = (at > now ? at : now).toISOString();
  if (request.validUntil !== null && judgedAt > request.validUntil) {
    return {
      code: 'TAKEOUT_EXPIRED',
      message: `The approval of this take-out request expired at ${request.validUntil}`,
      details: { takeoutRequestId: request.id, validUntil: request.validUntil },
    };
  }
  return null;
}

/** Registering one medium of the ward under a request. */
export function registrationRefusal(
  request: TakeoutFacts,
  medium: { kind: string; recordCount: number },
  actorUserId: string,
  at: Date,
  now: Date = at,
): TakeoutRefusal | null {
  const cover = coverRefusal(request, actorUserId, at, now);
  if (cover) return cover;
  // The data is written only after the approval (seed 003): a registration
  // dated before it, logged after the fact, is refused.
  if (request.approvedAt !== null && at.toISOString() < request.approvedAt) {
    return {
      code: 'TAKEOUT_NOT_APPROVED',
      message: `The medium is dated before the request was approved (${request.approvedAt})`,
      details: {
        takeoutRequestId: request.id,
        reason: 'before_approval',
        approvedAt: request.approvedAt,
      },
    };
  }
  const exceeded = (reason: string, message: string, extra: Record<string, unknown>) => ({
    code: 'TAKEOUT_EXCEEDED' as const,
    message,
    details: { takeoutRequestId: request.id, reason, ...extra },
  });
  if (request.mediaRegistered >= request.mediaCount) {
    return exceeded(
      'media_count',
      `The request covers ${request.mediaCount} medium(s), all registered`,
      { mediaCount: request.mediaCount },
    );
  }
  if (!request.mediaKinds.includes(medium.kind)) {
    return exceeded('media_kind', `The request does not cover media of kind ${medium.kind}`, {
      mediaKinds: [...request.mediaKinds],
    });
  }
  if (medium.recordCount > request.recordCount) {
    return exceeded(
      'record_count',
      `The request covers at most ${request.recordCount} records on a medium`,
      { recordCount: request.recordCount },
    );
  }
  return null;
}

/** Dispatching out of the ward a medium registered under a request. */
export function dispatchRefusal(
  request: TakeoutFacts,
  actorUserId: string,
  at: Date,
  now: Date = at,
): TakeoutRefusal | null {
  return coverRefusal(request, actorUserId, at, now);
}

/** Approving or rejecting: four eyes, and only a request still waiting. */
export function decisionRefusal(
  request: TakeoutFacts,
  approverUserId: string,
): TakeoutRefusal | null {
  if (request.applicantUserId === approverUserId) {
    return {
      code: 'SELF_APPROVAL',
      message: 'An applicant cannot decide on their own take-out request',
      details: { takeoutRequestId: request.id },
    };
  }
  if (request.status !== 'requested') {
    return {
      code: 'TAKEOUT_NOT_PENDING',
      message: `The take-out request is already ${request.status}`,
      details: { takeoutRequestId: request.id, status: request.status },
    };
  }
  return null;
}

/** Withdrawing: by the applicant, while requested or approved. */
export function withdrawalRefusal(
  request: TakeoutFacts,
  actorUserId: string,
): TakeoutRefusal | null {
  if (request.applicantUserId !== actorUserId) {
    return {
      code: 'NOT_APPLICANT',
      message: 'Only the applicant may withdraw a take-out request',
      details: { takeoutRequestId: request.id },
    };
  }
  if (request.status !== 'requested' && request.status !== 'approved') {
    return {
      code: 'TAKEOUT_NOT_PENDING',
      message: `The take-out request is already ${request.status}`,
      details: { takeoutRequestId: request.id, status: request.status },
    };
  }
  return null;
}
