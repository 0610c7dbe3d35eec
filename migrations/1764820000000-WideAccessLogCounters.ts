import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The largest value of PostgreSQL's `integer`. */
const INT4_MAX = 2_147_483_647;

/**
 * PostgreSQL: the access log's counters become `bigint`. Every request of
 * the installation takes the next `seq` (and every write a pending `id`), so
 * at 50 requests a second an `integer` runs out after about 16 months, and
 * from then on every write would be refused with it. SQLite's integers are
 * 64-bit already: nothing to do there.
 *
 * The type change rewrites `access_log_entries` under an exclusive lock:
 * on an installation with a long log, it takes a while at the first start
 * of this version, during which the other instances' writes wait.
 */
export class WideAccessLogCounters1764820000000 implements MigrationInterface {
  name = 'WideAccessLogCounters1764820000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    await lockInLinkOrder(queryRunner);
    await queryRunner.query(`ALTER TABLE "access_log_entries" ALTER COLUMN "seq" TYPE bigint`);
    await queryRunner.query(
      `ALTER TABLE "access_log_head" ALTER COLUMN "seq" TYPE bigint, ALTER COLUMN "anchor_seq" TYPE bigint`,
    );
    await queryRunner.query(`ALTER TABLE "access_log_pending" ALTER COLUMN "id" TYPE bigint`);
    // The column's sequence has a type of its own, and with it a maximum.
    await queryRunner.query(`ALTER SEQUENCE ${await pendingSequence(queryRunner)} AS bigint`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres') return;
    const sequence = await pendingSequence(queryRunner);
    const [row] = (await queryRunner.query(
      `SELECT GREATEST((SELECT MAX("seq") FROM "access_log_entries"),
                       (SELECT MAX("seq") FROM "access_log_head"),
                       (SELECT MAX("id") FROM "access_log_pending"),
                       (SELECT last_value FROM ${sequence})) AS top`,
    )) as Array<{ top: string | null }>;
    if (Number(row?.top ?? 0) > INT4_MAX) {
      throw new Error(
        `a counter of the access log has reached ${row!.top}, past what an integer holds: this migration cannot be undone`,
      );
    }
    await lockInLinkOrder(queryRunner);
    await queryRunner.query(`ALTER SEQUENCE ${sequence} AS integer`);
    await queryRunner.query(`ALTER TABLE "access_log_pending" ALTER COLUMN "id" TYPE integer`);
    await queryRunner.query(
      `ALTER TABLE "access_log_head" ALTER COLUMN "seq" TYPE integer, ALTER COLUMN "anchor_seq" TYPE integer`,
    );
    await queryRunner.query(`ALTER TABLE "access_log_entries" ALTER COLUMN "seq" TYPE integer`);
  }
}

/**
 * The three tables locked at once, in the order an instance still running
 * takes them when it chains entries (the head, then the waiting rows, then
 * the entries). Altered one by one, the first ALTER would hold the entries
 * while such a link held the head and waited for them, and the next ALTER
 * waited for the head: a deadlock, which PostgreSQL might have broken by
 * failing the migration. So the migration waits for any link in progress
 * to end, and later links wait for the migration.
 */
async function lockInLinkOrder(queryRunner: QueryRunner): Promise<void> {
  await queryRunner.query(
    `LOCK TABLE "access_log_head", "access_log_pending", "access_log_entries" IN ACCESS EXCLUSIVE MODE`,
  );
}

/** The sequence behind access_log_pending.id, as a quoted name. */
async function pendingSequence(queryRunner: QueryRunner): Promise<string> {
  const [row] = (await queryRunner.query(
    `SELECT pg_get_serial_sequence('"access_log_pending"', 'id') AS name`,
  )) as Array<{ name: string }>;
  return row!.name;
}
