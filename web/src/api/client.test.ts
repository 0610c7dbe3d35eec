import { describe, expect, it } from 'vitest';
import { csrfToken } from './client';

describe('the CSRF token of the session', () => {
  it('is read from its cookie, over TLS only the __Host- one', () => {
    expect(csrfToken('a=1; kanribo_csrf=abc-DEF_123; b=2', false)).toBe('abc-DEF_123');
    expect(csrfToken('kanribo_csrf=planted; __Host-kanribo_csrf=xyz', true)).toBe('xyz');
    expect(csrfToken('kanribo_csrf=planted', true)).toBeUndefined();
    expect(csrfToken('kanribo_session=secret', false)).toBeUndefined();
    expect(csrfToken('', false)).toBeUndefined();
  });
});
