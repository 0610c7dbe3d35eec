import type { OrganizationKind } from './entities/organization.entity.js';

export const ROLES = ['admin', 'ward_officer', 'contractor_staff', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Which kind of organization each role belongs to: ward staff and auditors
 * work for the municipality, as do its system administrators; contractor
 * staff work for a contractor or subcontractor.
 */
export const ROLE_ORGANIZATION_KIND: Record<Role, OrganizationKind> = {
  admin: 'ward',
  ward_officer: 'ward',
  auditor: 'ward',
  contractor_staff: 'contractor',
};

/** Who is calling: the authenticated user, as every service sees them. */
export interface Actor {
  userId: string;
  organizationId: string;
  role: Role;
  loginId: string;
  displayName: string;
  tokenId: string;
  /** The password is temporary: only changing it (and logging out) is allowed. */
  mustChangePassword: boolean;
  /**
   * 'mfa': the token a correct password gives on an account with a second
   * factor; only POST /api/auth/mfa/verify accepts it. Absent means a session
   * (actors made outside a request: CLIs, jobs).
   */
  tokenKind?: 'session' | 'mfa';
  /** The user has a confirmed second factor (absent: not known, as outside a request). */
  mfaEnrolled?: boolean;
}
