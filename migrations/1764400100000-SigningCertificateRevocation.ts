import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signing certificates can be revoked by their organization (or an admin):
 * when and by whom. Two nullable columns without defaults, added in place on
 * both databases (SQLite's `ALTER TABLE … ADD COLUMN` needs no table rebuild
 * for them).
 */
export class SigningCertificateRevocation1764400100000 implements MigrationInterface {
  name = 'SigningCertificateRevocation1764400100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    for (const sql of postgres ? POSTGRES : SQLITE) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of ['revoked_by_user_id', 'revoked_at']) {
      await queryRunner.query(`ALTER TABLE "organization_certificates" DROP COLUMN "${column}"`);
    }
  }
}

const SQLITE = [
  `ALTER TABLE "organization_certificates" ADD COLUMN "revoked_at" varchar(24)`,
  `ALTER TABLE "organization_certificates" ADD COLUMN "revoked_by_user_id" varchar(36)`,
];

const POSTGRES = [
  `ALTER TABLE "organization_certificates" ADD "revoked_at" character varying(24)`,
  `ALTER TABLE "organization_certificates" ADD "revoked_by_user_id" character varying(36)`,
];
