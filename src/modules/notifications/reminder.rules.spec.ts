import { addDays } from '../../common/time/business-date.js';
import {
  auditReminders,
  type ContractFacts,
  incidentNotice,
  type ItemFacts,
  receiptReminder,
  type ReminderSettings,
  returnReminder,
  splitPairReminders,
  takeoutPendingReminder,
  trainingLapseReminder,
  type RosteredTrainingFacts,
  findingReminder,
  type OpenFindingFacts,
  statusReportReminder,
  type UnansweredStatusReportFacts,
} from './reminder.rules.js';

const settings: ReminderSettings = {
  receiptHours: 48,
  passwordNoticeDays: 7,
  returnDays: 14,
  overdueRepeatDays: 7,
  dayCount: 'calendar',
  timeZone: 'Asia/Tokyo',
};
const business: ReminderSettings = { ...settings, dayCount: 'business' };

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

  it.each([
    ['calendar', settings],
    ['business', business],
  ])(
    'decides by lead days given in any order, repeated, as by the sorted ones (%s days)',
    (_, counted) => {
      const shuffled: ContractFacts = { ...seed000, reminderLeadDays: [7, 60, 30, 60, 7] };
      const sorted: ContractFacts = { ...seed000, reminderLeadDays: [7, 30, 60] };
      const leads: number[] = [];
      for (let day = '2027-01-01'; day <= '2027-04-30'; day = addDays(day, 1)) {
        const expected = auditReminders(sorted, day, counted);
        expect(auditReminders(shuffled, day, counted)).toEqual(expected);
        leads.push(...expected.map((r) => r.leadDays ?? 0));
      }
      // The sweep reached every lead and the overdue ones, so the comparison compared something.
      expect(new Set(leads)).toEqual(new Set([60, 30, 7, 0]));
      expect(shuffled.reminderLeadDays).toEqual([7, 60, 30, 60, 7]);
    },
  );

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

describe('texts', () => {
  it('writes the audit due date in Japanese with its era, and in ISO in English', () => {
    const [due] = auditReminders(seed000, '2027-03-24', settings);
    expect(due?.title).toBe('立入調査の期限まで7日 / On-site audit due in 7 days');
    expect(due?.message).toBe(
      '「住民記録データ入力業務」の2026年度の立入調査は2027年3月31日（令和9年）までに実施してください。The on-site audit of fiscal year 2026 is due by 2027-03-31.',
    );
    // data stays ISO and unchanged in the calendar count.
    expect(due?.data).toEqual({ fiscalYear: 2026, dueOn: '2027-03-31', daysLeft: 7, leadDays: 7 });
    const [overdue] = auditReminders(seed000, '2027-04-01', settings);
    expect(overdue?.message).toContain('期限（2027年3月31日（令和9年））を過ぎても');
    expect(overdue?.message).toContain('was due on 2027-03-31');
  });

  it('writes the dispatch time in Tokyo, not in UTC', () => {
    const reminder = receiptReminder(
      {
        id: 'h1',
        contractId: 'c1',
        fromUserId: 'u-ward',
        fromOrganizationId: 'ward',
        toUserId: 'u-con',
        toOrganizationId: 'con',
        dispatchedAt: '2027-01-10T15:30:00.000Z', // 11 January 00:30 in Tokyo
        itemLabels: ['DVD-R 1', 'DVD-R 2'],
      },
      new Date('2027-01-13T00:00:00.000Z'),
      settings,
    );
    expect(reminder?.message).toBe(
      '2027年1月11日 00:30に引き渡した DVD-R 1、DVD-R 2 の受領が記録されていません。The handover dispatched at 2027-01-11 00:30 (Asia/Tokyo) has not been received.',
    );
    expect(reminder?.data).toEqual({
      dispatchedAt: '2027-01-10T15:30:00.000Z',
      items: ['DVD-R 1', 'DVD-R 2'],
    });
  });

  it('writes the end of the contract with its era', () => {
    const reminder = returnReminder(
      {
        contractId: 'c1',
        title: '住民記録データ入力業務',
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
      },
      '2027-04-14',
      settings,
    );
    expect(reminder?.message).toContain('2027年3月31日（令和9年）に終了しました');
    expect(reminder?.message).toContain('The contract ended on 2027-03-31;');
  });

  it('writes when an incident happened, in Tokyo, and keeps the data ISO', () => {
    const notice = incidentNotice(
      {
        id: 'i1',
        contractId: 'c1',
        wardOrganizationId: 'ward',
        kind: 'seal_broken',
        description: 'Seal S-1 of bag B-1 arrived broken',
        occurredAt: '2026-12-03T09:00:00.000Z',
        mediumIds: ['m1'],
      },
      'Asia/Tokyo',
    );
    expect(notice.key).toBe('incident:i1');
    expect(notice.message).toBe(
      '2026年12月3日 18:00に発生した事故の報告です。Incident at 2026-12-03 18:00 (Asia/Tokyo): Seal S-1 of bag B-1 arrived broken',
    );
    expect(notice.data).toEqual({
      incidentKind: 'seal_broken',
      occurredAt: '2026-12-03T09:00:00.000Z',
      mediumIds: ['m1'],
    });
  });
});

