import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The inbox rows waiting for a digest, indexed by user and nothing else: the
 * day's digest compose reads which users have some and hands them to their
 * new digests. Before, it went through every row ever marked `digest`, a set
 * that only grows (rows read or already in a digest stay); the partial index
 * holds just the ones still due.
 */
export class DigestDueIndex1764790000000 implements MigrationInterface {
  name = 'DigestDueIndex1764790000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "idx_notification_recipients_digest_due" ON "notification_recipients" ("user_id") WHERE ${DIGEST_DUE}`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_notification_recipients_digest_due"`);
  }
}

const DIGEST_DUE = `mail = 'digest' AND mail_delivery_id IS NULL AND read_at IS NULL`;
