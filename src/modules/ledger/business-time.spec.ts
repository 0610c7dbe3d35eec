import { businessWallClock, formatBusinessTime } from './business-time.js';

const TZ = 'Asia/Tokyo';

describe('businessWallClock', () => {
  it('reads the Tokyo wall clock into the UTC fields of a Date', () => {
    const d = businessWallClock('2026-03-31T15:00:00.000Z', TZ);
    expect(d.toISOString()).toBe('2026-04-01T00:00:00.000Z');
  });

  it('keeps the seconds and drops the milliseconds', () => {
    expect(businessWallClock('2026-03-31T14:59:59.999Z', TZ).toISOString()).toBe(
      '2026-03-31T23:59:59.000Z',
    );
  });

  it('accepts an instant with an offset', () => {
    expect(businessWallClock('2026-04-01T09:05:30+09:00', TZ).toISOString()).toBe(
      '2026-04-01T09:05:30.000Z',
    );
  });

  it('crosses a year boundary', () => {
    expect(businessWallClock('2026-12-31T15:00:00Z', TZ).toISOString()).toBe(
      '2027-01-01T00:00:00.000Z',
    );
  });

  it('follows a zone with daylight saving time', () => {
    // New York: UTC-5 in January, UTC-4 in July.
    expect(businessWallClock('2026-01-15T12:00:00Z', 'America/New_York').toISOString()).toBe(
      '2026-01-15T07:00:00.000Z',
    );
    expect(businessWallClock('2026-07-15T12:00:00Z', 'America/New_York').toISOString()).toBe(
      '2026-07-15T08:00:00.000Z',
    );
  });

  it('agrees with formatBusinessTime to the minute', () => {
    for (const iso of ['2026-03-31T14:59:00Z', '2026-06-30T23:30:00Z', '2027-02-28T15:00:00Z']) {
      const wall = businessWallClock(iso, TZ).toISOString();
      expect(`${wall.slice(0, 10).replace(/-/g, '/')} ${wall.slice(11, 16)}`).toBe(
        formatBusinessTime(iso, TZ),
      );
    }
  });
});

describe('the offset cache agrees with Intl', () => {
  /** What Intl itself reads for an instant, to the second. */
  const formats = new Map<string, Intl.DateTimeFormat>();
  const reference = (ms: number, timeZone: string): string => {
    if (!formats.has(timeZone)) {
      formats.set(
        timeZone,
        new Intl.DateTimeFormat('en-US', {
          timeZone,
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          second: '2-digit',
          hourCycle: 'h23',
        }),
      );
    }
    const parts = formats.get(timeZone)!.formatToParts(new Date(ms));
    const get = (type: string) => parts.find((p) => p.type === type)!.value;
    return `${get('year')}/${get('month')}/${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
  };
  // Zones with whole-hour, half-hour and 45-minute offsets and daylight saving
  // shifts of an hour and of half an hour (Lord Howe); Tokyo's post-war DST.
  const zones = [
    'Asia/Tokyo',
    'America/New_York',
    'Europe/London',
    'Australia/Lord_Howe',
    'Asia/Kathmandu',
    'Pacific/Chatham',
    'America/St_Johns',
    'Europe/Amsterdam',
  ];

  it('around every transition of 2026 and 1948, every 3 hours of those years, and at random instants', () => {
    let seed = 20261205;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const wrong: string[] = [];
    let checked = 0;
    let transitions = 0;
    for (const zone of zones) {
      const instants: number[] = [];
      // Through 2026 and 1948 (Tokyo's daylight saving), every 3 hours; where
      // the offset changed in between, every 67 s of those 3 hours, so each
      // transition has instants on both sides of it within its hour.
      const offsetAt = (ms: number) =>
        Date.parse(`${reference(ms, zone).replace(/\//g, '-').replace(' ', 'T')}Z`) - ms;
      for (const year of [1948, 2026]) {
        const end = Date.UTC(year + 1, 0, 1);
        for (let ms = Date.UTC(year, 0, 1); ms < end; ms += 3 * 3_600_000) {
          instants.push(ms);
          if (offsetAt(ms) === offsetAt(ms + 3 * 3_600_000)) continue;
          transitions++;
          for (let at = ms; at < ms + 3 * 3_600_000; at += 67_000) instants.push(at);
        }
      }
      // Transitions off the hour, inside one: London’s from
      // local mean time (-0:01:15) on 1 December 1847, Amsterdam's from +0:19:32
      // on 1 July 1937. Every 7 s of the hour around them.
      for (const [where, around] of [
        ['Europe/London', Date.UTC(1847, 11, 1)],
        ['Europe/Amsterdam', Date.UTC(1937, 5, 30, 23, 30)],
      ] as const) {
        if (where !== zone) continue;
        for (let at = around - 1_800_000; at < around + 1_800_000; at += 7_000) instants.push(at);
      }
      for (let i = 0; i < 2000; i++) {
        instants.push(Math.floor(Date.UTC(1900, 0, 1) + random() * 200 * 365.25 * 86_400_000));
      }
      for (const ms of instants) {
        const iso = new Date(ms + Math.floor(random() * 1000)).toISOString();
        const expected = reference(Math.floor(Date.parse(iso) / 1000) * 1000, zone);
        const formatted = formatBusinessTime(iso, zone, true);
        const wall = businessWallClock(iso, zone).toISOString();
        const read = `${wall.slice(0, 10).replace(/-/g, '/')} ${wall.slice(11, 19)}`;
        if (formatted !== expected || read !== expected) {
          wrong.push(`${zone} ${iso}: ${formatted} / ${read}, Intl ${expected}`);
        }
        checked++;
      }
    }
    expect(wrong).toEqual([]);
    // New York, London, Lord Howe, Chatham, St John's twice in 2026; Tokyo in 1948.
    expect(transitions).toBeGreaterThanOrEqual(12);
    expect(checked).toBeGreaterThan(8 * 2 * 2920);
  });

  it('still refuses an instant that is not one', () => {
    expect(() => formatBusinessTime('not a date', 'Asia/Tokyo')).toThrow(RangeError);
  });
});
