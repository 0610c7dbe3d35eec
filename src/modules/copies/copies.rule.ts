import { withinValidity } from '../../common/time/instant.js';

/**
 * 複写等の禁止 (seed 001/002 特記事項 9): personal data the ward provided or
 * the contractor collected is not copied or duplicated. A medium the
 * contractor registers says what it was made from: data collected in the
 * work, or media of the contract (a copy). A copy is registered only under
 * a permission of the ward that names every source medium, with a stated
 * purpose, within its validity. Pure.
 */

export const DERIVED_FROM_KINDS = ['collected', 'media'] as const;
export type DerivedFromKind = (typeof DERIVED_FROM_KINDS)[number];

/** What a medium was made from, as the ledger records it. */
export type DerivedFrom = { kind: 'collected' } | { kind: 'media'; mediumIds: string[] };

export interface CopyPermissionFacts {
  id: string;
  purpose: string;
  sourceMediumIds: string[];
  /** ISO instants. */
  permittedAt: string;
  validUntil: string;
}

export type CopyDecision =
  | { ok: true; permission: CopyPermissionFacts }
  | { ok: false; reason: 'no_permission' | 'outside_validity'; mediumIds: string[] };

/**
 * The first permission (in the order given) that covers a copy of
 * `sourceIds` dated `at` and recorded `now`; otherwise why not, with the
 * source media that no valid permission names.
 */
export function copyDecision(
  sourceIds: string[],
  permissions: CopyPermissionFacts[],
  at: Date,
  now: Date,
): CopyDecision {
  const names = (p: CopyPermissionFacts) => sourceIds.every((id) => p.sourceMediumIds.includes(id));
  const valid = (p: CopyPermissionFacts) => withinValidity(p.permittedAt, p.validUntil, at, now);
  const permission = permissions.find((p) => names(p) && valid(p));
  if (permission) return { ok: true, permission };
  const live = permissions.filter(valid);
  const uncovered = sourceIds.filter((id) => !live.some((p) => p.sourceMediumIds.includes(id)));
  const named = permissions.some(names);
  return { ok: false, reason: named ? 'outside_validity' : 'no_permission', mediumIds: uncovered };
}
