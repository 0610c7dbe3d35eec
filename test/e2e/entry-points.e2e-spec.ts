import { type ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app-config.js';
import { buildDataSourceOptions } from '../../src/database/data-source-options.js';
import { built, childEnv, runNode, startNode } from '../support/run-node.js';
import { freePort } from '../support/server-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The child's health, polled until `ready` accepts its body, the child
 * exits, or 40 s pass (a built server boots in seconds, slower with another
 * test file beside it): the last answer's status and body, undefined when
 * none came.
 */
async function healthUntil(
  child: ChildProcess,
  port: number,
  ready: (body: any) => boolean,
): Promise<{ status?: number; body?: any }> {
  const deadline = Date.now() + 40_000;
  let last: { status?: number; body?: any } = {};
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    const health = await fetch(`http://127.0.0.1:${port}/api/health`, {
      signal: AbortSignal.timeout(5000),
    }).catch(() => undefined);
    last = { status: health?.status, body: health?.ok ? await health.json() : undefined };
    if (last.body !== undefined && ready(last.body)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

describe('the server entry point', () => {
  it.each([
    ['PORT', { PORT: 'abc' }, /PORT must be an integer/],
    [
      'DATABASE_URL',
      { DATABASE_URL: 'mysql://root@localhost/x' },
      /DATABASE_URL must be a postgres/,
    ],
    [
      'BUSINESS_TIMEZONE',
      { BUSINESS_TIMEZONE: 'Mars/Olympus' },
      /BUSINESS_TIMEZONE must be an IANA/,
    ],
    ['TOKEN_TTL_MINUTES', { TOKEN_TTL_MINUTES: '0' }, /TOKEN_TTL_MINUTES must be/],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    ['BOOTSTRAP_ADMIN_PASSWORD', { BOOTSTRAP_ADMIN_LOGIN: 'admin' }, /must be set together/],
  ])('stops with one clear line on a bad %s', async (_name, env, pattern) => {
    const result = await runNode(
      built('src/main.js'),
      childEnv({ DATA_DIR: '/nonexistent/never', ...env }),
    );
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^kanribo: invalid configuration: /);
    expect(lines[0]).toMatch(pattern);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('never echoes a secret it refuses', async () => {
    const result = await runNode(
      built('src/main.js'),
      childEnv({ BOOTSTRAP_ADMIN_LOGIN: 'admin', BOOTSTRAP_ADMIN_PASSWORD: 'tooshort' }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/BOOTSTRAP_ADMIN_PASSWORD must be at least 12/);
    expect(result.stderr).not.toContain('tooshort');
  });

  describe('with a good configuration', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(() => db.drop());

    it('migrates, starts and reports healthy', async () => {
      const port = await freePort();
      const child = startNode(
        built('src/main.js'),
        childEnv({ ...db.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }),
      );
      try {
        // Up once the database answers; ok once the queue's first check saw Redis.
        const { status, body } = await healthUntil(child, port, (b) => b.status === 'ok');
        expect(status).toBe(200);
        expect(body).toMatchObject({
          status: 'ok',
          database: { status: 'up' },
          queue: { status: 'up', kind: 'redis', workers: 'in-process' },
        });
      } finally {
        child.kill('SIGTERM');
        await child.closed;
      }
      expect(child.output()).not.toMatch(/error/i);
    }, 90_000);

    it('starts without Redis, reports the queue down, and stops promptly', async () => {
      const port = await freePort();
      const nowhere = await freePort(); // nothing listens there
      const child = startNode(
        built('src/main.js'),
        childEnv({
          ...db.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
          REDIS_URL: `redis://127.0.0.1:${nowhere}`,
        }),
      );
      try {
        const { body } = await healthUntil(child, port, (b) => b.queue?.status === 'down');
        expect(body).toMatchObject({
          status: 'degraded',
          database: { status: 'up' },
          queue: { status: 'down', kind: 'redis' },
        });
      } finally {
        const started = Date.now();
        child.kill('SIGTERM');
        await child.closed;
        expect(Date.now() - started).toBeLessThan(10_000);
      }
      expect(child.output()).toMatch(/queue down/);
    }, 90_000);

    it('migration:run then finds nothing left to apply', async () => {
      const result = await runNode(built('src/database/migrate.js'), childEnv(db.env));
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/schema is up to date/);
    });
  });
});

describe('npm run migration:run on an empty database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('applies the migrations and says which', async () => {
    const result = await runNode(built('src/database/migrate.js'), childEnv(db.env));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/applied Foundation\d+/);
  });
});