describe('counted in business days', () => {
  /** FY2028: due Saturday 31 March 2029, so reminded as due Friday 30 March. */
  const fy2028: ContractFacts = {
    ...seed000,
    id: 'c2',
    startsOn: '2028-04-01',
    endsOn: '2029-03-31',
  };
  const businessKeys = (asOf: string, contract = fy2028): string[] =>
    auditReminders(contract, asOf, business).map((r) => r.key);

  it.each([
    ['2028-12-25', []],
    ['2028-12-26', ['audit_due:c2:2029-03-31:60']],
    ['2029-02-13', ['audit_due:c2:2029-03-31:60']],
    ['2029-02-14', ['audit_due:c2:2029-03-31:30']],
    ['2029-03-20', ['audit_due:c2:2029-03-31:30']], // 春分の日: still 8 business days
    ['2029-03-21', ['audit_due:c2:2029-03-31:7']], // 7 business days before 30 March
    ['2029-03-30', ['audit_due:c2:2029-03-31:7']],
    ['2029-03-31', []], // Saturday, the due date itself: closed
    ['2029-04-01', []],
    ['2029-04-02', ['audit_overdue:c2:2029-03-31:0']], // the first business day after
    ['2029-04-10', ['audit_overdue:c2:2029-03-31:0']],
    ['2029-04-11', ['audit_overdue:c2:2029-03-31:1']], // 8 business days overdue
  ])('as of %s raises %j', (asOf, expected) => {
    expect(businessKeys(asOf)).toEqual(expected);
  });

  it('reaches each lead on a business day, keyed by the due date as in the calendar count', () => {
    const firstDay = new Map<string, string>();
    for (let d = '2028-12-01'; d <= '2029-05-07'; d = addDays(d, 1)) {
      for (const key of businessKeys(d)) if (!firstDay.has(key)) firstDay.set(key, d);
    }
    expect(Object.fromEntries(firstDay)).toEqual({
      'audit_due:c2:2029-03-31:60': '2028-12-26',
      'audit_due:c2:2029-03-31:30': '2029-02-14',
      'audit_due:c2:2029-03-31:7': '2029-03-21',
      'audit_overdue:c2:2029-03-31:0': '2029-04-02',
      'audit_overdue:c2:2029-03-31:1': '2029-04-11',
      'audit_overdue:c2:2029-03-31:2': '2029-04-20',
      'audit_overdue:c2:2029-03-31:3': '2029-05-02', // Golden Week: 30 April is a holiday
    });
    // The calendar count raises the same 7-day key, later (24 March, a Saturday).
    expect(auditReminders(fy2028, '2029-03-24', settings).map((r) => r.key)).toEqual([
      'audit_due:c2:2029-03-31:7',
    ]);
  });

  it('tells the business due date, the due date and why they differ', () => {
    const [due] = auditReminders(fy2028, '2029-03-21', business);
    expect(due).toMatchObject({
      kind: 'audit_due',
      dueOn: '2029-03-31',
      leadDays: 7,
      data: {
        fiscalYear: 2028,
        dueOn: '2029-03-31',
        businessDueOn: '2029-03-30',
        daysLeft: 7,
        leadDays: 7,
        dayCount: 'business',
      },
    });
    expect(due?.title).toBe('立入調査の期限まで7営業日 / On-site audit due in 7 business days');
    expect(due?.message).toBe(
      '「住民記録データ入力業務」の2028年度の立入調査は、期限の2029年3月31日（令和11年）が閉庁日のため、その前の開庁日である2029年3月30日（令和11年）までに実施してください。The on-site audit of fiscal year 2028 is due by 2029-03-30, the last business day before its due date 2029-03-31 (a closed day).',
    );
    const [overdue] = auditReminders(fy2028, '2029-04-02', business);
    expect(overdue?.title).toBe(
      '立入調査が期限を1営業日超過 / On-site audit 1 business day overdue',
    );
    expect(overdue?.data).toMatchObject({ daysOverdue: 1, businessDueOn: '2029-03-30' });
  });

  it('keeps a due date that is a business day (31 March 2027, a Wednesday)', () => {
    const [due] = auditReminders(seed000, '2027-03-19', business);
    expect(due?.key).toBe('audit_due:c1:2027-03-31:7');
    expect(due?.data).toMatchObject({ businessDueOn: '2027-03-31', daysLeft: 7 });
    expect(due?.message).toContain('2027年3月31日（令和9年）までに');
    expect(due?.message).not.toContain('閉庁日');
    expect(auditReminders(seed000, '2027-03-18', business).map((r) => r.leadDays)).toEqual([30]);
    expect(auditReminders(seed000, '2027-04-01', business).map((r) => r.key)).toEqual([
      'audit_overdue:c1:2027-03-31:0',
    ]);
  });

  it('keeps receipt reminders in hours', () => {
    const handover = {
      id: 'h1',
      contractId: 'c1',
      fromUserId: 'u-ward',
      fromOrganizationId: 'ward',
      toUserId: 'u-con',
      toOrganizationId: 'con',
      dispatchedAt: '2029-03-30T01:00:00.000Z', // Friday 10:00
      itemLabels: ['DVD-R 1'],
    };
    expect(receiptReminder(handover, new Date('2029-04-01T00:59:00.000Z'), business)).toBeNull();
    expect(receiptReminder(handover, new Date('2029-04-01T01:00:00.000Z'), business)?.key).toBe(
      'handover_not_received:h1',
    );
  });

  it('reminds a missing password notice 7 business days after the receipt, at its time of day', () => {
    const pair = {
      contractId: 'c1',
      // Received Sunday 10 January 2027 10:00 in Tokyo; 11 January is 成人の日.
      medium: {
        id: 'm1',
        label: 'DVD-R 1',
        state: 'held',
        holderOrganizationId: 'con',
        holderUserId: 'u-con',
        lastReceipt: {
          handoverId: 'h1',
          toUserId: 'u-con',
          toOrganizationId: 'con',
          receivedAt: '2027-01-10T01:00:00.000Z',
        },
      },
      notice: {
        id: 'n1',
        label: 'パスワード通知',
        state: 'held',
        holderOrganizationId: 'ward',
        holderUserId: 'u-ward',
        lastReceipt: null,
      },
    };
    // The 7th business day after is Wednesday 20 January.
    expect(splitPairReminders(pair, new Date('2027-01-20T00:59:00.000Z'), business)).toEqual([]);
    const [reminder] = splitPairReminders(pair, new Date('2027-01-20T01:00:00.000Z'), business);
    expect(reminder?.key).toBe('password_notice_outstanding:m1:h1');
    expect(reminder?.message).toBe(
      '暗号化媒体「DVD-R 1」の受領（2027年1月10日 10:00）から7営業日を過ぎても、パスワード通知「パスワード通知」が届いていません。The password notice has not arrived 7 business days after its encrypted medium.',
    );
    // The calendar count: 7 days, the 17th.
    expect(splitPairReminders(pair, new Date('2027-01-17T01:00:00.000Z'), settings)).toHaveLength(
      1,
    );
  });

  it('reminds media not returned 14 business days after the end', () => {
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
    expect(returnReminder(facts, '2027-04-19', business)).toBeNull();
    const reminder = returnReminder(facts, '2027-04-20', business);
    expect(reminder).toMatchObject({
      key: 'media_not_returned:c1:2027-03-31',
      dueOn: '2027-04-20',
    });
    expect(reminder?.title).toContain('契約終了後14営業日');
  });
});

