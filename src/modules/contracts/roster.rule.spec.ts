import {
  ROSTER_ROLES,
  type RosterValidity,
  isRosterEntryValidAt,
  periodsOverlap,
} from './roster.rule.js';

/** An instant and its Asia/Tokyo business date, as the services pass them. */
const at = (iso: string): Date => new Date(iso);

describe('isRosterEntryValidAt', () => {
  const entry: RosterValidity = { validFrom: '2026-04-01', validTo: '2026-09-30', removedAt: null };

  it('is valid on the first day (inclusive)', () => {
    expect(isRosterEntryValidAt(entry, at('2026-03-31T15:00:00Z'), '2026-04-01')).toBe(true);
  });

  it('is valid on the last day (inclusive)', () => {
    expect(isRosterEntryValidAt(entry, at('2026-09-30T14:59:59.999Z'), '2026-09-30')).toBe(true);
  });

  it('is valid in between', () => {
    expect(isRosterEntryValidAt(entry, at('2026-06-15T03:00:00Z'), '2026-06-15')).toBe(true);
  });

  it('is not valid the day before it starts', () => {
    expect(isRosterEntryValidAt(entry, at('2026-03-31T14:59:59.999Z'), '2026-03-31')).toBe(false);
  });

  it('is not valid the day after it ends', () => {
    expect(isRosterEntryValidAt(entry, at('2026-09-30T15:00:00Z'), '2026-10-01')).toBe(false);
  });

  it('has no end when validTo is null', () => {
    const open: RosterValidity = { validFrom: '2026-04-01', validTo: null, removedAt: null };
    expect(isRosterEntryValidAt(open, at('2099-12-31T00:00:00Z'), '2099-12-31')).toBe(true);
    expect(isRosterEntryValidAt(open, at('2026-03-31T00:00:00Z'), '2026-03-31')).toBe(false);
  });

  it('compares dates as calendar dates across months and years', () => {
    const span: RosterValidity = {
      validFrom: '2025-12-31',
      validTo: '2026-01-09',
      removedAt: null,
    };
    expect(isRosterEntryValidAt(span, at('2026-01-05T00:00:00Z'), '2026-01-05')).toBe(true);
    expect(isRosterEntryValidAt(span, at('2026-01-10T00:00:00Z'), '2026-01-10')).toBe(false);
    expect(isRosterEntryValidAt(span, at('2025-12-30T00:00:00Z'), '2025-12-30')).toBe(false);
  });

  describe('withdrawal', () => {
    const removedAt = at('2026-06-15T03:00:00.000Z');
    const withdrawn: RosterValidity = { ...entry, removedAt };

    it('is invalid at exactly the instant of withdrawal', () => {
      expect(isRosterEntryValidAt(withdrawn, at('2026-06-15T03:00:00.000Z'), '2026-06-15')).toBe(
        false,
      );
    });

    it('is still valid one millisecond before withdrawal', () => {
      expect(isRosterEntryValidAt(withdrawn, at('2026-06-15T02:59:59.999Z'), '2026-06-15')).toBe(
        true,
      );
    });

    it('is invalid after withdrawal even within the validity dates', () => {
      expect(isRosterEntryValidAt(withdrawn, at('2026-07-01T00:00:00Z'), '2026-07-01')).toBe(false);
    });

    it('compares instants, not Date identities', () => {
      const sameInstant = new Date(removedAt.getTime());
      expect(isRosterEntryValidAt(withdrawn, sameInstant, '2026-06-15')).toBe(false);
    });

    it('is invalid before the start even if not withdrawn until later', () => {
      expect(isRosterEntryValidAt(withdrawn, at('2026-03-01T00:00:00Z'), '2026-03-01')).toBe(false);
    });
  });
});

describe('periodsOverlap', () => {
  const range = (validFrom: string, validTo: string | null) => ({ validFrom, validTo });

  it('overlaps when one range ends on the day the other starts (inclusive)', () => {
    expect(
      periodsOverlap(range('2026-04-01', '2026-06-30'), range('2026-06-30', '2026-09-30')),
    ).toBe(true);
    expect(
      periodsOverlap(range('2026-06-30', '2026-09-30'), range('2026-04-01', '2026-06-30')),
    ).toBe(true);
  });

  it('does not overlap when one range ends the day before the other starts', () => {
    expect(
      periodsOverlap(range('2026-04-01', '2026-06-29'), range('2026-06-30', '2026-09-30')),
    ).toBe(false);
    expect(
      periodsOverlap(range('2026-06-30', '2026-09-30'), range('2026-04-01', '2026-06-29')),
    ).toBe(false);
  });

  it('does not overlap for disjoint ranges', () => {
    expect(
      periodsOverlap(range('2026-01-01', '2026-01-31'), range('2026-03-01', '2026-03-31')),
    ).toBe(false);
  });

  it('overlaps when one contains the other', () => {
    expect(
      periodsOverlap(range('2026-01-01', '2026-12-31'), range('2026-05-01', '2026-05-01')),
    ).toBe(true);
    expect(
      periodsOverlap(range('2026-05-01', '2026-05-01'), range('2026-01-01', '2026-12-31')),
    ).toBe(true);
  });

  it('overlaps for identical single-day ranges', () => {
    expect(
      periodsOverlap(range('2026-05-01', '2026-05-01'), range('2026-05-01', '2026-05-01')),
    ).toBe(true);
  });

  it('treats an open end as reaching every later day', () => {
    expect(periodsOverlap(range('2026-01-01', null), range('2099-01-01', '2099-01-31'))).toBe(true);
    expect(periodsOverlap(range('2099-01-01', '2099-01-31'), range('2026-01-01', null))).toBe(true);
    expect(periodsOverlap(range('2026-01-01', null), range('2030-01-01', null))).toBe(true);
  });

  it('does not let an open end reach back before its start', () => {
    expect(periodsOverlap(range('2026-06-01', null), range('2026-01-01', '2026-05-31'))).toBe(
      false,
    );
    expect(periodsOverlap(range('2026-01-01', '2026-05-31'), range('2026-06-01', null))).toBe(
      false,
    );
    expect(periodsOverlap(range('2026-06-01', null), range('2026-01-01', '2026-06-01'))).toBe(true);
  });
});

describe('ROSTER_ROLES', () => {
  it('names the responsible person and the handlers', () => {
    expect(ROSTER_ROLES).toEqual(['responsible', 'handler']);
  });
});
