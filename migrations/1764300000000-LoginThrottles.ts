import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Login throttling: consecutive failures and the lock of each login id, known or not. */
export class LoginThrottles1764300000000 implements MigrationInterface {
  name = 'LoginThrottles1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = queryRunner.connection.options.type === 'postgres' ? POSTGRES : SQLITE;
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "login_throttles"`);
  }
}

const SQLITE = [
  `CREATE TABLE "login_throttles" ("login_key" varchar(128) PRIMARY KEY NOT NULL, "failures" integer NOT NULL, "locked_until" varchar(24), "last_attempt_at" varchar(24) NOT NULL)`,
];

const POSTGRES = [
  `CREATE TABLE "login_throttles" ("login_key" character varying(128) NOT NULL, "failures" integer NOT NULL, "locked_until" character varying(24), "last_attempt_at" character varying(24) NOT NULL, CONSTRAINT "PK_340a97167f7f97581d7dd3cf156" PRIMARY KEY ("login_key"))`,
];
