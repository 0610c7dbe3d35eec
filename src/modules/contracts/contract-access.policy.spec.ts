import type { Actor, Role } from '../identity/roles.js';
import {
  type ContractParties,
  type ContractReading,
  type ContractReadRefusal,
  canManageContract,
  canReadContract,
  contractReadRefusal,
  needsValidRosterEntry,
  roleMayRead,
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

/** [role, relation, canRead (metadata), canManage] — every role × every relation. */
const TABLE: Array<[Role, Relation, boolean, boolean]> = [
  // Admins know of every contract (metadata); roleMayRead keeps them out of its content.
  ['admin', 'own ward', true, false],
  ['admin', 'other ward', true, false],
  ['admin', 'contractor', true, false],
  ['admin', 'subcontractor', true, false],
  ['admin', 'unrelated contractor', true, false],

  // Auditors read their own ward's contracts only.
  ['auditor', 'own ward', true, false],
  ['auditor', 'other ward', false, false],
  ['auditor', 'contractor', false, false],
  ['auditor', 'subcontractor', false, false],
  ['auditor', 'unrelated contractor', false, false],

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

const READINGS: ContractReading[] = ['metadata', 'roster', 'content'];

/**
 * The whole read decision: [role, relation, reading, outcome with a valid
 * roster entry, outcome without one (none, expired, not yet valid, withdrawn)].
 * `ok` is no refusal.
 */
type Outcome = ContractReadRefusal | 'ok';
const DECISIONS: Array<[Role, Relation, ContractReading, Outcome, Outcome]> = [
  ['admin', 'own ward', 'metadata', 'ok', 'ok'],
  ['admin', 'own ward', 'roster', 'ok', 'ok'],
  ['admin', 'own ward', 'content', 'FORBIDDEN_ROLE', 'FORBIDDEN_ROLE'],
  ['admin', 'other ward', 'metadata', 'ok', 'ok'],
  ['admin', 'other ward', 'roster', 'ok', 'ok'],
  ['admin', 'other ward', 'content', 'FORBIDDEN_ROLE', 'FORBIDDEN_ROLE'],
  ['admin', 'contractor', 'content', 'FORBIDDEN_ROLE', 'FORBIDDEN_ROLE'],
  ['admin', 'unrelated contractor', 'content', 'FORBIDDEN_ROLE', 'FORBIDDEN_ROLE'],

  ['auditor', 'own ward', 'metadata', 'ok', 'ok'],
  ['auditor', 'own ward', 'roster', 'ok', 'ok'],
  ['auditor', 'own ward', 'content', 'ok', 'ok'],
  ['auditor', 'other ward', 'metadata', 'CONTRACT_NOT_FOUND', 'CONTRACT_NOT_FOUND'],
  ['auditor', 'other ward', 'roster', 'CONTRACT_NOT_FOUND', 'CONTRACT_NOT_FOUND'],
  ['auditor', 'other ward', 'content', 'CONTRACT_NOT_FOUND', 'CONTRACT_NOT_FOUND'],
  ['auditor', 'contractor', 'content', 'CONTRACT_NOT_FOUND', 'CONTRACT_NOT_FOUND'],

  ['ward_officer', 'own ward', 'metadata', 'ok', 'ok'],
  ['ward_officer', 'own ward', 'roster', 'ok', 'ok'],
  ['ward_officer', 'own ward', 'content', 'ok', 'ok'],
  ['ward_officer', 'other ward', 'metadata', 'CONTRACT_NOT_FOUND', 'CONTRACT_NOT_FOUND'],
  ['ward_officer', 'other ward', 'content', 'CONTRACT_NOT_FOUND', 'CONTRACT_NOT_FOUND'],
  ['ward_officer', 'contractor', 'content', 'CONTRACT_NOT_FOUND', 'CONTRACT_NOT_FOUND'],

  ['contractor_staff', 'contractor', 'metadata', 'ok', 'ok'],
  ['contractor_staff', 'contractor', 'roster', 'ok', 'NOT_ROSTERED'],
  ['contractor_staff', 'contractor', 'content', 'ok', 'NOT_ROSTERED'],
  ['contractor_staff', 'subcontractor', 'metadata', 'ok', 'ok'],
  ['contractor_staff', 'subcontractor', 'roster', 'ok', 'NOT_ROSTERED'],
  ['contractor_staff', 'subcontractor', 'content', 'ok', 'NOT_ROSTERED'],
  [
    'contractor_staff',
    'unrelated contractor',
    'metadata',
    'CONTRACT_NOT_FOUND',
    'CONTRACT_NOT_FOUND',
  ],
  [
    'contractor_staff',
    'unrelated contractor',
    'content',
    'CONTRACT_NOT_FOUND',
    'CONTRACT_NOT_FOUND',
  ],
  ['contractor_staff', 'own ward', 'content', 'CONTRACT_NOT_FOUND', 'CONTRACT_NOT_FOUND'],
];

describe('contractReadRefusal', () => {
  describe.each(DECISIONS)('%s of the %s reading %s', (role, relation, reading, named, unnamed) => {
    const who = actor(role, ORGANIZATION_OF[relation]);

    it(`with a valid roster entry: ${named}`, () => {
      expect(contractReadRefusal(who, parties, reading, true) ?? 'ok').toBe(named);
    });

    it(`without one: ${unnamed}`, () => {
      expect(contractReadRefusal(who, parties, reading, false) ?? 'ok').toBe(unnamed);
    });
  });

  it('refuses an admin content by role even when the contract does not exist', () => {
    // The same answer for every contract id: it tells nothing about any contract.
    expect(contractReadRefusal(actor('admin', WARD), null, 'content', false)).toBe(
      'FORBIDDEN_ROLE',
    );
  });

  it('answers 404 for a contract that does not exist, to every other reader', () => {
    for (const role of ['auditor', 'ward_officer', 'contractor_staff'] as const) {
      for (const reading of READINGS) {
        expect(contractReadRefusal(actor(role, WARD), null, reading, true)).toBe(
          'CONTRACT_NOT_FOUND',
        );
      }
    }
    expect(contractReadRefusal(actor('admin', WARD), null, 'metadata', true)).toBe(
      'CONTRACT_NOT_FOUND',
    );
  });

  it('asks for a roster entry only of contractor staff, and never for metadata', () => {
    const asked = (['admin', 'auditor', 'ward_officer', 'contractor_staff'] as const).flatMap(
      (role) => READINGS.filter((r) => needsValidRosterEntry(role, r)).map((r) => `${role}:${r}`),
    );
    expect(asked).toEqual(['contractor_staff:roster', 'contractor_staff:content']);
  });

  it('keeps admins out of content only', () => {
    expect(READINGS.filter((r) => !roleMayRead('admin', r))).toEqual(['content']);
    for (const role of ['auditor', 'ward_officer', 'contractor_staff'] as const) {
      expect(READINGS.every((r) => roleMayRead(role, r))).toBe(true);
    }
  });

  it('lets the tenant refusal win over the roster one: a stranger learns nothing', () => {
    const stranger = actor('contractor_staff', UNRELATED);
    expect(contractReadRefusal(stranger, parties, 'content', false)).toBe('CONTRACT_NOT_FOUND');
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
