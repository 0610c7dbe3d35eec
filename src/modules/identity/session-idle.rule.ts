/**
 * When a session (a bearer token) ends. Two limits apply: the absolute one
 * set at login (TOKEN_TTL_MINUTES) and the idle one (SESSION_IDLE_MINUTES
 * without a request; seed 003: log out when leaving the desk).
 *
 * The last request is not written on every request: a token's last-used
 * stamp is moved only when it is at least {@link ACTIVITY_STAMP_INTERVAL_MS}
 * old. The stamp is therefore up to a minute behind the real last request,
 * and a session ends between SESSION_IDLE_MINUTES - 1 and
 * SESSION_IDLE_MINUTES after its last request: never later, at most a minute
 * earlier.
 */

/** A session's last-used stamp is moved at most this often. */
export const ACTIVITY_STAMP_INTERVAL_MS = 60_000;

export interface SessionTimes {
  createdAt: Date;
  expiresAt: Date;
  /** Null for tokens issued before activity was kept: their creation counts. */
  lastUsedAt: Date | null;
}

/** The last request the session is known to have served (to within a minute). */
export function lastActivity(session: SessionTimes): Date {
  return session.lastUsedAt ?? session.createdAt;
}

/** When the session ends if it serves no further request. */
export function idleExpiresAt(session: SessionTimes, idleMinutes: number): Date {
  return new Date(lastActivity(session).getTime() + idleMinutes * 60_000);
}

/** Whether the session may still serve a request at `now`. */
export function sessionLive(session: SessionTimes, now: Date, idleMinutes: number): boolean {
  const at = now.getTime();
  return at < session.expiresAt.getTime() && at < idleExpiresAt(session, idleMinutes).getTime();
}

/**
 * The earliest last activity a live session can have at `now`: sessions
 * whose stamp is not after it have been idle too long.
 */
export function idleCutoff(now: Date, idleMinutes: number): Date {
  return new Date(now.getTime() - idleMinutes * 60_000);
}

/** Whether a request served at `now` should move the session's last-used stamp. */
export function activityStampDue(session: SessionTimes, now: Date): boolean {
  return now.getTime() - lastActivity(session).getTime() >= ACTIVITY_STAMP_INTERVAL_MS;
}
