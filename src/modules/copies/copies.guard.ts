import { DomainError } from '../../common/errors/domain-error.js';
import type { Sql } from '../../database/sql.js';
import { type CopyPermissionFacts, copyDecision } from './copies.rule.js';
import type { CopyPermissionRef } from './copies.projector.js';

interface PermissionRow {
  id: string;
  purpose: string;
  source_medium_ids: string;
  permitted_at: string;
  valid_until: string;
}

/** The contract's copy permissions, oldest first. */
async function copyPermissions(sql: Sql, contractId: string): Promise<CopyPermissionFacts[]> {
  const rows = await sql.all<PermissionRow>(
    `SELECT id, purpose, source_medium_ids, permitted_at, valid_until
       FROM copy_permissions WHERE contract_id = ? ORDER BY permitted_seq`,
    [contractId],
  );
  return rows.map((r) => ({
    id: r.id,
    purpose: r.purpose,
    sourceMediumIds: JSON.parse(r.source_medium_ids) as string[],
    permittedAt: r.permitted_at,
    validUntil: r.valid_until,
  }));
}

/**
 * The permission a copy of `sourceIds` is registered under; 409
 * COPY_NOT_PERMITTED when no permission of the ward names every source
 * medium and is valid at `at` (and now). Call it under the chain lock.
 */
export async function copyPermissionFor(
  sql: Sql,
  contractId: string,
  sourceIds: string[],
  at: Date,
  now: Date,
): Promise<CopyPermissionRef> {
  const decision = copyDecision(sourceIds, await copyPermissions(sql, contractId), at, now);
  if (decision.ok) {
    return { permissionId: decision.permission.id, purpose: decision.permission.purpose };
  }
  throw new DomainError(
    'COPY_NOT_PERMITTED',
    'Personal data of the contract is not copied (複写等の禁止) unless the ward permitted a copy of these media for a stated purpose',
    { reason: decision.reason, mediumIds: decision.mediumIds },
  );
}
