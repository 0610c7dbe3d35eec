import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The access log (アクセスログ): its hash-chained entries and the one row holding the chain's head and pruning anchor. */
export class AccessLog1764300300000 implements MigrationInterface {
  name = 'AccessLog1764300300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = queryRunner.connection.options.type === 'postgres' ? POSTGRES : SQLITE;
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['access_log_head', 'access_log_entries']) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
  }
}

const SQLITE = [
  `CREATE TABLE "access_log_entries" ("seq" integer PRIMARY KEY NOT NULL, "recorded_at" varchar(24) NOT NULL, "user_id" varchar(36), "organization_id" varchar(36), "role" varchar(32), "login_id" varchar(200), "action" varchar(100) NOT NULL, "method" varchar(10) NOT NULL, "route" varchar(300) NOT NULL, "contract_id" varchar(36), "resource_id" varchar(200), "status_code" integer NOT NULL, "client_address" varchar(64) NOT NULL, "user_agent" varchar(500), "request_id" varchar(64) NOT NULL, "prev_hash" varchar(64) NOT NULL, "hash" varchar(64) NOT NULL)`,
  `CREATE INDEX "idx_access_log_entries_contract" ON "access_log_entries" ("contract_id", "seq") `,
  `CREATE INDEX "idx_access_log_entries_recorded_at" ON "access_log_entries" ("recorded_at") `,
  `CREATE TABLE "access_log_head" ("id" integer PRIMARY KEY NOT NULL, "seq" integer NOT NULL, "hash" varchar(64) NOT NULL, "anchor_seq" integer NOT NULL, "anchor_hash" varchar(64) NOT NULL, "pruned_before" varchar(24))`,
];

const POSTGRES = [
  `CREATE TABLE "access_log_entries" ("seq" integer NOT NULL, "recorded_at" character varying(24) NOT NULL, "user_id" character varying(36), "organization_id" character varying(36), "role" character varying(32), "login_id" character varying(200), "action" character varying(100) NOT NULL, "method" character varying(10) NOT NULL, "route" character varying(300) NOT NULL, "contract_id" character varying(36), "resource_id" character varying(200), "status_code" integer NOT NULL, "client_address" character varying(64) NOT NULL, "user_agent" character varying(500), "request_id" character varying(64) NOT NULL, "prev_hash" character varying(64) NOT NULL, "hash" character varying(64) NOT NULL, CONSTRAINT "PK_afdd5899443236da4d11af27911" PRIMARY KEY ("seq"))`,
  `CREATE INDEX "idx_access_log_entries_contract" ON "access_log_entries"  ("contract_id", "seq") `,
  `CREATE INDEX "idx_access_log_entries_recorded_at" ON "access_log_entries"  ("recorded_at") `,
  `CREATE TABLE "access_log_head" ("id" integer NOT NULL, "seq" integer NOT NULL, "hash" character varying(64) NOT NULL, "anchor_seq" integer NOT NULL, "anchor_hash" character varying(64) NOT NULL, "pruned_before" character varying(24), CONSTRAINT "PK_625c9ef042a6c147c7b8c318eb0" PRIMARY KEY ("id"))`,
];