describe('npm run seed:demo', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('creates the demo cast, prints working one-time passwords and TOTP secrets, and changes nothing when run again', async () => {
    const first = await runNode(
      built('src/cli/seed-demo.js'),
      childEnv({ ...db.env, LOG_LEVEL: 'warn', PORT: '4123', HOST: '0.0.0.0' }),
    );
    expect(first.code).toBe(0);
    // Where to go next, and where the data went: the real URL and database.
    expect(first.stdout).toContain('http://localhost:4123/');
    expect(first.stdout).toContain('curl -s -X POST http://localhost:4123/api/auth/login');
    if (db.kind === 'sqlite') {
      expect(first.stdout).toContain(
        `the SQLite file ${join(resolve(db.env.DATA_DIR), 'kanribo.sqlite')}`,
      );
    } else {
      const url = new URL(db.env.DATABASE_URL!);
      expect(first.stdout).toContain(
        `the PostgreSQL database ${url.pathname.slice(1)} on ${url.host}`,
      );
      if (url.password) expect(first.stdout).not.toContain(url.password);
    }
    const logins = [
      ...first.stdout.matchAll(/^(demo\.\w+)\s+(\w+)\s+(\S{12,})\s+([A-Z2-7]{32})$/gm),
    ].map((m) => ({
      loginId: m[1],
      role: m[2],
      password: m[3]!,
      totpSecret: m[4]!,
    }));
    expect(logins.map((l) => l.role).sort()).toEqual(
      [
        'admin',
        'auditor',
        'contractor_staff',
        'contractor_staff',
        'contractor_staff',
        'ward_officer',
        'ward_officer',
      ].sort(),
    );
    // The section head (demo.chief) approved the officer's take-out request for the walk-through.
    expect(first.stdout).toMatch(/^Take-out request [0-9a-f-]{36}: approved by demo\.chief/m);

    const second = await runNode(
      built('src/cli/seed-demo.js'),
      childEnv({ ...db.env, LOG_LEVEL: 'warn' }),
    );
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/already/);

    // The printed passwords and second factors log in against a server on the
    // same database, which requires a second factor of every role (the default).
    const port = await freePort();
    const child = startNode(
      built('src/main.js'),
      childEnv({ ...db.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' }),
    );
    try {
      expect((await healthUntil(child, port, () => true)).status).toBe(200);
      const officer = logins.find((l) => l.loginId === 'demo.officer')!;
      const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ loginId: officer.loginId, password: officer.password }),
      });
      expect(login.status).toBe(200);
      const challenge = (await login.json()) as { mfaRequired: boolean; mfaToken: string };
      expect(challenge.mfaRequired).toBe(true);
      // `npm run totp -- <secret>` prints the code an authenticator app would show.
      const totp = await runNode(built('src/cli/totp.js'), childEnv({}), 30_000, [
        officer.totpSecret,
      ]);
      expect(totp.code).toBe(0);
      expect(totp.stdout).toMatch(/^\d{6}\n$/);
      const verified = await fetch(`http://127.0.0.1:${port}/api/auth/mfa/verify`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${challenge.mfaToken}`,
        },
        body: JSON.stringify({ code: totp.stdout.trim() }),
      });
      expect(verified.status).toBe(200);
      const body = (await verified.json()) as {
        token: string;
        user: { mustChangePassword: boolean };
      };
      expect(body.user.mustChangePassword).toBe(true);
      const changed = await fetch(`http://127.0.0.1:${port}/api/auth/password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${body.token}` },
        body: JSON.stringify({
          currentPassword: officer.password,
          newPassword: 'Kinmokusei-lantern-harbor-47',
        }),
      });
      expect(changed.status).toBe(200);
      const contracts = await fetch(`http://127.0.0.1:${port}/api/contracts`, {
        headers: { authorization: `Bearer ${body.token}` },
      });
      const list = (await contracts.json()) as {
        items: Array<{ subcontractorOrganizationIds: string[] }>;
      };
      expect(list.items).toHaveLength(1);
      expect(list.items[0]!.subcontractorOrganizationIds).toHaveLength(1);
    } finally {
      child.kill('SIGTERM');
      await child.closed;
    }
  }, 150_000);
});

