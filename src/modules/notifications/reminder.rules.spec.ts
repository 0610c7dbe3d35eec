import {
  auditReminders,
  type ContractFacts,
  type ItemFacts,
  receiptReminder,
  type ReminderSettings,
  returnReminder,
  splitPairReminders,
} from './reminder.rules.js';

const settings: ReminderSettings = {
  receiptHours: 48,
  passwordNoticeDays: 7,
  returnDays: 14,
  overdueRepeatDays: 7,
};

/** Seed 000: a contract from 1 September to 31 March. */
const seed000: ContractFacts = {
  id: 'c1',
  title: '住民記録データ入力業務',
  wardOrganizationId: 'ward',
  startsOn: '2026-09-01',
  endsOn: '2027-03-31',
  reminderLeadDays: [60, 30, 7],
  auditedYears: new Set(),
};

const keys = (asOf: string, contract = seed000): string[] =>
  auditReminders(contract, asOf, settings).map((r) => r.key);

describe('audit due reminders', () => {
  it.each([
    ['2027-01-29', []],
    ['2027-01-30', ['audit_due:c1:2027-03-31:60']],
    ['2027-02-28', ['audit_due:c1:2027-03-31:60']],
    ['2027-03-01', ['audit_due:c1:2027-03-31:30']],
    ['2027-03-23', ['audit_due:c1:2027-03-31:30']],
    ['2027-03-24', ['audit_due:c1:2027-03-31:7']],
    ['2027-03-31', ['audit_due:c1:2027-03-31:7']],
  ])('as of %s raises %j', (asOf, expected) => {
    expect(keys(asOf)).toEqual(expected);
  });

  it('fires each lead on its day and not the day before (the key changes that day)', () => {
    const sent = new Set<string>();
    const firstDay = new Map<string, string>();
    for (
      let d = new Date('2027-01-01');
      d <= new Date('2027-03-31');
      d.setUTCDate(d.getUTCDate() + 1)
    ) {
      const asOf = d.toISOString().slice(0, 10);
      for (const key of keys(asOf)) {
        if (!sent.has(key)) firstDay.set(key, asOf);
        sent.add(key);
      }
    }
    expect(Object.fromEntries(firstDay)).toEqual({
      'audit_due:c1:2027-03-31:60': '2027-01-30',
      'audit_due:c1:2027-03-31:30': '2027-03-01',
      'audit_due:c1:2027-03-31:7': '2027-03-24',
    });
  });

  it('raises nothing once the fiscal year is audited', () => {
    expect(keys('2027-03-24', { ...seed000, auditedYears: new Set([2026]) })).toEqual([]);
  });

  it('raises the nearest lead at once for a contract registered inside the window', () => {
    const late = { ...seed000, startsOn: '2027-03-10' };
    expect(keys('2027-03-10', late)).toEqual(['audit_due:c1:2027-03-31:30']);
    expect(keys('2027-03-09', late)).toEqual([]);
  });

  it('reminds each fiscal year of a contract spanning two, against its own due date', () => {
    const spanning = { ...seed000, endsOn: '2027-06-30' };
    expect(keys('2027-01-30', spanning)).toEqual(['audit_due:c1:2027-03-31:60']);
    // FY2027's 60-day reminder: 1 May for a 30 June end (the contract ends in June).
    expect(keys('2027-04-30', spanning).filter((k) => k.includes('2027-06-30'))).toEqual([]);
    expect(keys('2027-05-01', spanning).filter((k) => k.includes('2027-06-30'))).toEqual([
      'audit_due:c1:2027-06-30:60',
    ]);
  });

  it('does not remind a fiscal year before it starts', () => {
    // Due 31 May 2027 (FY2027): the 60-day day would be 1 April minus one day.
    const ending = { ...seed000, startsOn: '2027-02-01', endsOn: '2027-05-31' };
    const fy2027 = (asOf: string): string[] =>
      keys(asOf, ending).filter((k) => k.includes('2027-05-31'));
    expect(fy2027('2027-03-31')).toEqual([]);
    expect(fy2027('2027-04-01')).toEqual(['audit_due:c1:2027-05-31:60']);
  });
});

describe('audit overdue reminders', () => {
  it.each([
    ['2027-03-31', null],
    ['2027-04-01', 'audit_overdue:c1:2027-03-31:0'],
    ['2027-04-07', 'audit_overdue:c1:2027-03-31:0'],
    ['2027-04-08', 'audit_overdue:c1:2027-03-31:1'],
    ['2027-04-15', 'audit_overdue:c1:2027-03-31:2'],
  ])('as of %s: %s', (asOf, expected) => {
    const overdue = auditReminders(seed000, asOf, settings).filter(
      (r) => r.kind === 'audit_overdue',
    );
    expect(overdue.map((r) => r.key)).toEqual(expected ? [expected] : []);
  });

  it('goes to the ward officers and to every auditor', () => {
    const [overdue] = auditReminders(seed000, '2027-04-01', settings);
    expect(overdue?.audience).toMatchObject({ wardOfficersOf: ['ward'], auditorsOf: ['ward'] });
  });

  it('stops when the audit is recorded late', () => {
    expect(
      auditReminders({ ...seed000, auditedYears: new Set([2026]) }, '2027-04-20', settings),
    ).toEqual([]);
  });
});

