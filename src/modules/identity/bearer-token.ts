import { createHash, randomBytes } from 'node:crypto';

/** A new opaque bearer token: 32 random bytes, base64url. */
export function generateBearerToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of a token: its SHA-256, lowercase hex. */
export function hashBearerToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

// The scheme name is case-insensitive (RFC 7235 §2.1).
const BEARER = /^Bearer ([A-Za-z0-9_-]{20,200})$/i;

/** The token of an `Authorization: Bearer …` header, or null. */
export function parseAuthorizationHeader(header: string | undefined): string | null {
  if (!header) return null;
  const match = BEARER.exec(header.trim());
  return match?.[1] ?? null;
}
