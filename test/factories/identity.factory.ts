import { randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import type { Role } from '../../src/modules/identity/roles.js';
import type { OrganizationKind } from '../../src/modules/identity/entities/organization.entity.js';
import { OrganizationEntity } from '../../src/modules/identity/entities/organization.entity.js';
import { UserEntity } from '../../src/modules/identity/entities/user.entity.js';
import type { TestApp } from '../support/test-app.js';

/** The password every factory-made user has. */
export const TEST_PASSWORD = 'test-password-0123';

let passwordHash: Promise<string> | undefined;
const hashedTestPassword = (): Promise<string> =>
  (passwordHash ??= hash(TEST_PASSWORD, { memoryCost: 19_456, timeCost: 2, parallelism: 1 }));

let counter = 0;
const unique = (prefix: string): string => `${prefix}-${++counter}-${randomUUID().slice(0, 6)}`;

export async function anOrganization(
  t: TestApp,
  kind: OrganizationKind,
  name = unique(kind),
): Promise<OrganizationEntity> {
  const organization = Object.assign(new OrganizationEntity(), {
    id: randomUUID(),
    name,
    kind,
    createdAt: t.clock.now(),
  });
  await t.dataSource.getRepository(OrganizationEntity).insert(organization);
  return organization;
}

export interface TestUser {
  user: UserEntity;
  token: string;
}

/** A user with {@link TEST_PASSWORD}, already past the first-login change, logged in. */
export async function aUser(
  t: TestApp,
  organization: OrganizationEntity,
  role: Role,
  options: { mustChangePassword?: boolean; login?: boolean } = {},
): Promise<TestUser> {
  const user = Object.assign(new UserEntity(), {
    id: randomUUID(),
    organizationId: organization.id,
    loginId: unique(role.replace('_', '.')),
    displayName: `${role} ${counter}`,
    role,
    passwordHash: await hashedTestPassword(),
    previousPasswordHashes: [],
    mustChangePassword: options.mustChangePassword ?? false,
    active: true,
    createdAt: t.clock.now(),
  });
  await t.dataSource.getRepository(UserEntity).insert(user);
  if (options.login === false) return { user, token: '' };
  const response = await t.post('/api/auth/login', {
    loginId: user.loginId,
    password: TEST_PASSWORD,
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.text}`);
  return { user, token: response.body.token as string };
}

/**
 * Two wards and three contractors with one user per role where it makes
 * sense: the cast of every tenant-isolation test.
 */
export async function aWorld(t: TestApp) {
  const wardA = await anOrganization(t, 'ward', unique('Ward A'));
  const wardB = await anOrganization(t, 'ward', unique('Ward B'));
  const contractorX = await anOrganization(t, 'contractor', unique('Contractor X'));
  const contractorY = await anOrganization(t, 'contractor', unique('Contractor Y'));
  const subcontractorZ = await anOrganization(t, 'contractor', unique('Subcontractor Z'));
  return {
    wardA,
    wardB,
    contractorX,
    contractorY,
    subcontractorZ,
    admin: await aUser(t, wardA, 'admin'),
    auditor: await aUser(t, wardA, 'auditor'),
    officerA: await aUser(t, wardA, 'ward_officer'),
    officerB: await aUser(t, wardB, 'ward_officer'),
    staffX: await aUser(t, contractorX, 'contractor_staff'),
    staffX2: await aUser(t, contractorX, 'contractor_staff'),
    staffY: await aUser(t, contractorY, 'contractor_staff'),
    staffZ: await aUser(t, subcontractorZ, 'contractor_staff'),
  };
}

export type World = Awaited<ReturnType<typeof aWorld>>;
