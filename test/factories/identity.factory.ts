import { randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import type { Role } from '../../src/modules/identity/roles.js';
import type { OrganizationKind } from '../../src/modules/identity/entities/organization.entity.js';
import { OrganizationEntity } from '../../src/modules/identity/entities/organization.entity.js';
import { UserEntity } from '../../src/modules/identity/entities/user.entity.js';
import { newTotpSecret, totpCodeAt } from '../../src/modules/identity/totp-code.js';
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
  /** The TOTP secret (base32) of a user made with `mfa: true`. */
  totpSecret?: string;
}

/** The TOTP code of a secret at the test app's clock (or at `at`). */
export function totpCode(t: TestApp, secret: string, at: Date = t.clock.now()): string {
  return totpCodeAt(secret, at);
}

/**
 * A user with {@link TEST_PASSWORD}, already past the first-login change,
 * logged in. With `mfa: true` the user has a confirmed second factor and
 * logs in through POST /api/auth/login and /api/auth/mfa/verify, with the
 * code of the clock's current time step (a second login of the same user
 * needs the clock moved to a later step first).
 */
export async function aUser(
  t: TestApp,
  organization: OrganizationEntity,
  role: Role,
  options: { mustChangePassword?: boolean; login?: boolean; mfa?: boolean } = {},
): Promise<TestUser> {
  const totpSecret = options.mfa ? newTotpSecret() : undefined;
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
    totpSecret: totpSecret ?? null,
    totpPendingSecret: null,
    totpConfirmedAt: totpSecret ? t.clock.now() : null,
    totpLastStep: null,
  });
  await t.dataSource.getRepository(UserEntity).insert(user);
  if (options.login === false) return { user, token: '', totpSecret };
  const response = await t.post('/api/auth/login', {
    loginId: user.loginId,
    password: TEST_PASSWORD,
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.text}`);
  if (!totpSecret) return { user, token: response.body.token as string };
  const verified = await t.post(
    '/api/auth/mfa/verify',
    { code: totpCode(t, totpSecret) },
    response.body.mfaToken as string,
  );
  if (verified.status !== 200) throw new Error(`second factor failed: ${verified.text}`);
  return { user, token: verified.body.token as string, totpSecret };
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
    auditorB: await aUser(t, wardB, 'auditor'),
  };
}

export type World = Awaited<ReturnType<typeof aWorld>>;
