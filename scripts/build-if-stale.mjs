// Builds the service and the web app only when a source is newer than what
// was built from it, so that `npm start`, `npm run seed:demo` and `npm run
// kanribo -- …` start in seconds on a current build instead of rebuilding
// everything (about a minute here). A plain .mjs: it must run before anything
// is compiled. `npm test` and CI keep the full build. With `--check` it builds
// nothing: it says which build is current or stale and exits 1 when one is
// stale (the tests use it, so that a source saved during a run cannot start a
// build under another test file's feet).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** The newest modification time under the given files and folders (0 when none exist). */
function newest(paths) {
  let latest = 0;
  const visit = (path) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path)) {
        if (name !== 'node_modules' && name !== 'dist') visit(join(path, name));
      }
    } else {
      latest = Math.max(latest, stat.mtimeMs);
    }
  };
  for (const path of paths) visit(join(root, path));
  return latest;
}

/** When the output was made (0 when it is missing). */
function builtAt(output) {
  const path = join(root, output);
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

const parts = [
  {
    name: 'service',
    script: ['run', 'build:service'],
    inputs: [
      'src',
      'migrations',
      'scripts',
      'tsconfig.json',
      'tsconfig.build.json',
      'package-lock.json',
    ],
    output: 'dist/src/main.js',
  },
  {
    name: 'web app',
    script: ['run', 'build', '-w', 'web'],
    inputs: [
      'web/src',
      'web/public',
      'web/index.html',
      'web/vite.config.ts',
      'web/tsconfig.json',
      'web/package.json',
      'package-lock.json',
    ],
    output: 'web/dist/index.html',
  },
];

const checkOnly = process.argv.includes('--check');
let stale = false;
for (const part of parts) {
  const made = builtAt(part.output);
  if (made > 0 && newest(part.inputs) <= made) {
    process.stderr.write(`kanribo: the ${part.name} build is current\n`);
    continue;
  }
  if (checkOnly) {
    process.stderr.write(`kanribo: the ${part.name} build is stale\n`);
    stale = true;
    continue;
  }
  process.stderr.write(`kanribo: building the ${part.name}\n`);
  const result = spawnSync('npm', part.script, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
if (stale) process.exit(1);
