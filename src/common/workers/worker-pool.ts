import { existsSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Piscina } from 'piscina';
import { settlesWithin } from '../time/settles-within.js';

/**
 * Terminates a pool's worker threads and waits at most `ms` for them to
 * exit; whether they did. On Node 24 a thread's exit was seen never to come
 * (its termination hung with the thread's port still open, in CI's Node 24
 * pass: a test's close waited 60 s and failed): the stop goes on without it,
 * and the threads no longer hold the process open.
 */
export async function stopPool(
  pool: Pick<Piscina, 'threads' | 'destroy'>,
  ms: number,
): Promise<boolean> {
  for (const thread of pool.threads) thread.unref();
  return settlesWithin(pool.destroy(), ms);
}

/**
 * {@link stopPool} for a service's shutdown: nothing when it never started a
 * pool, a warning when the threads did not exit in time (`what` names them).
 */
export async function stopPoolOrWarn(
  pool: Pick<Piscina, 'threads' | 'destroy'> | undefined,
  ms: number,
  logger: { warn(message: string): void },
  what: string,
): Promise<void> {
  if (pool && !(await stopPool(pool, ms))) {
    logger.warn(
      `${what} did not exit within ${ms} ms of their termination: leaving them to the process's end`,
    );
  }
}

/**
 * The compiled worker script `entry` beside the module at `moduleUrl` (its
 * `import.meta.url`). A worker thread runs plain JavaScript: it cannot load a
 * .ts file. When the module itself is TypeScript (jest runs the app from its
 * sources through ts-jest), the worker is the built copy under dist/, which
 * `npm test` builds first (`npm run build && jest`); after editing a worker,
 * rebuild before running a single test file. The built app finds the worker
 * beside the module.
 */
export function compiledWorker(moduleUrl: string, entry: string): string {
  const self = fileURLToPath(moduleUrl);
  if (!self.endsWith('.ts')) return join(dirname(self), entry);
  // <root>/src/… → <root>/dist/src/….
  const root = self.slice(0, self.lastIndexOf(`${sep}src${sep}`));
  const built = join(root, 'dist', relative(root, dirname(self)), entry);
  if (!existsSync(built)) {
    throw new Error(
      `The worker of ${basename(self)} runs compiled JavaScript and ${built} does not exist: run \`npm run build\` first (\`npm test\` does).`,
    );
  }
  return built;
}
