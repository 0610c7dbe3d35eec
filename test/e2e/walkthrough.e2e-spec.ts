import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { built, childEnv, runNode, startNode } from '../support/run-node.js';
import { freePort } from '../support/server-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// The README's walk-through script (docs/walkthrough.sh), run as a new user
// would: against the demo data of seed:demo and the built service, with the
// passwords and TOTP secrets seed:demo printed.

function walkthrough(env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('bash', ['docs/walkthrough.sh'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('docs/walkthrough.sh', () => {
  it('says it cannot reach the service, without a stack trace, when nothing answers at API', async () => {
    const api = `http://127.0.0.1:${await freePort()}/api`;
    const result = await walkthrough({ API: api, DATA_DIR: '/nonexistent/never' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `walkthrough: cannot reach ${api} (is the service running? set API to its address)`,
    );
  });

  describe('against the demo data', () => {
    let db: TestDatabase;
    let server: ReturnType<typeof startNode>;
    let api: string;
    let logins: Map<string, { password: string; totpSecret: string }>;

    beforeAll(async () => {
      db = await createTestDatabase();
      const port = await freePort();
      const env = childEnv({ ...db.env, LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1' });
      const seeded = await runNode(built('src/cli/seed-demo.js'), env, 60_000);
      expect(seeded.code).toBe(0);
      logins = new Map(
        [...seeded.stdout.matchAll(/^(demo\.\w+)\s+\w+\s+(\S{12,})\s+([A-Z2-7]{32})$/gm)].map(
          (m) => [m[1]!, { password: m[2]!, totpSecret: m[3]! }],
        ),
      );
      server = startNode(built('src/main.js'), env);
      api = `http://127.0.0.1:${port}/api`;
      // Up once its readiness probe passes (it migrates first).
      let ready = false;
      for (let i = 0; i < 600 && !ready; i++) {
        ready = (await fetch(`${api}/health/ready`).catch(() => undefined))?.ok === true;
        if (!ready) await new Promise((r) => setTimeout(r, 100));
      }
      if (!ready) throw new Error(`the service did not start:\n${server.output()}`);
    }, 120_000);
    afterAll(async () => {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('close', r));
      await db.drop();
    });

    it('logs in with the printed one-time passwords and second factor, hands over the DVD-R, shows the refusal, and writes the 管理簿 to a temporary folder', async () => {
      // What seed:demo wrote for it: the address and the logins, the owner's alone.
      const file = join(db.env.DATA_DIR, 'demo-logins.env');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const written = readFileSync(file, 'utf8');
      expect(written).toContain(`API=${api}\n`);
      expect(written).toContain(`DEMO_OFFICER_PASSWORD=${logins.get('demo.officer')!.password}\n`);
      expect(written).toContain(`DEMO_HANDLER_TOTP=${logins.get('demo.handler')!.totpSecret}\n`);
      // As the README says: nothing to give but where the data is.
      const result = await walkthrough({ DATA_DIR: db.env.DATA_DIR });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^contract [0-9a-f-]{36}$/m);
      // The notice sent at once is refused, with the time it may go.
      expect(result.stdout).toContain('"code":"SPLIT_CHANNEL_VIOLATION"');
      expect(result.stdout).toContain('"earliestAt"');
      // Who holds what, by name: the handler's company holds the DVD-R, the ward the notice.
      expect(result.stdout).toMatch(
        /^住民-001 held 取扱 三郎（株式会社デモ情報処理 \(demo contractor\)）$/m,
      );
      expect(result.stdout).toMatch(/^PW-001 held 区民 花子（デモ区 区民部 \(demo ward\)）$/m);
      expect(result.stdout).toMatch(/"valid":true/);
      const csv = /^wrote (\S+\/kanribo\.csv) \(\d+ lines\)$/m.exec(result.stdout)?.[1];
      expect(csv).toBeDefined();
      expect(csv!.startsWith(process.cwd())).toBe(false);
      expect(existsSync(csv!)).toBe(true);
      expect(result.stdout).toMatch(/^wrote \S+\/kanribo\.xlsx$/m);
      // The new password it chose is kept for the next run.
      expect(readFileSync(file, 'utf8')).toMatch(/^DEMO_NEW_PASSWORD=\S{16}$/m);
    });
  });
});
