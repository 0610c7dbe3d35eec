import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LoginResult } from './auth.service.js';
import { parseAuthorizationHeader } from './bearer-token.js';
import {
  type BrowserSessionResponse,
  type LoginResponse,
  type SessionCarrier,
} from './dto/auth.dto.js';
import { UserResponse } from './dto/user.dto.js';

/**
 * Sessions in the browser: the same opaque server-side token as a bearer
 * client gets, kept in an HttpOnly, SameSite=Strict cookie that scripts cannot
 * read, with a CSRF token beside it (signed double submit, OWASP): a readable
 * cookie whose value the page echoes in `X-CSRF-Token` on every state-changing
 * request. The CSRF token is an HMAC of the session token, so it is worthless
 * without the session and needs no storage; a page of another site can
 * neither read it nor send the header.
 */

export const CSRF_HEADER = 'x-csrf-token';

/** Cookie names: `__Host-` over TLS binds them to this origin, path `/`, Secure. */
export function cookieNames(secure: boolean): { session: string; csrf: string } {
  const prefix = secure ? '__Host-' : '';
  return { session: `${prefix}kanribo_session`, csrf: `${prefix}kanribo_csrf` };
}

/** The CSRF token that goes with a session token. */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('kanribo csrf v1').digest('base64url');
}

/** Whether `given` is the CSRF token of `sessionToken`, compared in constant time. */
export function csrfTokenMatches(sessionToken: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Methods that change nothing and so need no CSRF token (RFC 9110 §9.2.1). */
export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

export interface PresentedToken {
  token: string;
  via: 'bearer' | 'cookie';
}

/**
 * The token a request presents: the `Authorization: Bearer` header first (API
 * clients; a header no other site can make a browser send), else the session
 * cookie of the request's scheme only: over TLS the `__Host-` one, which no
 * sibling subdomain or plain-http page can have planted.
 */
export function presentedToken(request: FastifyRequest): PresentedToken | null {
  const bearer = parseAuthorizationHeader(request.headers.authorization);
  if (bearer) return { token: bearer, via: 'bearer' };
  const value = request.cookies?.[cookieNames(isSecureRequest(request)).session];
  return value && /^[A-Za-z0-9_-]{20,200}$/.test(value) ? { token: value, via: 'cookie' } : null;
}

/** Served over TLS, directly or (with TRUST_PROXY) behind a proxy that says so. */
export function isSecureRequest(request: FastifyRequest): boolean {
  return request.protocol === 'https';
}

/**
 * Max-Age, not Expires: a lifetime counted from when the browser gets the
 * cookie, so a PC whose clock is off neither drops the session at once nor
 * keeps it longer than the server does (the server ends it anyway).
 */
function cookieOptions(secure: boolean, httpOnly: boolean, maxAge: number): CookieSerializeOptions {
  return { path: '/', sameSite: 'strict', secure, httpOnly, maxAge };
}

/** Sets the session and CSRF cookies; answers the CSRF token for the page to keep. */
export function setSessionCookies(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  lifetimeSeconds: number,
): string {
  const secure = isSecureRequest(request);
  const names = cookieNames(secure);
  const csrf = csrfTokenFor(token);
  const maxAge = Math.max(1, Math.floor(lifetimeSeconds));
  void reply.setCookie(names.session, token, cookieOptions(secure, true, maxAge));
  void reply.setCookie(names.csrf, csrf, cookieOptions(secure, false, maxAge));
  return csrf;
}

/** Removes both cookies (logout): Max-Age 0, same attributes. */
export function clearSessionCookies(request: FastifyRequest, reply: FastifyReply): void {
  const secure = isSecureRequest(request);
  const names = cookieNames(secure);
  void reply.setCookie(names.session, '', cookieOptions(secure, true, 0));
  void reply.setCookie(names.csrf, '', cookieOptions(secure, false, 0));
}

/** What a login (or its second factor) answers, in the carrier the client chose. */
export function answerSession(
  request: FastifyRequest,
  reply: FastifyReply,
  session: LoginResult,
  carrier: SessionCarrier | undefined,
  now: Date,
): LoginResponse | BrowserSessionResponse {
  const user = UserResponse.from(session.user);
  const expiresAt = session.expiresAt.toISOString();
  if (carrier === 'cookie') {
    const lifetime = (session.expiresAt.getTime() - now.getTime()) / 1000;
    const csrfToken = setSessionCookies(request, reply, session.token, lifetime);
    return { session: 'cookie', csrfToken, expiresAt, user };
  }
  return { token: session.token, expiresAt, user };
}