describe('takeoutPendingReminder', () => {
  const settings = {
    receiptHours: 48,
    passwordNoticeDays: 7,
    returnDays: 14,
    overdueRepeatDays: 7,
    dayCount: 'calendar' as const,
    timeZone: 'Asia/Tokyo',
  };
  // Friday 25 December 2026, 17:30 in Tokyo: the next business days are 28
  // December, then (after the 12/29–1/3 closure) 4 January.
  const request = {
    id: 'r1',
    contractId: 'c1',
    contractTitle: '契約',
    applicantName: '区民 花子',
    requestedAt: '2026-12-25T08:30:00.000Z',
    approverIds: ['chief'],
  };

  it('waits more than one business day, in business days whatever the day count', () => {
    expect(takeoutPendingReminder(request, '2026-12-28', settings)).toBeNull();
    expect(takeoutPendingReminder(request, '2026-12-31', settings)).toBeNull();
    expect(takeoutPendingReminder(request, '2027-01-04', settings)).toMatchObject({
      key: 'takeout_pending:r1',
      kind: 'takeout_pending',
      subjectId: 'r1',
      dueOn: '2026-12-28',
      audience: { users: ['chief'] },
    });
  });

  it('says when and by whom, in Japanese time', () => {
    const r = takeoutPendingReminder(request, '2027-01-05', settings);
    expect(r?.message).toContain('2026年12月25日 17:30、申請者 区民 花子');
  });

  it('tells nobody when the ward has no approver', () => {
    expect(
      takeoutPendingReminder({ ...request, approverIds: [] }, '2027-01-05', settings),
    ).toBeNull();
  });
});

