import type { Actor } from '../identity/roles.js';

/** The organizations that take part in a contract. */
export interface ContractParties {
  wardOrganizationId: string;
  contractorOrganizationId: string;
  subcontractorOrganizationIds: string[];
}

/**
 * Who may read a contract: ward officers of its ward, contractor staff of its
 * contractor or an approved subcontractor, and auditors and admins, who read
 * every ledger. Anyone else must not learn that the contract exists.
 */
export function canReadContract(actor: Actor, parties: ContractParties): boolean {
  switch (actor.role) {
    case 'auditor':
    case 'admin':
      return true;
    case 'ward_officer':
      return actor.organizationId === parties.wardOrganizationId;
    case 'contractor_staff':
      return (
        actor.organizationId === parties.contractorOrganizationId ||
        parties.subcontractorOrganizationIds.includes(actor.organizationId)
      );
  }
}

/** Who may change a contract and its roster: ward officers of its ward. */
export function canManageContract(actor: Actor, parties: ContractParties): boolean {
  return actor.role === 'ward_officer' && actor.organizationId === parties.wardOrganizationId;
}

/** Organizations whose users may be named on the contract's roster. */
export function rosterableOrganizations(parties: ContractParties): string[] {
  return [parties.contractorOrganizationId, ...parties.subcontractorOrganizationIds];
}
