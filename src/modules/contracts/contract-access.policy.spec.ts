import type { Actor, Role } from '../identity/roles.js';
import {
  type ContractParties,
  canManageContract,
  canReadContract,
  rosterableOrganizations,
} from './contract-access.policy.js';

const WARD = 'org-ward-shinjuku';
const OTHER_WARD = 'org-ward-sakai';
const CONTRACTOR = 'org-contractor-a';
const SUBCONTRACTOR = 'org-subcontractor-b';
const SECOND_SUBCONTRACTOR = 'org-subcontractor-c';
const UNRELATED = 'org-contractor-z';

const parties: ContractParties = {
  wardOrganizationId: WARD,
  contractorOrganizationId: CONTRACTOR,
  subcontractorOrganizationIds: [SUBCONTRACTOR, SECOND_SUBCONTRACTOR],
};

function actor(role: Role, organizationId: string): Actor {
  return {
    userId: `user-${role}-${organizationId}`,
    organizationId,
    role,
    loginId: `${role}.login`,
    displayName: role,
    tokenId: 'token-1',
    mustChangePassword: false,
  };
}

type Relation = 'own ward' | 'other ward' | 'contractor' | 'subcontractor' | 'unrelated contractor';

const ORGANIZATION_OF: Record<Relation, string> = {
  'own ward': WARD,
  'other ward': OTHER_WARD,
  contractor: CONTRACTOR,
  subcontractor: SUBCONTRACTOR,
  'unrelated contractor': UNRELATED,
};

/** [role, relation, canRead, canManage] — every role × every relation. */
const TABLE: Array<[Role, Relation, boolean, boolean]> = [
  ['admin', 'own ward', true, false],
  ['admin', 'other ward', true, false],
  ['admin', 'contractor', true, false],
  ['admin', 'subcontractor', true, false],
  ['admin', 'unrelated contractor', true, false],

  ['auditor', 'own ward', true, false],
  ['auditor', 'other ward', true, false],
  ['auditor', 'contractor', true, false],
  ['auditor', 'subcontractor', true, false],
  ['auditor', 'unrelated contractor', true, false],

  ['ward_officer', 'own ward', true, true],
  ['ward_officer', 'other ward', false, false],
  ['ward_officer', 'contractor', false, false],
  ['ward_officer', 'subcontractor', false, false],
  ['ward_officer', 'unrelated contractor', false, false],

  ['contractor_staff', 'own ward', false, false],
  ['contractor_staff', 'other ward', false, false],
  ['contractor_staff', 'contractor', true, false],
  ['contractor_staff', 'subcontractor', true, false],
  ['contractor_staff', 'unrelated contractor', false, false],
];

describe('contract access policy', () => {
  it('covers every role and relation in the table', () => {
    const roles = new Set(TABLE.map(([role]) => role));
    expect([...roles].sort()).toEqual(['admin', 'auditor', 'contractor_staff', 'ward_officer']);
    expect(TABLE).toHaveLength(4 * Object.keys(ORGANIZATION_OF).length);
  });

  describe.each(TABLE)('%s of the %s', (role, relation, canRead, canManage) => {
    const who = actor(role, ORGANIZATION_OF[relation]);

    it(`${canRead ? 'may' : 'may not'} read the contract`, () => {
      expect(canReadContract(who, parties)).toBe(canRead);
    });

    it(`${canManage ? 'may' : 'may not'} manage the contract`, () => {
      expect(canManageContract(who, parties)).toBe(canManage);
    });
  });

  it('lets staff of every approved subcontractor read, not only the first', () => {
    expect(canReadContract(actor('contractor_staff', SECOND_SUBCONTRACTOR), parties)).toBe(true);
  });

  it('refuses a subcontractor once the contract approves none', () => {
    const noSubcontracting: ContractParties = { ...parties, subcontractorOrganizationIds: [] };
    expect(canReadContract(actor('contractor_staff', SUBCONTRACTOR), noSubcontracting)).toBe(false);
    expect(canReadContract(actor('contractor_staff', CONTRACTOR), noSubcontracting)).toBe(true);
  });

  it('never lets management follow from being the contractor', () => {
    // A ward officer account that (wrongly) belonged to the contractor still manages nothing.
    expect(canManageContract(actor('ward_officer', CONTRACTOR), parties)).toBe(false);
    expect(canManageContract(actor('contractor_staff', WARD), parties)).toBe(false);
  });

  it('compares organization ids exactly', () => {
    expect(canReadContract(actor('ward_officer', WARD.toUpperCase()), parties)).toBe(false);
    expect(canReadContract(actor('contractor_staff', ''), parties)).toBe(false);
    expect(canManageContract(actor('ward_officer', `${WARD} `), parties)).toBe(false);
  });
});

describe('rosterableOrganizations', () => {
  it('lists the contractor first, then every approved subcontractor', () => {
    expect(rosterableOrganizations(parties)).toEqual([
      CONTRACTOR,
      SUBCONTRACTOR,
      SECOND_SUBCONTRACTOR,
    ]);
  });

  it('lists only the contractor when subcontracting is not approved', () => {
    expect(rosterableOrganizations({ ...parties, subcontractorOrganizationIds: [] })).toEqual([
      CONTRACTOR,
    ]);
  });

  it('never includes the ward', () => {
    expect(rosterableOrganizations(parties)).not.toContain(WARD);
  });

  it('does not hand out the parties array itself', () => {
    const list = rosterableOrganizations(parties);
    list.push(UNRELATED);
    expect(parties.subcontractorOrganizationIds).toEqual([SUBCONTRACTOR, SECOND_SUBCONTRACTOR]);
  });
});
