// What the benches share to start the built server on loopback and to act
// as a user inside a prepared application context.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hash } from '@node-rs/argon2';
import type { TransactionRunner } from '../src/database/transaction-runner.js';
import type { HandoverItemRef, PartyRef } from '../src/modules/ledger/ledger-payloads.js';
import type { LedgerService } from '../src/modules/ledger/ledger.service.js';
import { OrganizationEntity } from '../src/modules/identity/entities/organization.entity.js';
import { UserEntity } from '../src/modules/identity/entities/user.entity.js';
import type { Actor, Role } from '../src/modules/identity/roles.js';
import type { LoadResult, LoadSpec } from './bench-load.js';

const here = fileURLToPath(new URL('.', import.meta.url));

/** A port free on 127.0.0.1 a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * Inserts organizations and users straight into the database, for preparing
 * a bench; every user has `password`.
 */
export async function benchDirectory(tx: TransactionRunner, password: string) {
  const passwordHash = await hash(password);
  return {
    organization: async (name: string, kind: 'ward' | 'contractor') => {
      const org = Object.assign(new OrganizationEntity(), {
        id: randomUUID(),
        name,
        kind,
        createdAt: new Date(),
      });
      await tx.run((m) => m.insert(OrganizationEntity, org));
      return org;
    },
    user: async (org: OrganizationEntity, loginId: string, role: Role) => {
      const u = Object.assign(new UserEntity(), {
        id: randomUUID(),
        organizationId: org.id,
        loginId,
        displayName: loginId,
        role,
        passwordHash,
        previousPasswordHashes: [],
        mustChangePassword: false,
        active: true,
        createdAt: new Date(),
      });
      await tx.run((m) => m.insert(UserEntity, u));
      return u;
    },
  };
}

/** A user as the services see their caller, for preparing data without HTTP. */
export function actorOf(user: UserEntity): Actor {
  return {
    userId: user.id,
    organizationId: user.organizationId,
    role: user.role,
    loginId: user.loginId,
    displayName: user.displayName,
    tokenId: 'bench',
    mustChangePassword: false,
  };
}

/**
 * Starts dist/src/main.js on 127.0.0.1:`port` over `dataDir` and waits until
 * it is healthy. Its users log in with a password alone, and the
 * per-address limit on /api/auth is off (all the load comes from one
 * address). BENCH_PROFILE_DIR writes a CPU profile of it there. `main`
 * starts another build instead (another checkout's dist/src/main.js, for a
 * baseline).
 */
export async function startServer(
  dataDir: string,
  port: number,
  env: Record<string, string> = {},
  main: string = join(here, '../src/main.js'),
): Promise<ChildProcess> {
  const profile = process.env.BENCH_PROFILE_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`]
    : [];
  const child = spawn(process.execPath, [...profile, main], {
    env: {
      PATH: process.env.PATH,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      MFA_REQUIRED_ROLES: 'none',
      AUTH_RATE_LIMIT_PER_MINUTE: '0',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 200; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('the server did not become healthy');
}

/**
 * Runs one load in a separate process, so that the client does not share
 * the server's core budget with it. `clientCpuMs`: the CPU time that process used.
 */
export function load(spec: LoadSpec): Promise<LoadResult & { clientCpuMs: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(join(here, 'bench-load.js'), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', (message) => {
      resolve({ ...(message as LoadResult), clientCpuMs: cpuMs(child.pid) });
      child.kill();
    });
    child.once('error', reject);
    child.send(spec);
  });
}

/**
 * CPU time (user + system) a process has used so far, in ms, from /proc
 * (Linux, 10 ms ticks); NaN where /proc is missing. CPU per request is what
 * the access log costs, and, unlike requests per second, it holds when other
 * work shares the machine.
 */
export function cpuMs(pid: number | undefined): number {
  const { user, system } = cpuTimesMs(pid);
  return user + system;
}

/** {@link cpuMs} as user and system time. */
export function cpuTimesMs(pid: number | undefined): { user: number; system: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
  } catch {
    return { user: Number.NaN, system: Number.NaN };
  }
}

/** CPU time the whole machine has spent busy so far (all cores), in ms, from /proc/stat (Linux); NaN elsewhere. */
export function machineBusyMs(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1);
    const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
    return (user! + nice! + system! + irq! + softirq! + (steal ?? 0)) * 10;
  } catch {
    return Number.NaN;
  }
}

/** What one handover of a filled ledger carries: the n-th dispatch and its receipt. */
export interface HandoverRow {
  bagId: string;
  sealNumber: string;
  note: string;
  item: HandoverItemRef;
}

/**
 * Appends `entries` entries to a contract's chain through the ledger service,
 * in transactions of `batch`: dispatches and their receipts alternately (the
 * rows of the 管理簿), the n-th handover described by `row(n)`. Returns the
 * ledger's length after.
 */
export async function appendHandovers(options: {
  tx: TransactionRunner;
  ledger: LedgerService;
  contractId: string;
  actor: Actor;
  party: PartyRef;
  entries: number;
  batch?: number;
  row: (n: number) => HandoverRow;
}): Promise<number> {
  const { tx, ledger, contractId, actor, party, row } = options;
  let length = await ledger.length(contractId);
  const target = length + options.entries;
  let handoverId = '';
  while (length < target) {
    const batch = Math.min(options.batch ?? 5000, target - length);
    await tx.run(async (manager) => {
      const chain = await ledger.open(manager, contractId, actor);
      for (let i = 0; i < batch; i++) {
        const seq = length + i;
        const dispatch = seq % 2 === 0;
        if (dispatch) handoverId = randomUUID();
        const { bagId, sealNumber, note, item } = row(Math.floor(seq / 2));
        await chain.append({
          type: dispatch ? 'handover_dispatched' : 'handover_received',
          occurredAt: new Date(),
          payload: {
            handoverId,
            purpose: 'internal',
            method: 'hand',
            bagId,
            sealNumber,
            from: party,
            to: party,
            items: [item],
            ...(dispatch
              ? { note }
              : {
                  sealIntact: true,
                  sha256: {},
                  fingerprintMismatches: [],
                  compromisedMediumIds: [],
                  states: { [item.mediumId]: 'held' },
                }),
          },
        });
      }
    });
    length += batch;
  }
  return length;
}

/** Runs a bench when its file is the script node was started with; exit code 1 when it failed. */
export function runWhenMain(url: string, bench: (out: (line: string) => void) => Promise<boolean>) {
  if (!process.argv[1] || url !== pathToFileURL(process.argv[1]).href) return;
  bench((line) => process.stdout.write(line)).then(
    (ok) => {
      if (!ok) process.exitCode = 1;
    },
    (error: unknown) => {
      process.stderr.write(
        `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}

/** The password of the benches' users. */
export const BENCH_PASSWORD = 'bench-password-0123';

/**
 * A contract's terms for the benches: a year of 2026, and none of take-out
 * approval, training or the emergency plan, which the benches do not time.
 */
export function benchContractTerms(contractorOrganizationId: string) {
  return {
    contractorOrganizationId,
    startsOn: '2026-04-01',
    endsOn: '2027-03-31',
    dataItems: ['氏名', '住所'],
    subjectCount: 1000,
    handoverPolicy: { requireTakeoutApproval: false },
    handlingPolicy: { requireTraining: false, requireEmergencyPlan: false },
  };
}

/** Logs a bench user in over HTTP; its bearer token. */
export async function benchLogin(
  base: string,
  loginId: string,
  password = BENCH_PASSWORD,
): Promise<string> {
  const response = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ loginId, password }),
  });
  if (!response.ok) throw new Error(`login ${loginId}: ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}
