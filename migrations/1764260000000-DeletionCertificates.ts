import type { MigrationInterface, QueryRunner } from 'typeorm';

/** 消去証明書: the deletion certificates projection. */
export class DeletionCertificates1764260000000 implements MigrationInterface {
  name = 'DeletionCertificates1764260000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = queryRunner.connection.options.type === 'postgres' ? POSTGRES : SQLITE;
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "deletion_certificates"`);
  }
}

const SQLITE = [
  `CREATE TABLE "deletion_certificates" ("id" varchar(36) PRIMARY KEY NOT NULL, "contract_id" varchar(36) NOT NULL, "organization_id" varchar(36) NOT NULL, "certificate_number" varchar(100) NOT NULL, "status" varchar(16) NOT NULL, "erased_at" varchar(24) NOT NULL, "scope" text NOT NULL, "media_ids" text NOT NULL, "method" varchar(16) NOT NULL, "tool" varchar(300) NOT NULL, "verification" varchar(2000) NOT NULL, "performed_by" varchar(200) NOT NULL, "witnessed_by" varchar(200), "submitted_by_user_id" varchar(36) NOT NULL, "submitted_at" varchar(24) NOT NULL, "submit_seq" integer NOT NULL, "decided_by_user_id" varchar(36), "decided_at" varchar(24), "decision_seq" integer, "decision_note" varchar(2000), "signer_fingerprint256" varchar(95))`,
  `CREATE INDEX "idx_deletion_certificates_contract" ON "deletion_certificates" ("contract_id") `,
];

const POSTGRES = [
  `CREATE TABLE "deletion_certificates" ("id" character varying(36) NOT NULL, "contract_id" character varying(36) NOT NULL, "organization_id" character varying(36) NOT NULL, "certificate_number" character varying(100) NOT NULL, "status" character varying(16) NOT NULL, "erased_at" character varying(24) NOT NULL, "scope" text NOT NULL, "media_ids" text NOT NULL, "method" character varying(16) NOT NULL, "tool" character varying(300) NOT NULL, "verification" character varying(2000) NOT NULL, "performed_by" character varying(200) NOT NULL, "witnessed_by" character varying(200), "submitted_by_user_id" character varying(36) NOT NULL, "submitted_at" character varying(24) NOT NULL, "submit_seq" integer NOT NULL, "decided_by_user_id" character varying(36), "decided_at" character varying(24), "decision_seq" integer, "decision_note" character varying(2000), "signer_fingerprint256" character varying(95), CONSTRAINT "PK_64b6497220533ec4d1d94d152aa" PRIMARY KEY ("id"))`,
  `CREATE INDEX "idx_deletion_certificates_contract" ON "deletion_certificates"  ("contract_id") `,
];
