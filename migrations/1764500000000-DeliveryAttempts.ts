import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A webhook delivery's attempt is recorded as started, with its deadline,
 * before its request goes out (`attempt_deadline`, cleared when the outcome
 * is recorded), and a delivery waiting for a retry says when it is due
 * (`next_attempt_at`): the database, not Redis, knows what is still to send.
 * Two nullable columns, added in place on both databases.
 */
export class DeliveryAttempts1764500000000 implements MigrationInterface {
  name = 'DeliveryAttempts1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    for (const sql of postgres ? POSTGRES : SQLITE) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of ['next_attempt_at', 'attempt_deadline']) {
      await queryRunner.query(`ALTER TABLE "webhook_deliveries" DROP COLUMN "${column}"`);
    }
  }
}

const SQLITE = [
  `ALTER TABLE "webhook_deliveries" ADD COLUMN "attempt_deadline" varchar(24)`,
  `ALTER TABLE "webhook_deliveries" ADD COLUMN "next_attempt_at" varchar(24)`,
];

const POSTGRES = [
  `ALTER TABLE "webhook_deliveries" ADD "attempt_deadline" character varying(24)`,
  `ALTER TABLE "webhook_deliveries" ADD "next_attempt_at" character varying(24)`,
];
