import {
  contactsLine,
  EMPTY_PLAN,
  type EmergencyPlanFacts,
  emergencyPlanGaps,
  firstDispatchGaps,
} from './emergency-plan.rule.js';

const contact = {
  name: '山田 太郎',
  role: '課長',
  phone: '03-1234-5678',
  hours: '平日 8:30–17:15',
};
const complete: EmergencyPlanFacts = {
  wardContacts: [contact],
  contractorContacts: [{ ...contact, name: '鈴木 花子', role: '取扱責任者' }],
  hasProcedure: true,
  wardConfirmedOn: '2026-11-20',
  contractorConfirmedOn: '2026-11-21',
};

describe('emergencyPlanGaps', () => {
  it('lists everything an empty plan lacks; confirmations wait for a procedure', () => {
    expect(emergencyPlanGaps(EMPTY_PLAN)).toEqual([
      'ward_contacts',
      'contractor_contacts',
      'incident_procedure',
    ]);
  });

  it('is empty for a complete plan', () => {
    expect(emergencyPlanGaps(complete)).toEqual([]);
  });

  it.each([
    [{ wardContacts: [] }, ['ward_contacts']],
    [{ contractorContacts: [] }, ['contractor_contacts']],
    [{ wardConfirmedOn: null }, ['ward_confirmation']],
    [{ contractorConfirmedOn: null }, ['contractor_confirmation']],
    [
      { wardConfirmedOn: null, contractorConfirmedOn: null },
      ['ward_confirmation', 'contractor_confirmation'],
    ],
  ] as Array<[Partial<EmergencyPlanFacts>, string[]]>)(
    'names each missing part: %j',
    (change, gaps) => {
      expect(emergencyPlanGaps({ ...complete, ...change })).toEqual(gaps);
    },
  );
});

describe('firstDispatchGaps', () => {
  it('holds up only the first dispatch of a contract that requires the plan', () => {
    expect(firstDispatchGaps(true, false, EMPTY_PLAN)).toHaveLength(3);
    expect(firstDispatchGaps(true, true, EMPTY_PLAN)).toEqual([]);
    expect(firstDispatchGaps(false, false, EMPTY_PLAN)).toEqual([]);
    expect(firstDispatchGaps(true, false, complete)).toEqual([]);
  });
});

describe('contactsLine', () => {
  it('names each contact with role, phone and hours', () => {
    expect(contactsLine(complete.contractorContacts.concat(complete.wardContacts))).toBe(
      '鈴木 花子（取扱責任者）03-1234-5678 平日 8:30–17:15、山田 太郎（課長）03-1234-5678 平日 8:30–17:15',
    );
    expect(contactsLine([])).toBe('');
  });
});
