import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TEST_REDIS_URL, uniquePrefix } from './redis.js';

export const DIST = join(process.cwd(), 'dist');

/** The built entry point; the README's test command builds before testing. */
export function built(relative: string): string {
  const file = join(DIST, relative);
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: run "npm run build" first (npm test does it)`);
  }
  return file;
}

/**
 * Environment for a child process: PATH and HOME only, the test Redis under a
 * key prefix of its own with the daily schedule off, plus what the test gives.
 */
export function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: uniquePrefix(),
    REMINDER_SCAN_TIME: 'off',
  };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a built script (with `args`) to its end (at most `timeoutMs`). */
export function runNode(
  script: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
  args: string[] = [],
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts a long-running built script; the caller stops it. */
export function startNode(
  script: string,
  env: NodeJS.ProcessEnv,
): ChildProcess & { output: () => string; closed: Promise<void> } {
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  // Settles once it has ended, whether before or after the test awaits it.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return Object.assign(child, { output: () => output, closed });
}
