import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { compiledWorker, stopPool } from './worker-pool.js';

describe('stopPool', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kanribo-pool-'));
    writeFileSync(join(dir, 'echo.cjs'), 'module.exports = (task) => task;\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('terminates every worker thread of a pool and says they exited', async () => {
    const pool = new Piscina<string, string>({
      filename: join(dir, 'echo.cjs'),
      minThreads: 2,
      maxThreads: 2,
    });
    await expect(pool.run('hello')).resolves.toBe('hello');
    const exited: number[] = [];
    for (const thread of pool.threads) thread.once('exit', (code: number) => exited.push(code));
    expect(pool.threads.length).toBe(2);
    await expect(stopPool(pool, 5_000)).resolves.toBe(true);
    expect(exited).toHaveLength(2);
    expect(pool.threads).toHaveLength(0);
  });

  it('gives up on threads that do not exit in time, and lets them no longer hold the process', async () => {
    let unrefs = 0;
    const thread = { unref: () => void unrefs++ } as unknown as Worker;
    const started = Date.now();
    const stopped = await stopPool({ threads: [thread], destroy: () => new Promise(() => {}) }, 80);
    expect(stopped).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    expect(unrefs).toBe(1);
  });
});

describe('compiledWorker', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'kanribo-worker-'));
    mkdirSync(join(root, 'dist', 'src', 'modules', 'x'), { recursive: true });
    writeFileSync(join(root, 'dist', 'src', 'modules', 'x', 'x.worker-entry.cjs'), '');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const url = (...path: string[]) => pathToFileURL(join(root, ...path)).href;

  it('finds the built worker beside a built module', () => {
    expect(
      compiledWorker(url('dist', 'src', 'modules', 'x', 'x.service.js'), 'x.worker-entry.cjs'),
    ).toBe(join(root, 'dist', 'src', 'modules', 'x', 'x.worker-entry.cjs'));
  });

  it('finds the built copy under dist/ for a module run from its TypeScript source', () => {
    expect(compiledWorker(url('src', 'modules', 'x', 'x.service.ts'), 'x.worker-entry.cjs')).toBe(
      join(root, 'dist', 'src', 'modules', 'x', 'x.worker-entry.cjs'),
    );
  });

  it('says to build first when the built copy is missing', () => {
    expect(() =>
      compiledWorker(url('src', 'modules', 'y', 'y.service.ts'), 'y.worker-entry.cjs'),
    ).toThrow(
      /dist\/src\/modules\/y\/y\.worker-entry\.cjs does not exist: run `npm run build` first/,
    );
  });
});
