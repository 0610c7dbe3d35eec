import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The second factor (TOTP): the confirmed and the pending secret on users,
 * when it was confirmed and the last accepted time step; one-time recovery
 * codes (hashed); and the kind of a bearer token, so that the short-lived
 * token between password and code exists beside sessions.
 *
 * On PostgreSQL these are the statements TypeORM generates. On SQLite
 * TypeORM would rebuild `users` and `auth_tokens` to add columns; they are
 * added in place by `ALTER TABLE … ADD COLUMN` with the same result (the
 * NOT NULL `kind` with a plain default, which ADD COLUMN requires), and
 * without copying the columns other migrations add to these tables.
 */
export class SecondFactor1764300100000 implements MigrationInterface {
  name = 'SecondFactor1764300100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    for (const sql of postgres ? POSTGRES : SQLITE) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "mfa_recovery_codes"`);
    await queryRunner.query(`ALTER TABLE "auth_tokens" DROP COLUMN "kind"`);
    for (const column of [
      'totp_last_step',
      'totp_confirmed_at',
      'totp_pending_secret',
      'totp_secret',
    ]) {
      await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "${column}"`);
    }
  }
}

const SQLITE = [
  `ALTER TABLE "users" ADD COLUMN "totp_secret" varchar(64)`,
  `ALTER TABLE "users" ADD COLUMN "totp_pending_secret" varchar(64)`,
  `ALTER TABLE "users" ADD COLUMN "totp_confirmed_at" varchar(24)`,
  `ALTER TABLE "users" ADD COLUMN "totp_last_step" integer`,
  `ALTER TABLE "auth_tokens" ADD COLUMN "kind" varchar(16) NOT NULL DEFAULT 'session'`,
  `CREATE TABLE "mfa_recovery_codes" ("id" varchar(36) PRIMARY KEY NOT NULL, "user_id" varchar(36) NOT NULL, "code_hash" varchar(64) NOT NULL, "created_at" varchar(24) NOT NULL, "used_at" varchar(24), CONSTRAINT "FK_23aa6c5fdecdd98508fd4456acf" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
  `CREATE UNIQUE INDEX "uq_mfa_recovery_codes_user_hash" ON "mfa_recovery_codes" ("user_id", "code_hash") `,
];

const POSTGRES = [
  `ALTER TABLE "users" ADD "totp_secret" character varying(64)`,
  `ALTER TABLE "users" ADD "totp_pending_secret" character varying(64)`,
  `ALTER TABLE "users" ADD "totp_confirmed_at" character varying(24)`,
  `ALTER TABLE "users" ADD "totp_last_step" integer`,
  `ALTER TABLE "auth_tokens" ADD "kind" character varying(16) NOT NULL DEFAULT 'session'`,
  `CREATE TABLE "mfa_recovery_codes" ("id" character varying(36) NOT NULL, "user_id" character varying(36) NOT NULL, "code_hash" character varying(64) NOT NULL, "created_at" character varying(24) NOT NULL, "used_at" character varying(24), CONSTRAINT "PK_0076416b1b84361afc3371ba121" PRIMARY KEY ("id"))`,
  `CREATE UNIQUE INDEX "uq_mfa_recovery_codes_user_hash" ON "mfa_recovery_codes"  ("user_id", "code_hash") `,
  `ALTER TABLE "mfa_recovery_codes" ADD CONSTRAINT "FK_23aa6c5fdecdd98508fd4456acf" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
];
