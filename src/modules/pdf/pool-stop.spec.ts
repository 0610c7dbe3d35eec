import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { stopPool } from './pdf.renderer.js';

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
