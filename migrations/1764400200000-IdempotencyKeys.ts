import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Idempotency keys: one per user and key, with the answer it got, until it expires. */
export class IdempotencyKeys1764400200000 implements MigrationInterface {
  name = 'IdempotencyKeys1764400200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = queryRunner.connection.options.type === 'postgres' ? POSTGRES : SQLITE;
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_idempotency_records_expires_at"`);
    await queryRunner.query(`DROP TABLE "idempotency_records"`);
  }
}

const SQLITE = [
  `CREATE TABLE "idempotency_records" ("user_id" varchar(36) NOT NULL, "idempotency_key" varchar(255) NOT NULL, "fingerprint" varchar(64) NOT NULL, "method" varchar(10) NOT NULL, "route" varchar(300) NOT NULL, "resource_id" varchar(200), "status_code" integer, "response_body" text, "created_at" varchar(24) NOT NULL, "expires_at" varchar(24) NOT NULL, PRIMARY KEY ("user_id", "idempotency_key"))`,
  `CREATE INDEX "idx_idempotency_records_expires_at" ON "idempotency_records" ("expires_at") `,
];

const POSTGRES = [
  `CREATE TABLE "idempotency_records" ("user_id" character varying(36) NOT NULL, "idempotency_key" character varying(255) NOT NULL, "fingerprint" character varying(64) NOT NULL, "method" character varying(10) NOT NULL, "route" character varying(300) NOT NULL, "resource_id" character varying(200), "status_code" integer, "response_body" text, "created_at" character varying(24) NOT NULL, "expires_at" character varying(24) NOT NULL, CONSTRAINT "PK_04a0e11f7f1a1ea8b27db5ef6bc" PRIMARY KEY ("user_id", "idempotency_key"))`,
  `CREATE INDEX "idx_idempotency_records_expires_at" ON "idempotency_records" ("expires_at") `,
];
