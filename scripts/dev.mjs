// `npm run start:dev`: the service on the current sources, rebuilt and
// restarted on every change. TypeScript recompiles the service in watch mode,
// Vite rebuilds the web app into web/dist (which the service serves), and
// Node's own --watch restarts the server when a compiled file it loaded
// changes. Ctrl-C stops all three.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const first = spawnSync(process.execPath, ['scripts/build-if-stale.mjs'], {
  cwd: root,
  stdio: 'inherit',
});
if (first.status !== 0) process.exit(first.status ?? 1);

// Node itself runs each tool (no npm or npx in between), so that stopping
// this script stops them.
const node = process.execPath;
const children = [
  [
    node,
    [
      'node_modules/typescript/bin/tsc',
      '-p',
      'tsconfig.build.json',
      '--watch',
      '--preserveWatchOutput',
    ],
  ],
  [node, ['../node_modules/vite/bin/vite.js', 'build', '--watch', '--emptyOutDir', 'false'], 'web'],
  [node, ['--watch', 'dist/src/main.js']],
].map(([command, args, cwd]) =>
  spawn(command, args, {
    cwd: join(root, cwd ?? ''),
    stdio: 'inherit',
  }),
);

let stopping = false;
const stop = (code) => {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  process.exitCode = code;
};
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
process.on('SIGHUP', () => stop(0));
for (const child of children) {
  child.on('exit', (code) => stop(code ?? 1));
}
