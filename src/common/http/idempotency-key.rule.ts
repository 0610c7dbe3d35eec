import { hash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The request header (IETF httpapi draft "The Idempotency-Key HTTP Header Field"). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** The answer header that says a response is a replay of the first one (as Stripe and others name it). */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

/** Longest key accepted, in characters (printable ASCII, so bytes too). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** Methods whose requests may carry a key: every method a write endpoint uses. */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/**
 * The key a header value carries, or null when it is not one.
 *
 * The draft defines the field as a Structured Field String (RFC 8941), so a
 * conforming client sends `Idempotency-Key: "8e03978e-…"`; many clients
 * (and Stripe's convention) send the bare token. Both are accepted and name
 * the same key: a quoted value is unquoted (`\"` and `\\` unescaped), a bare
 * one taken as is. Either way the key is 1 to 255 printable ASCII
 * characters; anything else (empty, too long, control or non-ASCII
 * characters, a broken quoted string, the header sent twice) is refused.
 */
export function parseIdempotencyKey(value: string | string[] | undefined): string | null {
  if (typeof value !== 'string') return null;
  let key = value;
  if (value.startsWith('"')) {
    const unquoted = unquoteSfString(value);
    if (unquoted === null) return null;
    key = unquoted;
  }
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) return null;
  return PRINTABLE_ASCII.test(key) ? key : null;
}

/** RFC 8941 §4.2.5: the content of a quoted string, or null when it is not exactly one. */
function unquoteSfString(value: string): string | null {
  let out = '';
  for (let i = 1; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\') {
      const next = value[++i];
      if (next !== '"' && next !== '\\') return null;
      out += next;
    } else if (c === '"') {
      return i === value.length - 1 ? out : null;
    } else {
      out += c;
    }
  }
  return null;
}

/**
 * What makes two requests "the same request" for one key: lowercase hex
 * SHA-256 of the RFC 8785 canonical JSON of the method, the URL as sent
 * (path and query: the same key on another contract is another request)
 * and the parsed JSON body (`null` when there is none). Canonical JSON makes
 * the order of members and the spelling of numbers irrelevant: `{"a":1,
 * "b":2}` and `{ "b": 2.0, "a": 1 }` are one request.
 */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  const value = { method: method.toUpperCase(), url, body: body === undefined ? null : body };
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch {
    text = undefined;
  }
  // A body JSON.parse accepts but JCS cannot write (1e400 parses to
  // Infinity) still gets a stable fingerprint; validation refuses it anyway.
  return hash('sha256', text ?? JSON.stringify(value), 'hex');
}

/** How a stored record answers a request that carries its key. */
export type ReplayDecision =
  { kind: 'replay' } | { kind: 'reused' } | { kind: 'in_progress' } | { kind: 'answer_lost' };

export interface StoredKeyState {
  fingerprint: string;
  /** The answer is stored (the handler returned and its body was kept). */
  answered: boolean;
  /** When the key's write committed. */
  createdAt: Date;
}

/**
 * A record whose write committed but whose answer was never stored belongs
 * to a request that is still running (answer within this long) or to one
 * whose process stopped between its commit and its answer.
 */
export const ANSWER_GRACE_MS = 60_000;

/**
 * The draft's cases for a key already seen: another request under the same
 * key is refused (422); the same request replays the stored answer, or, if
 * the first is still running, is refused for now (409); and if the first
 * committed its write but its process stopped before the answer was stored,
 * the write is not repeated and the client is told so.
 */
export function decideReplay(
  stored: StoredKeyState,
  fingerprint: string,
  inFlightHere: boolean,
  now: Date,
): ReplayDecision {
  if (stored.fingerprint !== fingerprint) return { kind: 'reused' };
  if (stored.answered) return { kind: 'replay' };
  if (inFlightHere || now.getTime() - stored.createdAt.getTime() < ANSWER_GRACE_MS) {
    return { kind: 'in_progress' };
  }
  return { kind: 'answer_lost' };
}

interface OpenApiOperation {
  security?: unknown[];
  parameters?: unknown[];
  /** Set by `@SecretAnswer()`: the route takes no Idempotency-Key. */
  'x-secret-answer'?: boolean;
}

/**
 * Documents the optional `Idempotency-Key` header on every authenticated
 * write of an OpenAPI document (in place): POST, PUT, PATCH and DELETE
 * operations that require a bearer token (login and the other public routes
 * have no caller to scope a key to, and ignore it).
 */
export function documentIdempotencyKey(document: { paths: object }): void {
  for (const item of Object.values(document.paths) as Array<Record<string, unknown>>) {
    for (const method of ['post', 'put', 'patch', 'delete']) {
      const operation = item[method] as OpenApiOperation | undefined;
      if (!operation?.security?.length || operation['x-secret-answer'] === true) continue;
      operation.parameters = [
        ...(operation.parameters ?? []),
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Makes a retry safe (IETF httpapi draft): the same key with the same request within IDEMPOTENCY_TTL_HOURS replays the first answer (with `Idempotent-Replayed: true`) instead of writing again; with another request 422 IDEMPOTENCY_KEY_REUSED; while the first runs 409 IDEMPOTENCY_KEY_IN_PROGRESS. 1–255 printable ASCII characters, bare or as a quoted string; keys are per user.',
          schema: { type: 'string', minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH },
        },
      ];
    }
  }
}
