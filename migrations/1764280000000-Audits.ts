import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 立入調査: the on-site audits projection. */
export class Audits1764280000000 implements MigrationInterface {
  name = 'Audits1764280000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = queryRunner.connection.options.type === 'postgres' ? POSTGRES : SQLITE;
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audits"`);
  }
}

const SQLITE = [
  `CREATE TABLE "audits" ("id" varchar(36) PRIMARY KEY NOT NULL, "contract_id" varchar(36) NOT NULL, "performed_on" varchar(10) NOT NULL, "fiscal_year" integer NOT NULL, "result" varchar(16) NOT NULL, "findings" varchar(4000), "auditors" text NOT NULL, "recorded_by_user_id" varchar(36) NOT NULL, "recorded_at" varchar(24) NOT NULL, "seq" integer NOT NULL)`,
  `CREATE INDEX "idx_audits_contract_date" ON "audits" ("contract_id", "performed_on") `,
];

const POSTGRES = [
  `CREATE TABLE "audits" ("id" character varying(36) NOT NULL, "contract_id" character varying(36) NOT NULL, "performed_on" character varying(10) NOT NULL, "fiscal_year" integer NOT NULL, "result" character varying(16) NOT NULL, "findings" character varying(4000), "auditors" text NOT NULL, "recorded_by_user_id" character varying(36) NOT NULL, "recorded_at" character varying(24) NOT NULL, "seq" integer NOT NULL, CONSTRAINT "PK_b2d7a2089999197dc7024820f28" PRIMARY KEY ("id"))`,
  `CREATE INDEX "idx_audits_contract_date" ON "audits"  ("contract_id", "performed_on") `,
];
