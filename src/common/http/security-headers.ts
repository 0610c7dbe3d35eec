import type { FastifyHelmetOptions } from '@fastify/helmet';

/**
 * The security headers of every response, set by @fastify/helmet.
 *
 * The API answers JSON, CSV and PDF and is never meant to be rendered or framed
 * by a browser, so its Content-Security-Policy allows nothing at all. The
 * Swagger UI at /api/docs is the one HTML page: its scripts and styles come from
 * /api/docs itself (no inline script), but swagger-ui renders inline styles
 * (style attributes and a <style> block in its page), draws icons as data:
 * images and calls the API from "Try it out", so its policy allows exactly that.
 *
 * Strict-Transport-Security is sent only when the service itself speaks TLS:
 * behind a TLS-terminating proxy the proxy sends it (see the README).
 */

/**
 * Every API response carries data of a ward's residents or of who may see
 * them: no browser, proxy or CDN may keep a copy.
 */
export const NO_STORE_HEADERS = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/** `Strict-Transport-Security` when served over TLS: one year, subdomains included. */
export const HSTS_VALUE = 'max-age=31536000; includeSubDomains';

const API_CSP = {
  'default-src': ["'none'"],
  'frame-ancestors': ["'none'"],
} as const;

const DOCS_CSP = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
} as const;

/**
 * The deletion certificate's PDF is shown by the web app beside the ward
 * officer's decision, in a frame of the same origin: only that page may
 * frame it (frame-ancestors 'self', X-Frame-Options SAMEORIGIN); otherwise
 * it keeps the API's policy. Every other answer stays unframeable.
 */
const FRAMED_PDF_CSP = {
  'default-src': ["'none'"],
  'frame-ancestors': ["'self'"],
} as const;

type Directives = Record<string, readonly string[]>;

function csp(directives: Directives): FastifyHelmetOptions['contentSecurityPolicy'] {
  const copy: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(directives)) copy[name] = [...values];
  return { useDefaults: false, directives: copy };
}

/** helmet's own rendering of a policy: `name value value;name value`. */
function cspHeader(directives: Directives): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join(';');
}

/** Options of @fastify/helmet for the whole API. */
export function apiHelmetOptions(tls: boolean): FastifyHelmetOptions {
  return {
    global: true,
    contentSecurityPolicy: csp(API_CSP),
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: tls ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  };
}

/** The route-level override of the Swagger UI's routes: only the policy differs. */
export function docsHelmetOptions(): FastifyHelmetOptions {
  return { contentSecurityPolicy: csp(DOCS_CSP) };
}

/** The route-level override of the certificate PDF's route (see FRAMED_PDF_CSP). */
export function framedPdfHelmetOptions(): FastifyHelmetOptions {
  return { contentSecurityPolicy: csp(FRAMED_PDF_CSP), frameguard: { action: 'sameorigin' } };
}

/** The deletion certificate's PDF, which the web app frames (GET …/deletion-certificates/:certId.pdf). */
export function isFramedPdfRoute(url: string): boolean {
  return url === '/api/contracts/:id/deletion-certificates/:certId.pdf';
}

/** The Swagger UI's page, its init script and its static files (not /api/docs-yaml). */
export function isDocsRoute(url: string): boolean {
  return url === '/api/docs' || url.startsWith('/api/docs/');
}

/**
 * The headers helmet sets with {@link apiHelmetOptions}, for the few answers
 * given before any hook can run: Fastify's router refusing a URL (400, 414)
 * and Node refusing a request it cannot parse (400, 408, 431). A test compares
 * them with what helmet sends on an ordinary response.
 */
export function earlySecurityHeaders(tls: boolean): Record<string, string> {
  return {
    'content-security-policy': cspHeader(API_CSP),
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    ...(tls ? { 'strict-transport-security': HSTS_VALUE } : {}),
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'DENY',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
    ...NO_STORE_HEADERS,
  };
}
