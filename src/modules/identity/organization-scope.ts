import type { EntityManager } from 'typeorm';
import { Sql } from '../../database/sql.js';
import { directoryScopeOf, wardScopeOrganizations } from './organization-scope.rule.js';
import type { Actor } from './roles.js';

/**
 * The ids of the organizations the caller may see in the directory, or
 * `'all'` (see {@link directoryScopeOf}). Identity sits below contracts, so
 * this reads the contracts tables with plain SQL rather than through the
 * contracts module.
 */
export async function organizationsVisibleTo(
  manager: EntityManager,
  actor: Pick<Actor, 'role' | 'organizationId'>,
): Promise<'all' | string[]> {
  const scope = directoryScopeOf(actor);
  switch (scope.kind) {
    case 'all':
      return 'all';
    case 'none':
      return [];
    case 'ward': {
      const parties = await new Sql(manager).all<{ id: string }>(
        `SELECT contractor_organization_id AS id FROM contracts WHERE ward_organization_id = ?
         UNION
         SELECT s.organization_id AS id
           FROM contract_subcontractors s JOIN contracts c ON c.id = s.contract_id
          WHERE c.ward_organization_id = ?`,
        [scope.wardOrganizationId, scope.wardOrganizationId],
      );
      return wardScopeOrganizations(
        scope.wardOrganizationId,
        parties.map((p) => p.id),
      );
    }
  }
}

/** Whether the caller may see the organization (existing or not: the caller checks that). */
export async function isOrganizationVisibleTo(
  manager: EntityManager,
  actor: Pick<Actor, 'role' | 'organizationId'>,
  organizationId: string,
): Promise<boolean> {
  const visible = await organizationsVisibleTo(manager, actor);
  return visible === 'all' || visible.includes(organizationId);
}
