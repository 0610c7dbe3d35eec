import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications are no longer indexed by contract: no query reads them by
 * contract (the inbox goes by recipient, the senders and the scan by id and
 * by idempotency key), and the index cost every reminder stored an insert
 * on a random page of it. A scan that stores tens of thousands of reminders
 * dirties most of its pages in each of its transactions, and the more
 * notifications are stored, the more such pages each commit writes back.
 */
export class DropNotificationContractIndex1764830000000 implements MigrationInterface {
  name = 'DropNotificationContractIndex1764830000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_notifications_contract"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "idx_notifications_contract" ON "notifications" ("contract_id")`,
    );
  }
}
