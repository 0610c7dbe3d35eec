import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { built, childEnv, runNode } from '../support/run-node.js';

/** Lines logged before the last one: more than a pipe holds (64 kB), so it waits behind them. */
const BURST = 2000;

/**
 * The last lines of a process reach standard output however it ends: by
 * process.exit (a failed start, a CLI's error) or by its own signal again,
 * as Nest's shutdown hooks end the server and the worker once closed, which
 * skips the 'exit' event on which pino would flush an asynchronous buffer.
 */
describe('the log when the process ends at once', () => {
  let dir: string;
  let script: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kanribo-log-exit-'));
    script = join(dir, 'log-then-end.mjs');
    writeFileSync(
      script,
      `import { createLogger } from ${JSON.stringify(pathToFileURL(built('src/common/logging/logger.js')).href)};
const [format, ending] = process.argv.slice(2);
const logger = createLogger({ level: 'info', format, isTty: false });
for (let i = 0; i < ${BURST}; i++) logger.info({ i, filler: 'x'.repeat(200) }, 'burst');
logger.info('the last line');
if (ending === 'exit') process.exit(1);
else process.kill(process.pid, 'SIGTERM');
`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['json', 'exit'],
    ['json', 'signal'],
    ['pretty', 'exit'],
    ['pretty', 'signal'],
  ])('writes every line in %s, the last included, when it ends by %s', async (format, ending) => {
    const result = await runNode(script, childEnv({}), 30_000, [format, ending]);
    expect(result.code).toBe(ending === 'exit' ? 1 : null);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.filter((line) => line.includes('burst'))).toHaveLength(BURST);
    expect(lines.at(-1)).toContain('the last line');
    if (format === 'json')
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({ msg: 'the last line' });
  });
});
