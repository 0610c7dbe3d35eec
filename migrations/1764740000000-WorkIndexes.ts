import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 今日の作業 (GET /api/work) asks, over every contract a user may read, for
 * the media they hold and the handovers addressed to them: indexed by the
 * user, that reads the user's few rows instead of every medium and handover
 * of up to hundreds of contracts.
 */
export class WorkIndexes1764740000000 implements MigrationInterface {
  name = 'WorkIndexes1764740000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "idx_media_holder_user" ON "media" ("holder_user_id") `);
    await queryRunner.query(`CREATE INDEX "idx_handovers_to_user" ON "handovers" ("to_user_id") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_handovers_to_user"`);
    await queryRunner.query(`DROP INDEX "idx_media_holder_user"`);
  }
}