describe('the kanribo command line', () => {
  const kanribo = (env: NodeJS.ProcessEnv, ...args: string[]) =>
    runNode(built('src/cli/kanribo.js'), env, 60_000, args);

  it('lists its commands, and refuses an unknown one with exit code 2', async () => {
    const help = await kanribo(childEnv({}), 'help');
    expect(help.code).toBe(0);
    for (const command of ['serve', 'worker', 'migrate', 'seed:demo', 'ledger:rebuild', 'verify']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    const unknown = await kanribo(childEnv({}), 'frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^kanribo: unknown command "frobnicate"/);
    expect(unknown.stdout).toBe('');
  });

  it('passes a command its own arguments (totp <secret>)', async () => {
    const code = await kanribo(childEnv({}), 'totp', 'JBSWY3DPEHPK3PXP');
    expect(code.code).toBe(0);
    expect(code.stdout).toMatch(/^\d{6}\n$/);
    const missing = await kanribo(childEnv({}), 'totp');
    expect(missing.code).toBe(2);
  });

  describe('on a database', () => {
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(() => db.drop());

    it('migrates and seeds, then verify passes every chain, and fails (exit 1) naming the entry once one is altered', async () => {
      const env = childEnv({ ...db.env, LOG_LEVEL: 'warn' });
      const migrated = await kanribo(env, 'migrate');
      expect(migrated.code).toBe(0);
      expect(migrated.stdout).toMatch(/applied Foundation\d+/);
      expect((await kanribo(env, 'seed:demo')).code).toBe(0);

      const good = await kanribo(env, 'verify');
      expect(good.code).toBe(0);
      expect(good.stdout).toMatch(
        /^ok {6}ledger [0-9a-f-]{36} .+\(demo\): \d+ entries, head [0-9a-f]{64}$/m,
      );
      // The seed goes past HTTP: it leaves no access-log entries.
      expect(good.stdout).toMatch(/^ok {6}access log: no entries kept, head 0{64}$/m);
      expect(good.stdout).toMatch(/^kanribo: 1 ledger\(s\) and the access log verify$/m);

      const dataSource = new DataSource(buildDataSourceOptions(loadConfig(env)));
      await dataSource.initialize();
      try {
        await dataSource.query(
          `UPDATE ledger_entries SET hash = '${'f'.repeat(64)}' WHERE seq = 3`,
        );
      } finally {
        await dataSource.destroy();
      }
      const bad = await kanribo(env, 'verify');
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/^BROKEN {2}ledger [0-9a-f-]{36} .+: entry 3: /m);
      expect(bad.stdout).toMatch(/^kanribo: 1 chain\(s\) do not verify$/m);
    });
  });
});

describe('npm scripts on a current build', () => {
  /** build-if-stale.mjs as `npm start` runs it, from the given checkout. */
  const buildIfStale = (root: string, args: string[]) =>
    new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, [join(root, 'scripts/build-if-stale.mjs'), ...args], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => done({ code, stderr }));
    });

  // With --check: the other test files run side by side, so a real build here could
  // rewrite dist/ under them if a source were saved during the run.
  it('build nothing when no source is newer than the build (npm test has just built both)', async () => {
    const result = await buildIfStale(process.cwd(), ['--check']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      'kanribo: the service build is current\nkanribo: the web app build is current\n',
    );
  });

  it('say which build a newer source made stale, and with --check build nothing', async () => {
    // A checkout of its own: the script, a service source saved after its build, a current web app.
    const root = mkdtempSync(join(tmpdir(), 'kanribo-stale-'));
    try {
      const file = (path: string, at: number) => {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), 'x');
        utimesSync(join(root, path), at, at);
      };
      mkdirSync(join(root, 'scripts'));
      copyFileSync('scripts/build-if-stale.mjs', join(root, 'scripts/build-if-stale.mjs'));
      utimesSync(join(root, 'scripts/build-if-stale.mjs'), 1_000, 1_000);
      file('dist/src/main.js', 2_000);
      file('src/main.ts', 3_000);
      file('web/src/main.tsx', 1_000);
      file('web/dist/index.html', 2_000);
      const result = await buildIfStale(root, ['--check']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'kanribo: the service build is stale\nkanribo: the web app build is current\n',
      );
      // Nothing was built: the service's output is as it was.
      expect(statSync(join(root, 'dist/src/main.js')).mtimeMs).toBe(2_000_000);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
