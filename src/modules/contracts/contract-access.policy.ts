import type { Actor, Role } from '../identity/roles.js';

/** The organizations that take part in a contract. */
export interface ContractParties {
  wardOrganizationId: string;
  contractorOrganizationId: string;
  subcontractorOrganizationIds: string[];
}

/**
 * What a request reads about a contract:
 * - `metadata`: the contract itself (title, parties, period, status), alone or in a list;
 * - `roster`: who is named on it, in which role, for which dates;
 * - `content`: everything it holds about people's data and its custody: media,
 *   handovers, incidents, the ledger and its verification, the 管理簿 CSV,
 *   deletion certificates and their PDFs, the outstanding list, audits.
 */
export type ContractReading = 'metadata' | 'roster' | 'content';

/** Why a read is refused, as the error code the API answers with. */
export type ContractReadRefusal = 'FORBIDDEN_ROLE' | 'CONTRACT_NOT_FOUND' | 'NOT_ROSTERED';

/**
 * Whether the role may read this kind of thing about any contract at all.
 * Admins manage organizations and accounts: they see contract metadata and
 * rosters (to find where a leaver is named) but no content (separation of
 * duties). Checked before any contract is looked up, so the refusal says
 * nothing about whether a contract exists.
 */
export function roleMayRead(role: Role, reading: ContractReading): boolean {
  switch (role) {
    case 'admin':
      return reading !== 'content';
    case 'auditor':
    case 'ward_officer':
    case 'contractor_staff':
      return true;
  }
}

/**
 * Who may know that a contract exists: ward officers and auditors of its
 * ward, contractor staff of its contractor or an approved subcontractor, and
 * admins (metadata only, see {@link roleMayRead}). Anyone else gets 404.
 */
export function canReadContract(actor: Actor, parties: ContractParties): boolean {
  switch (actor.role) {
    case 'admin':
      return true;
    case 'auditor':
    case 'ward_officer':
      return actor.organizationId === parties.wardOrganizationId;
    case 'contractor_staff':
      return (
        actor.organizationId === parties.contractorOrganizationId ||
        parties.subcontractorOrganizationIds.includes(actor.organizationId)
      );
  }
}

/**
 * Need to know: contractor staff read a contract's roster and content only
 * while a roster entry names them (validFrom ≤ today ≤ validTo, not
 * withdrawn). The ward's officers and auditors need none.
 */
export function needsValidRosterEntry(role: Role, reading: ContractReading): boolean {
  return role === 'contractor_staff' && reading !== 'metadata';
}

/**
 * The whole decision, in the order the API answers: the role first (403
 * FORBIDDEN_ROLE, whatever the contract), then the tenant (404, as if the
 * contract did not exist; `parties` is null when it does not), then the
 * roster (403 NOT_ROSTERED). `validRosterEntry`: whether an entry names the
 * caller today; only asked when {@link needsValidRosterEntry}.
 */
export function contractReadRefusal(
  actor: Actor,
  parties: ContractParties | null,
  reading: ContractReading,
  validRosterEntry: boolean,
): ContractReadRefusal | null {
  if (!roleMayRead(actor.role, reading)) return 'FORBIDDEN_ROLE';
  if (parties === null || !canReadContract(actor, parties)) return 'CONTRACT_NOT_FOUND';
  if (needsValidRosterEntry(actor.role, reading) && !validRosterEntry) return 'NOT_ROSTERED';
  return null;
}

/** Who may change a contract and its roster: ward officers of its ward. */
export function canManageContract(actor: Actor, parties: ContractParties): boolean {
  return actor.role === 'ward_officer' && actor.organizationId === parties.wardOrganizationId;
}

/** Organizations whose users may be named on the contract's roster. */
export function rosterableOrganizations(parties: ContractParties): string[] {
  return [parties.contractorOrganizationId, ...parties.subcontractorOrganizationIds];
}
