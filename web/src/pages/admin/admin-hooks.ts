import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import type { components } from '../../api/schema';

export type User = components['schemas']['UserResponse'];
export type Organization = components['schemas']['OrganizationResponse'];
export type Role = User['role'];
export type OrganizationKind = Organization['kind'];

export const ORGANIZATION_KINDS = {
  ward: '区（所管課）',
  contractor: '委託先',
} satisfies Record<OrganizationKind, string>;

/** Which kind of organization a role belongs to (the service's ROLE_ORGANIZATION_KIND). */
export const ROLE_ORGANIZATION_KIND = {
  admin: 'ward',
  ward_officer: 'ward',
  auditor: 'ward',
  contractor_staff: 'contractor',
} satisfies Record<Role, OrganizationKind>;

/** Every organization (an admin sees all), by name. */
export function useOrganizations() {
  return useQuery({
    queryKey: ['organizations'],
    queryFn: async () => {
      const { items } = await unwrap(api.GET('/api/organizations'));
      return [...items].sort((a, b) => a.name.localeCompare(b.name, 'ja'));
    },
  });
}
