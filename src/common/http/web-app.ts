import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { WEB_SECTIONS } from './web-sections.js';

/**
 * The web app (web/, built by Vite into WEB_DIR) on the API's own origin: its
 * files at `/`, and index.html at `/` and under each section of the page's
 * router, so that a reload on /contracts/… keeps the screen. Anything else,
 * `/api/…` above all, keeps the API's answers: a catch-all `/*` would also
 * take the paths the router refuses itself (414 for an over-long segment).
 */

/**
 * The page's policy: its own scripts, styles and API, the QR code as a data:
 * image, and frames of its own origin (the deletion certificate's PDF beside
 * the officer's decision).
 */
const WEB_CSP = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'frame-src': ["'self'"],
  'manifest-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
} as const;

export function webHelmetOptions(): FastifyHelmetOptions {
  const directives: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(WEB_CSP)) directives[name] = [...values];
  return { contentSecurityPolicy: { useDefaults: false, directives } };
}

/** A route of the web app (anything outside /api). */
export function isWebRoute(url: string): boolean {
  return url !== '/api' && !url.startsWith('/api/');
}

/** Files whose names change with their content may be kept by the browser. */
export function isImmutableAsset(url: string): boolean {
  return url.startsWith('/assets/');
}

/** Serves the built web app when WEB_DIR holds one; answers whether it did. */
export async function serveWebApp(app: NestFastifyApplication, webDir: string): Promise<boolean> {
  if (webDir === 'off') return false;
  const root = resolve(webDir);
  const indexFile = resolve(root, 'index.html');
  if (!existsSync(indexFile)) return false;
  const index = readFileSync(indexFile);
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(fastifyStatic, {
    root,
    prefix: '/',
    wildcard: false,
    index: false,
    decorateReply: false,
    cacheControl: false,
  });
  const page = (_request: unknown, reply: { type(t: string): { send(b: Buffer): unknown } }) =>
    reply.type('text/html; charset=utf-8').send(index);
  fastify.get('/', page);
  for (const section of WEB_SECTIONS) {
    fastify.get(`/${section}`, page);
    fastify.get(`/${section}/*`, page);
  }
  return true;
}
