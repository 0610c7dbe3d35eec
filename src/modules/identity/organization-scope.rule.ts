import type { Actor } from './roles.js';

/**
 * Which part of the directory (organizations and their users) a caller sees:
 * - `all`: admins, who manage every organization and account;
 * - `ward`: ward officers and auditors see their own ward and the
 *   organizations on their ward's contracts (contractor and approved
 *   subcontractors), no other ward and no other contractor;
 * - `none`: contractor staff, whom the directory routes refuse by role.
 */
export type DirectoryScope =
  { kind: 'all' } | { kind: 'ward'; wardOrganizationId: string } | { kind: 'none' };

export function directoryScopeOf(actor: Pick<Actor, 'role' | 'organizationId'>): DirectoryScope {
  switch (actor.role) {
    case 'admin':
      return { kind: 'all' };
    case 'ward_officer':
    case 'auditor':
      return { kind: 'ward', wardOrganizationId: actor.organizationId };
    case 'contractor_staff':
      return { kind: 'none' };
  }
}

/**
 * The organizations a ward's scope covers: the ward itself first, then each
 * contractor or approved subcontractor of its contracts once.
 */
export function wardScopeOrganizations(
  wardOrganizationId: string,
  contractPartyIds: readonly string[],
): string[] {
  return [...new Set([wardOrganizationId, ...contractPartyIds])];
}
