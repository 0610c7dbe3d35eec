import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options.js';
import { type RequestScope, runInRequestScope } from '../../src/common/http/request-scope.js';
import type { LockHold } from '../../src/database/lock-watch.js';
import { type CommitHook, TransactionRunner } from '../../src/database/transaction-runner.js';
import { OrganizationEntity } from '../../src/modules/identity/entities/organization.entity.js';
import { TestApp } from '../support/test-app.js';

describe('TransactionRunner', () => {
  let t: TestApp;
  let tx: TransactionRunner;

  beforeAll(async () => {
    t = await TestApp.start();
    tx = t.app.get(TransactionRunner);
  });
  afterAll(() => t.close());

  const org = (name: string) => ({
    id: randomUUID(),
    name,
    kind: 'ward' as const,
    createdAt: t.clock.now(),
  });

  it('commits concurrent units independently: a failing one is rolled back alone', async () => {
    const before = await t.count('organizations');
    const prefix = randomUUID().slice(0, 8);
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        tx.run(async (manager) => {
          await manager.insert(OrganizationEntity, org(`${prefix}-${i}-a`));
          await manager.insert(OrganizationEntity, org(`${prefix}-${i}-b`));
          if (i % 5 === 0) throw new Error(`unit ${i} refuses`);
          return i;
        }),
      ),
    );
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed).toHaveLength(8);
    expect(results.filter((r) => r.status === 'fulfilled').map((r) => r.value)).toEqual(
      Array.from({ length: 40 }, (_, i) => i).filter((i) => i % 5 !== 0),
    );
    expect(await t.count('organizations')).toBe(before + 32 * 2);
    const names: Array<{ name: string }> = await t.dataSource.query(
      `SELECT name FROM organizations WHERE name LIKE '${prefix}-%'`,
    );
    expect(names.some((n) => /-(0|5|10|15|20|25|30|35)-[ab]$/.test(n.name))).toBe(false);
  });

  it('refuses a unit that breaks a constraint without touching its neighbours', async () => {
    const name = `dup-${randomUUID()}`;
    const results = await Promise.allSettled([
      tx.run((m) => m.insert(OrganizationEntity, org(name))),
      tx.run((m) => m.insert(OrganizationEntity, org(name))),
      tx.run((m) => m.insert(OrganizationEntity, org(`${name}-other`))),
    ]);
    // Which of the two twins wins is up to the database; exactly one does.
    expect(
      results
        .slice(0, 2)
        .map((r) => r.status)
        .sort(),
    ).toEqual(['fulfilled', 'rejected']);
    expect(results[2].status).toBe('fulfilled');
    const rows: Array<{ n: number | string }> = await t.dataSource.query(
      `SELECT COUNT(*) AS n FROM organizations WHERE name LIKE '${name}%'`,
    );
    expect(Number(rows[0]!.n)).toBe(2);
  });

  it('keeps working after a failure', async () => {
    await expect(tx.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(
      tx.run(async (m) => (await m.insert(OrganizationEntity, org(randomUUID()))) && 'ok'),
    ).resolves.toBe('ok');
  });

  describe('commit hooks', () => {
    const scope = (): RequestScope => ({
      requestId: randomUUID(),
      method: 'POST',
      route: '/api/test',
      clientAddress: '127.0.0.1',
      userAgent: null,
      actor: null,
      action: null,
      contractId: null,
      resourceId: null,
      expectedStatus: 201,
      subject: null,
      recorded: false,
    });

    /** A hook that inserts an organization named after it and says it wrote. */
    const writing =
      (name: string, calls: string[]): CommitHook =>
      async (manager, _scope, result) => {
        calls.push(`${name}:${String(result)}`);
        await manager.insert(OrganizationEntity, org(`${name}-${randomUUID()}`));
        return true;
      };

    it('calls the first hook, then the added ones in order, in the unit, once per request', async () => {
      const calls: string[] = [];
      const first = writing('first', calls);
      const second = writing('second', calls);
      const third = writing('third', calls);
      tx.setCommitHook(first);
      tx.addCommitHook(second);
      tx.addCommitHook(third);
      try {
        const s = scope();
        await runInRequestScope(s, async () => {
          await tx.run(() => Promise.resolve('a'));
          await tx.run(() => Promise.resolve('b'));
        });
        expect(calls).toEqual(['first:a', 'second:a', 'third:a']);
        expect(s.recorded).toBe(true);
        // Outside a request, and in a unit that is not the request's own, no hook runs.
        await tx.run(() => Promise.resolve('c'));
        await runInRequestScope(scope(), () => tx.runUnrecorded(() => Promise.resolve('d')));
        expect(calls).toHaveLength(3);
      } finally {
        tx.setCommitHook(null);
        tx.removeCommitHook(second);
        tx.removeCommitHook(third);
      }
    });

    it('keeps a hook due while its writes roll back, and a failing hook fails its unit', async () => {
      const calls: string[] = [];
      const added = writing('added', calls);
      let fail = true;
      const refusing: CommitHook = () =>
        fail ? Promise.reject(new Error('refused')) : Promise.resolve(false);
      tx.addCommitHook(added);
      tx.addCommitHook(refusing);
      try {
        const before = await t.count('organizations');
        const s = scope();
        await runInRequestScope(s, async () => {
          await expect(
            tx.run((m) => m.insert(OrganizationEntity, org(`work-${randomUUID()}`)).then(() => 1)),
          ).rejects.toThrow('refused');
          // The work and the added hook's write were rolled back together.
          expect(await t.count('organizations')).toBe(before);
          fail = false;
          await tx.run(() => Promise.resolve(2));
          await tx.run(() => Promise.resolve(3));
        });
        // Due again after the rollback, then done once its write committed.
        expect(calls).toEqual(['added:1', 'added:2']);
        expect(await t.count('organizations')).toBe(before + 1);
        // The access log's contract is unchanged: no first hook, nothing recorded.
        expect(s.recorded).toBe(false);
      } finally {
        tx.removeCommitHook(added);
        tx.removeCommitHook(refusing);
      }
    });
  });

  (process.env.DATABASE_URL ? it : it.skip)(
    'runs every PostgreSQL unit read-committed and durably, whatever the database defaults to',
    async () => {
      const settings = () =>
        tx.run((m) =>
          m.query<Array<{ isolation: string; sync: string }>>(
            `SELECT current_setting('transaction_isolation') AS isolation,
                      current_setting('synchronous_commit') AS sync`,
          ),
        );
      expect(await settings()).toEqual([{ isolation: 'read committed', sync: 'on' }]);
      // Defaults a DBA might set on the database: the connection's own settings win.
      const name = t.config.DATABASE_URL!.split('/').pop()!.split('?')[0]!;
      await t.dataSource.query(
        `ALTER DATABASE "${name}" SET default_transaction_isolation = 'serializable'`,
      );
      await t.dataSource.query(`ALTER DATABASE "${name}" SET synchronous_commit = 'off'`);
      const fresh = new DataSource(buildDataSourceOptions(t.config));
      try {
        await fresh.initialize();
        const [plain] = await fresh.query<Array<{ default_transaction_isolation: string }>>(
          `SHOW default_transaction_isolation`,
        );
        expect(plain!.default_transaction_isolation).toBe('read committed');
        const inside = (await fresh.transaction((m) =>
          m.query(
            `SELECT current_setting('transaction_isolation') AS isolation,
                    current_setting('synchronous_commit') AS sync`,
          ),
        )) as unknown;
        expect(inside).toEqual([{ isolation: 'read committed', sync: 'on' }]);
        // And the defaults did take effect for a connection without those options.
        const other = new DataSource({ type: 'postgres', url: t.config.DATABASE_URL! });
        await other.initialize();
        try {
          expect(await other.query(`SHOW default_transaction_isolation`)).toEqual([
            { default_transaction_isolation: 'serializable' },
          ]);
        } finally {
          await other.destroy();
        }
      } finally {
        await fresh.destroy();
        await t.dataSource.query(`ALTER DATABASE "${name}" RESET default_transaction_isolation`);
        await t.dataSource.query(`ALTER DATABASE "${name}" RESET synchronous_commit`);
      }
    },
  );

  describe('lock holds', () => {
    it('reports a unit that took a lock, with the statements it sent after, and not the reads beside it', async () => {
      const holds: LockHold[] = [];
      tx.onLockHold((hold) => holds.push(hold));
      // Reads of another request, started from outside any unit once the unit holds the lock.
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const beside = gate.then(() =>
        Promise.all(Array.from({ length: 5 }, (_, i) => t.dataSource.query(`SELECT ${i} AS n`))),
      );
      await Promise.all([
        tx.run(async (m) => {
          await m.query('SELECT 1 AS n'); // before the lock: not counted
          tx.lockGranted();
          open();
          await Promise.all([m.query('SELECT 2 AS n'), beside]);
          await m.query('SELECT 3 AS n');
        }),
        // A unit that takes no lock is not reported.
        tx.run((m) => m.query('SELECT 4 AS n')),
      ]);
      await expect(
        tx.run(async (m) => {
          tx.lockGranted();
          await m.query('SELECT 5 AS n');
          throw new Error('refused under the lock');
        }),
      ).rejects.toThrow('refused under the lock');
      // PostgreSQL: the unit's COMMIT or ROLLBACK; SQLite: its savepoint's
      // RELEASE, or ROLLBACK TO and RELEASE.
      expect(holds.map(({ statements, committed }) => ({ statements, committed }))).toEqual([
        { statements: 3, committed: true },
        { statements: tx.isSqlite ? 3 : 2, committed: false },
      ]);
      expect(holds.every((h) => h.seconds > 0)).toBe(true);
    });
  });
});
