import {
  activityStampDue,
  idleCutoff,
  idleExpiresAt,
  lastActivity,
  sessionLive,
  type SessionTimes,
} from './session-idle.rule.js';

const at = (iso: string): Date => new Date(`2026-11-25T${iso}Z`);

const session = (lastUsed: string | null): SessionTimes => ({
  createdAt: at('01:00:00.000'),
  expiresAt: at('09:00:00.000'),
  lastUsedAt: lastUsed === null ? null : at(lastUsed),
});

describe('session idle rule', () => {
  it('counts the creation as the last activity of a token never stamped', () => {
    expect(lastActivity(session(null))).toEqual(at('01:00:00.000'));
    expect(lastActivity(session('02:00:00.000'))).toEqual(at('02:00:00.000'));
  });

  it('ends a session exactly SESSION_IDLE_MINUTES after its last activity', () => {
    const s = session('02:00:00.000');
    expect(idleExpiresAt(s, 30)).toEqual(at('02:30:00.000'));
    expect(sessionLive(s, at('02:29:59.999'), 30)).toBe(true);
    expect(sessionLive(s, at('02:30:00.000'), 30)).toBe(false);
  });

  it('ends a session at its absolute expiry however recent its activity', () => {
    const s = { ...session('08:59:00.000') };
    expect(sessionLive(s, at('08:59:59.999'), 30)).toBe(true);
    expect(sessionLive(s, at('09:00:00.000'), 30)).toBe(false);
  });

  it('has a cutoff that agrees with sessionLive', () => {
    const now = at('03:00:00.000');
    const cutoff = idleCutoff(now, 30);
    expect(cutoff).toEqual(at('02:30:00.000'));
    expect(sessionLive(session('02:30:00.000'), now, 30)).toBe(false);
    expect(sessionLive(session('02:30:00.001'), now, 30)).toBe(true);
  });

  it('moves the stamp at most once a minute', () => {
    const s = session('02:00:00.000');
    expect(activityStampDue(s, at('02:00:59.999'))).toBe(false);
    expect(activityStampDue(s, at('02:01:00.000'))).toBe(true);
    expect(activityStampDue(session(null), at('01:00:30.000'))).toBe(false);
    expect(activityStampDue(session(null), at('01:01:00.000'))).toBe(true);
  });
});