describe('receipt reminders', () => {
  const handover = {
    id: 'h1',
    contractId: 'c1',
    fromUserId: 'u-ward',
    fromOrganizationId: 'ward',
    toUserId: 'u-con',
    toOrganizationId: 'con',
    dispatchedAt: '2027-01-10T01:00:00.000Z',
    itemLabels: ['DVD-R 1'],
  };

  it('fires 48 hours after dispatch, not a minute before, to both sides', () => {
    expect(receiptReminder(handover, new Date('2027-01-12T00:59:00.000Z'), settings)).toBeNull();
    const reminder = receiptReminder(handover, new Date('2027-01-12T01:00:00.000Z'), settings);
    expect(reminder?.key).toBe('handover_not_received:h1');
    expect(reminder?.audience.users).toEqual(['u-ward', 'u-con']);
    expect(reminder?.audience.organizations).toEqual(['ward', 'con']);
  });
});

describe('password notice reminders', () => {
  const item = (over: Partial<ItemFacts>): ItemFacts => ({
    id: 'x',
    label: 'x',
    state: 'held',
    holderOrganizationId: 'ward',
    holderUserId: 'u-ward',
    lastReceipt: null,
    ...over,
  });
  const received = {
    handoverId: 'h1',
    toUserId: 'u-con',
    toOrganizationId: 'con',
    receivedAt: '2027-01-10T01:00:00.000Z',
  };
  const medium = item({
    id: 'm1',
    label: 'DVD-R 1',
    holderOrganizationId: 'con',
    holderUserId: 'u-con',
    lastReceipt: received,
  });
  const notice = item({ id: 'n1', label: 'パスワード通知' });

  it('fires 7 days after the medium arrived while the notice is still elsewhere', () => {
    const pair = { contractId: 'c1', medium, notice };
    expect(splitPairReminders(pair, new Date('2027-01-17T00:59:00.000Z'), settings)).toEqual([]);
    const [reminder] = splitPairReminders(pair, new Date('2027-01-17T01:00:00.000Z'), settings);
    expect(reminder?.key).toBe('password_notice_outstanding:m1:h1');
    expect(reminder?.audience.users).toEqual(['u-con', 'u-ward']);
  });

  it('fires the reverse when the notice arrived and the medium did not', () => {
    const pair = {
      contractId: 'c1',
      medium: item({ id: 'm1', label: 'DVD-R 1' }),
      notice: item({ ...medium, id: 'n1', label: 'パスワード通知' }),
    };
    const reminders = splitPairReminders(pair, new Date('2027-01-20T00:00:00.000Z'), settings);
    expect(reminders.map((r) => r.key)).toEqual(['medium_outstanding:n1:h1']);
  });

  it('is silent once both are with the same organization, or when one is gone', () => {
    const together = { ...notice, holderOrganizationId: 'con' };
    expect(
      splitPairReminders(
        { contractId: 'c1', medium, notice: together },
        new Date('2027-02-01'),
        settings,
      ),
    ).toEqual([]);
    expect(
      splitPairReminders(
        { contractId: 'c1', medium, notice: { ...notice, state: 'destroyed' } },
        new Date('2027-02-01'),
        settings,
      ),
    ).toEqual([]);
  });

  it('counts a notice still in transit to the organization as not delivered', () => {
    const travelling = { ...notice, state: 'in_transit' };
    expect(
      splitPairReminders(
        { contractId: 'c1', medium, notice: travelling },
        new Date('2027-02-01'),
        settings,
      ),
    ).toHaveLength(1);
  });
});

describe('return reminders', () => {
  const facts = {
    contractId: 'c1',
    title: 't',
    wardOrganizationId: 'ward',
    endsOn: '2027-03-31',
    items: [
      {
        id: 'm1',
        label: 'DVD-R 1',
        state: 'held',
        holderOrganizationId: 'con',
        holderUserId: 'u-con',
        lastReceipt: null,
      },
    ],
  };

  it('fires 14 days after the end, not the day before, to both sides', () => {
    expect(returnReminder(facts, '2027-04-13', settings)).toBeNull();
    const reminder = returnReminder(facts, '2027-04-14', settings);
    expect(reminder?.key).toBe('media_not_returned:c1:2027-03-31');
    expect(reminder?.audience).toMatchObject({
      wardOfficersOf: ['ward'],
      users: ['u-con'],
      organizations: ['con'],
    });
  });

  it('ignores media back with the ward or erased', () => {
    const back = {
      ...facts,
      items: [{ ...facts.items[0]!, holderOrganizationId: 'ward', state: 'returned' }],
    };
    expect(returnReminder(back, '2027-05-01', settings)).toBeNull();
    const erased = { ...facts, items: [{ ...facts.items[0]!, state: 'erased' }] };
    expect(returnReminder(erased, '2027-05-01', settings)).toBeNull();
  });
});
