import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where a write's access-log entry waits, on PostgreSQL, between its write's
 * commit and its place in the chain (see AccessLogPendingEntity): so that a
 * write no longer holds the installation's one chain head row until COMMIT.
 * Created on SQLite too, so both databases have one schema; it stays empty
 * there.
 */
export class AccessLogPending1764800000000 implements MigrationInterface {
  name = 'AccessLogPending1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    await queryRunner.query(postgres ? POSTGRES : SQLITE);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Entries still waiting would be lost with the table, and the code before
    // this migration would never link them: they are linked at the next start.
    const [row] = (await queryRunner.query(
      `SELECT COUNT(*) AS n FROM "access_log_pending"`,
    )) as Array<{ n: number | string }>;
    if (Number(row?.n ?? 0) > 0) {
      throw new Error(
        `access_log_pending holds ${row!.n} access-log entries not yet chained: start the service once to chain them, then undo this migration`,
      );
    }
    await queryRunner.query(`DROP TABLE "access_log_pending"`);
  }
}

const SQLITE = `CREATE TABLE "access_log_pending" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "recorded_at" varchar(24) NOT NULL, "user_id" varchar(36), "organization_id" varchar(36), "role" varchar(32), "login_id" varchar(200), "action" varchar(100) NOT NULL, "method" varchar(10) NOT NULL, "route" varchar(300) NOT NULL, "contract_id" varchar(36), "resource_id" varchar(200), "status_code" integer NOT NULL, "client_address" varchar(64) NOT NULL, "user_agent" varchar(500), "request_id" varchar(64) NOT NULL)`;

const POSTGRES = `CREATE TABLE "access_log_pending" ("id" SERIAL NOT NULL, "recorded_at" character varying(24) NOT NULL, "user_id" character varying(36), "organization_id" character varying(36), "role" character varying(32), "login_id" character varying(200), "action" character varying(100) NOT NULL, "method" character varying(10) NOT NULL, "route" character varying(300) NOT NULL, "contract_id" character varying(36), "resource_id" character varying(200), "status_code" integer NOT NULL, "client_address" character varying(64) NOT NULL, "user_agent" character varying(500), "request_id" character varying(64) NOT NULL, CONSTRAINT "PK_ab335bbfb8bb5b4cd214c703b74" PRIMARY KEY ("id"))`;
