import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KNOWN_VARIABLES } from '../../src/config/app-config.js';

// Static checks of the container files; no Docker engine is needed. Jest runs
// from the repository root.
const root = process.cwd();
const composeText = readFileSync(join(root, 'docker', 'compose.yaml'), 'utf8');
const dockerfileText = readFileSync(join(root, 'docker', 'Dockerfile'), 'utf8');

interface ComposeService {
  environment?: unknown;
  [key: string]: unknown;
}

interface ComposeFile {
  services?: Record<string, ComposeService>;
}

const compose = parse(composeText) as ComposeFile;
const services: Record<string, ComposeService> = compose.services ?? {};

/** A service's environment, which must be written as a KEY: value mapping. */
function environmentOf(name: string): Record<string, unknown> {
  const environment = services[name]?.environment;
  if (environment === undefined || environment === null) return {};
  if (typeof environment !== 'object' || Array.isArray(environment)) {
    throw new Error(`environment of service "${name}" must be a mapping, not a list`);
  }
  return environment as Record<string, unknown>;
}

/** A value that is exactly one `${...}` interpolation of the host environment. */
const INTERPOLATION = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?:(?::?[-?+])[^}]*)?\}$/;

/** The Dockerfile's instructions (comments dropped, continuation lines joined). */
const instructions = dockerfileText
  .replace(/\\\r?\n/g, ' ')
  .split(/\r?\n/)
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

describe('docker/compose.yaml', () => {
  it('names the kanribo, postgres and redis services', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['kanribo', 'postgres', 'redis']));
  });

  it('writes every environment as a mapping', () => {
    for (const name of Object.keys(services)) {
      expect(() => environmentOf(name)).not.toThrow();
    }
  });

  it('sets only variables the configuration knows on kanribo', () => {
    const names = Object.keys(environmentOf('kanribo'));
    expect(names.length).toBeGreaterThan(0);
    const unknown = names.filter((name) => !KNOWN_VARIABLES.has(name));
    expect(unknown).toEqual([]);
  });

  it('points kanribo at PostgreSQL, with the password from the host environment', () => {
    const url = environmentOf('kanribo').DATABASE_URL;
    expect(typeof url).toBe('string');
    expect(url as string).toMatch(/^postgres:\/\//);
    // The credentials part of the URL is user:${POSTGRES_PASSWORD...}.
    expect(url as string).toMatch(
      /^postgres:\/\/[^:@/]+:\$\{POSTGRES_PASSWORD(?::?[-?+][^}]*)?\}@/,
    );
  });

  it('passes the optional e-mail settings through from the host environment', () => {
    const environment = environmentOf('kanribo');
    for (const name of ['SMTP_URL', 'MAIL_FROM', 'PUBLIC_URL']) {
      expect(environment[name]).toBe(`\${${name}:-}`);
    }
  });

  it('keeps kanribo’s DATA_DIR (the checkpoint key) in a named volume that outlives the container', () => {
    expect(services.kanribo!.volumes).toContain('kanribo-data:/var/lib/kanribo');
    expect(Object.keys((compose as { volumes?: object }).volumes ?? {})).toContain('kanribo-data');
    expect(readFileSync(join(root, 'docker', 'Dockerfile'), 'utf8')).toMatch(
      /DATA_DIR=\/var\/lib\/kanribo/,
    );
  });

  it('holds no literal password in any service', () => {
    const offenders: string[] = [];
    for (const name of Object.keys(services)) {
      for (const [key, value] of Object.entries(environmentOf(name))) {
        if (!/PASSWORD/i.test(key)) continue;
        if (typeof value !== 'string' || !INTERPOLATION.test(value)) {
          offenders.push(`${name}.${key}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});

describe('docker/compose.yaml images and probes', () => {
  it('pins every image to an exact release (PostgreSQL 16.4, Redis 7.4.0), not a moving major tag', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.image === undefined) continue;
      expect({ name, image: service.image }).toEqual({
        name,
        image: expect.stringMatching(/^[a-z0-9./-]+:\d+\.\d+(\.\d+)?(-[a-z0-9.]+)?$/) as unknown,
      });
    }
  });

  it('checks kanribo by its readiness probe', () => {
    expect(JSON.stringify(services.kanribo?.healthcheck)).toContain('/api/health/ready');
  });
});

describe('docker/Dockerfile', () => {
  const fromIndexes = instructions
    .map((line, index) => (/^FROM\s/i.test(line) ? index : -1))
    .filter((index) => index >= 0);
  const lastFrom = fromIndexes[fromIndexes.length - 1] ?? -1;
  const runtime = instructions.slice(lastFrom + 1);

  it('is a multi-stage build', () => {
    expect(fromIndexes.length).toBeGreaterThanOrEqual(2);
  });

  it('builds and runs on Node 24, the current LTS', () => {
    const images = fromIndexes.map((index) => instructions[index]!.split(/\s+/)[1]);
    expect(images).toEqual(['node:24-bookworm', 'node:24-bookworm-slim']);
  });

  it('compiles better-sqlite3 against Node 24.18.1 headers (nodejs/node#65446)', () => {
    const build = instructions.slice(0, fromIndexes[1]);
    const headers = build.findIndex((line) => /^ENV\s+npm_config_nodedir=/.test(line));
    const install = build.findIndex((line) => /^RUN\s+npm ci\b/.test(line));
    expect(headers).toBeGreaterThan(-1);
    expect(headers).toBeLessThan(install);
    expect(build).toContainEqual('ARG ADDON_HEADERS=24.18.1');
  });

  it('runs the final stage as the node user', () => {
    expect(runtime).toContainEqual(expect.stringMatching(/^USER\s+node\s*$/i));
  });

  it('probes readiness', () => {
    const check = runtime.filter((line) => /^HEALTHCHECK\s/i.test(line)).pop();
    expect(check).toContain('/api/health/ready');
  });

  it('starts the compiled server', () => {
    const cmd = runtime.filter((line) => /^CMD\s/i.test(line)).pop();
    expect(cmd).toBeDefined();
    expect(cmd).toMatch(/dist\/src\/main\.js/);
  });
});
