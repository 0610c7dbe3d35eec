import type { components } from '../api/schema';

type Schemas = components['schemas'];

/** A ward, its contractor X, and a contract between them, for the screens' tests. */
export const WARD = 'org-ward';
export const X = 'org-x';
export const contract: Schemas['ContractResponse'] = {
  id: 'c-1',
  title: '住民税課税資料のデータ入力業務委託',
  wardOrganizationId: WARD,
  contractorOrganizationId: X,
  subcontractorOrganizationIds: [],
  startsOn: '2026-09-01',
  endsOn: '2027-03-31',
  dataItems: ['氏名', '住所', '生年月日'],
  subjectCount: 12000,
  handoverPolicy: {} as Schemas['HandoverPolicyDto'],
  auditPolicy: {} as Schemas['AuditPolicyDto'],
  handlingPolicy: {} as Schemas['HandlingPolicyDto'],
  status: 'active',
  createdAt: '2026-09-01T00:00:00.000Z',
};

export const user = (
  id: string,
  role: Schemas['UserResponse']['role'],
  organizationId: string,
): Schemas['UserResponse'] => ({
  id,
  organizationId,
  loginId: id,
  displayName: `${id} さん`,
  role,
  active: true,
  mustChangePassword: false,
  approver: false,
  createdAt: '2026-09-01T00:00:00.000Z',
});

export const rosterEntry = (
  userId: string,
  role: 'responsible' | 'handler',
): Schemas['RosterEntryResponse'] => ({
  id: `r-${userId}`,
  contractId: 'c-1',
  userId,
  displayName: `${userId} さん`,
  organizationId: X,
  role,
  validFrom: '2026-09-01',
  validTo: null,
  createdAt: '2026-09-01T00:00:00.000Z',
  removedAt: null,
});