describe('incident notices with the emergency plan’s contacts', () => {
  const incident = {
    id: 'i2',
    contractId: 'c1',
    wardOrganizationId: 'ward',
    kind: 'lost',
    description: 'DVD-1 lost on the way',
    occurredAt: '2026-12-03T09:00:00.000Z',
    mediumIds: ['m1'],
  };
  const ward = [
    { name: '山田 太郎', role: '課長', phone: '03-1111-2222', hours: '平日 8:30–17:15' },
  ];
  const contractor = [
    { name: '鈴木 花子', role: '取扱責任者', phone: '090-3333-4444', hours: '24時間' },
  ];

  it('names both sides’ contacts in the text and the data', () => {
    const notice = incidentNotice({ ...incident, contacts: { ward, contractor } }, 'Asia/Tokyo');
    expect(notice.message).toContain(
      '緊急連絡先 / Emergency contacts: 区 / ward: 山田 太郎（課長）03-1111-2222 平日 8:30–17:15; 受託者 / contractor: 鈴木 花子（取扱責任者）090-3333-4444 24時間',
    );
    expect(notice.data.emergencyContacts).toEqual({ ward, contractor });
  });

  it('says nothing of contacts when the plan has none, and marks a missing side', () => {
    const none = incidentNotice(
      { ...incident, contacts: { ward: [], contractor: [] } },
      'Asia/Tokyo',
    );
    expect(none.message).not.toContain('緊急連絡先');
    expect(none.data).not.toHaveProperty('emergencyContacts');
    const half = incidentNotice({ ...incident, contacts: { ward, contractor: [] } }, 'Asia/Tokyo');
    expect(half.message).toContain('受託者 / contractor: -');
  });
});

describe('training lapse reminders', () => {
  const facts: RosteredTrainingFacts = {
    contractId: 'c1',
    contractTitle: '住民税課税資料のデータ入力業務委託',
    userId: 'h1',
    displayName: '佐藤 一郎',
    organizationId: 'x',
    trainedOn: '2026-04-01',
    trainingValidMonths: 12,
    responsibleUserIds: ['r1', 'r2'],
  };

  it('is due 30 days before the lapse, not the day before that, and not from the lapse on', () => {
    expect(trainingLapseReminder(facts, '2027-03-01')).toBeNull();
    const reminder = trainingLapseReminder(facts, '2027-03-02');
    expect(reminder).toMatchObject({
      key: 'training_lapsing:c1:h1:2027-04-01',
      kind: 'training_lapsing',
      subjectId: 'h1',
      dueOn: '2027-04-01',
      leadDays: 30,
      data: { userId: 'h1', trainedOn: '2026-04-01', lapsesOn: '2027-04-01', daysLeft: 30 },
    });
    expect(reminder!.audience.users).toEqual(['r1', 'r2']);
    expect(reminder!.audience.organizations).toEqual(['x']);
    expect(trainingLapseReminder(facts, '2027-03-31')!.key).toBe(reminder!.key);
    expect(trainingLapseReminder(facts, '2027-04-01')).toBeNull();
  });

  it('goes to the handler when no responsible person is on the roster, and not without a training', () => {
    const alone = trainingLapseReminder({ ...facts, responsibleUserIds: [] }, '2027-03-10');
    expect(alone!.audience.users).toEqual(['h1']);
    expect(trainingLapseReminder({ ...facts, trainedOn: null }, '2027-03-10')).toBeNull();
  });

  it('follows the contract’s validity', () => {
    expect(trainingLapseReminder({ ...facts, trainingValidMonths: 6 }, '2026-09-01')!.dueOn).toBe(
      '2026-10-01',
    );
  });
});

