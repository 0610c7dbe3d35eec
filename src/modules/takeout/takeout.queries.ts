import { Sql } from '../../database/sql.js';
import type { TakeoutApprovalRef } from '../ledger/ledger-payloads.js';
import type { TakeoutFacts, TakeoutStatus } from './takeout.rule.js';

interface TakeoutRow {
  id: string;
  status: TakeoutStatus;
  applicant_user_id: string;
  record_count: number | string;
  media_kinds: string;
  media_count: number | string;
  media_registered: number | string;
  valid_until: string | null;
  decided_by_user_id: string | null;
  decided_at: string | null;
  approver_name: string | null;
}

/** A take-out request with what the custody rules and the 管理簿 need of it. */
export interface TakeoutRecord extends TakeoutFacts {
  /** The approval as the ledger names it; null unless approved (or approved, then withdrawn). */
  approval: TakeoutApprovalRef | null;
}

/**
 * A request of this contract as it stands in the transaction (the caller
 * holds the contract's chain lock, so no decision can slip in between).
 * Undefined for an unknown id or another contract's request.
 */
export async function takeoutRecord(
  sql: Sql,
  contractId: string,
  requestId: string,
): Promise<TakeoutRecord | undefined> {
  const row = await sql.one<TakeoutRow>(
    `SELECT t.id, t.status, t.applicant_user_id, t.record_count, t.media_kinds, t.media_count,
            t.media_registered, t.valid_until, t.decided_by_user_id, t.decided_at,
            u.display_name AS approver_name
       FROM takeout_requests t
       LEFT JOIN users u ON u.id = t.decided_by_user_id
      WHERE t.id = ? AND t.contract_id = ?`,
    [requestId, contractId],
  );
  if (!row) return undefined;
  const approved = row.valid_until !== null && row.decided_by_user_id !== null;
  return {
    id: row.id,
    status: row.status,
    applicantUserId: row.applicant_user_id,
    recordCount: Number(row.record_count),
    mediaKinds: JSON.parse(row.media_kinds) as string[],
    mediaCount: Number(row.media_count),
    mediaRegistered: Number(row.media_registered),
    validUntil: row.valid_until,
    approvedAt: approved ? row.decided_at : null,
    approval:
      approved && row.status === 'approved'
        ? {
            requestId: row.id,
            approvedByUserId: row.decided_by_user_id!,
            approvedByName: row.approver_name ?? '',
            approvedAt: row.decided_at!,
          }
        : null,
  };
}
