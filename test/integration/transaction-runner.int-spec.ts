import { randomUUID } from 'node:crypto';
import { TransactionRunner } from '../../src/database/transaction-runner.js';
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
});
