import { describe, expect, it } from 'vitest';
import { csrfToken } from './client';

describe('the CSRF token of the session', () => {
  it('is read from its cookie, over TLS (__Host-) or not', () => {
    expect(csrfToken('a=1; kanribo_csrf=abc-DEF_123; b=2')).toBe('abc-DEF_123');
    expect(csrfToken('__Host-kanribo_csrf=xyz')).toBe('xyz');
    expect(csrfToken('kanribo_session=secret')).toBeUndefined();
    expect(csrfToken('')).toBeUndefined();
  });
});
