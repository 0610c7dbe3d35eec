import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Session activity on auth tokens: when each last served a request (for the
 * idle timeout) and where its login came from (for the session list).
 *
 * On PostgreSQL these are the statements TypeORM generates. On SQLite
 * TypeORM would rebuild the whole table to add a column; three nullable
 * columns without defaults are added in place by `ALTER TABLE … ADD COLUMN`
 * with the same result, and without copying the columns other migrations
 * add to this table.
 */
export class SessionActivity1764300200000 implements MigrationInterface {
  name = 'SessionActivity1764300200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    for (const sql of postgres ? POSTGRES : SQLITE) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const column of ['user_agent', 'client_address', 'last_used_at']) {
      await queryRunner.query(`ALTER TABLE "auth_tokens" DROP COLUMN "${column}"`);
    }
  }
}

const SQLITE = [
  `ALTER TABLE "auth_tokens" ADD COLUMN "last_used_at" varchar(24)`,
  `ALTER TABLE "auth_tokens" ADD COLUMN "client_address" varchar(64)`,
  `ALTER TABLE "auth_tokens" ADD COLUMN "user_agent" varchar(512)`,
];

const POSTGRES = [
  `ALTER TABLE "auth_tokens" ADD "last_used_at" character varying(24)`,
  `ALTER TABLE "auth_tokens" ADD "client_address" character varying(64)`,
  `ALTER TABLE "auth_tokens" ADD "user_agent" character varying(512)`,
];