describe('audit finding reminders', () => {
  const open: OpenFindingFacts = {
    id: 'f1',
    contractId: 'c1',
    contractTitle: '住民記録データ入力業務',
    itemLabel: '運用上の対策 10',
    correctiveAction: 'キャビネットを施錠させる',
    dueOn: '2027-02-15',
    state: 'open',
    stateOn: '2027-01-14',
    stateSeq: 12,
    ownerOrganizationId: 'x',
    ownerUserIds: ['ux1', 'ux2'],
    auditorOrganizationId: 'ward',
    auditorIsWard: true,
    auditorUserIds: [],
  };
  const keyOn = (asOf: string, facts = open) => findingReminder(facts, asOf, settings)?.key ?? null;

  it.each([
    ['2027-02-07', null],
    ['2027-02-08', 'audit_finding_open:f1:12:0'],
    ['2027-02-14', 'audit_finding_open:f1:12:0'],
    ['2027-02-15', 'audit_finding_open:f1:12:1'],
    ['2027-02-21', 'audit_finding_open:f1:12:1'],
    ['2027-02-22', 'audit_finding_open:f1:12:2'],
  ])('an open finding due 15 February, scanned %s → %s', (asOf, key) => {
    expect(keyOn(asOf)).toBe(key);
  });

  it('tells the owner’s rostered staff while open, overdue only after the due date', () => {
    const due = findingReminder(open, '2027-02-15', settings)!;
    expect(due.audience).toMatchObject({ users: ['ux1', 'ux2'], organizations: ['x'] });
    expect(due.title).not.toContain('超過');
    expect(findingReminder(open, '2027-02-16', settings)!.title).toContain('超過');
  });

  it('tells the auditing side of a reported fix after 7 days of waiting, afresh after a reopen', () => {
    const fixed: OpenFindingFacts = {
      ...open,
      state: 'reported_fixed',
      stateOn: '2027-02-01',
      stateSeq: 14,
    };
    expect(keyOn('2027-02-07', fixed)).toBeNull();
    expect(keyOn('2027-02-08', fixed)).toBe('audit_finding_unverified:f1:14:1');
    expect(findingReminder(fixed, '2027-02-08', settings)!.audience).toMatchObject({
      wardOfficersOf: ['ward'],
      users: [],
    });
    const byContractor = {
      ...fixed,
      auditorIsWard: false,
      auditorOrganizationId: 'x',
      auditorUserIds: ['ux1'],
    };
    expect(findingReminder(byContractor, '2027-02-15', settings)!.audience).toMatchObject({
      wardOfficersOf: [],
      users: ['ux1'],
    });
    expect(keyOn('2027-02-08', { ...open, stateSeq: 15 })).toBe('audit_finding_open:f1:15:0');
  });
});

describe('unanswered status report reminder', () => {
  // Requested Wednesday 25 November 2026, 10:00 in Tokyo.
  const report: UnansweredStatusReportFacts = {
    id: 's1',
    contractId: 'c1',
    contractTitle: '住民記録データ入力業務',
    wardOrganizationId: 'ward',
    contractorOrganizationId: 'x',
    responsibleUserIds: ['ux2'],
    requestedAt: '2026-11-25T01:00:00.000Z',
  };

  it.each([
    ['2026-12-02', null], // the 5th business day: still due
    ['2026-12-03', 'status_report_unanswered:s1'],
    ['2026-12-07', 'status_report_unanswered:s1'],
  ])('scanned %s → %s', (asOf, key) => {
    expect(statusReportReminder(report, asOf, settings)?.key ?? null).toBe(key);
  });

  it('counts business days whatever REMINDER_DAY_COUNT says, past weekends and holidays', () => {
    // Requested Friday 25 December 2026: the year-end closure (29 Dec – 3 Jan) does not count.
    const december = { ...report, requestedAt: '2026-12-25T01:00:00.000Z' };
    // Monday 28 December, then 4–7 January: due Thursday 7 January.
    expect(statusReportReminder(december, '2027-01-07', business)).toBeNull();
    const due = statusReportReminder(december, '2027-01-08', settings)!;
    expect(due).toMatchObject({
      dueOn: '2027-01-07',
      audience: { wardOfficersOf: ['ward'], users: ['ux2'], organizations: ['x'] },
    });
  });
});
