#!/usr/bin/env node
/**
 * `kanribo <command>`: one command line for what an operator runs, from the
 * built files (`npm run kanribo -- <command>` builds first only when a source
 * is newer than the build). Each command is the module that also runs alone;
 * importing it starts it, with the command's own arguments in `process.argv`.
 */
const COMMANDS: Record<string, { module: string; summary: string }> = {
  serve: { module: '../main.js', summary: 'start the service (API and web app), migrating first' },
  worker: {
    module: '../worker.js',
    summary: 'run the reminder scan and deliveries in a process of their own',
  },
  migrate: { module: '../database/migrate.js', summary: 'apply pending migrations and say which' },
  'seed:demo': {
    module: './seed-demo.js',
    summary: 'create the demo ward, contractor, users and contract',
  },
  'ledger:rebuild': {
    module: './ledger-rebuild.js',
    summary: 'empty the projections and replay every ledger into them',
  },
  verify: {
    module: './verify-chains.js',
    summary: 'recompute every ledger chain and the access log chain; exit 1 if one is broken',
  },
  'verify:evidence': {
    module: './verify-evidence.js',
    summary:
      '<file>: check an evidence package offline (no database, no service); exit 1 if a check fails',
  },
  totp: { module: './totp.js', summary: '<secret>: the current second-factor code of a secret' },
};
const ALIASES: Record<string, string> = { 'migration:run': 'migrate' };

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(
    ([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`,
  );
  return [
    'usage: kanribo <command> [arguments]',
    '',
    ...lines,
    '',
    'Configuration comes from the environment (see the README).',
    '',
  ].join('\n');
}

const [, , given, ...rest] = process.argv;
if (given === undefined || given === 'help' || given === '--help' || given === '-h') {
  process.stdout.write(usage());
} else {
  const name = ALIASES[given] ?? given;
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`kanribo: unknown command "${given}"\n\n${usage()}`);
    process.exit(2);
  }
  // The command sees its own arguments where it would alone: argv[2] onwards.
  process.argv = [process.argv[0]!, process.argv[1]!, ...rest];
  await import(command.module);
}
