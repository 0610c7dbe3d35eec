import { cookieNames, csrfTokenFor, csrfTokenMatches, isSafeMethod } from './browser-session.js';

describe('browser session rules', () => {
  const token = 'a'.repeat(43);

  it('derives one CSRF token per session token, and only that one matches', () => {
    expect(csrfTokenFor(token)).toBe(csrfTokenFor(token));
    expect(csrfTokenFor(token)).not.toBe(csrfTokenFor('b'.repeat(43)));
    expect(csrfTokenFor(token)).not.toContain(token);
    expect(csrfTokenMatches(token, csrfTokenFor(token))).toBe(true);
    for (const given of [undefined, '', csrfTokenFor('b'.repeat(43)), ['x'], 42]) {
      expect(csrfTokenMatches(token, given)).toBe(false);
    }
  });

  it('needs no CSRF token for the safe methods only', () => {
    expect(['GET', 'HEAD', 'OPTIONS'].every(isSafeMethod)).toBe(true);
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].some(isSafeMethod)).toBe(false);
  });

  it('binds the cookies to the origin over TLS', () => {
    expect(cookieNames(true)).toEqual({
      session: '__Host-kanribo_session',
      csrf: '__Host-kanribo_csrf',
    });
    expect(cookieNames(false).session).toBe('kanribo_session');
  });
});
