import type { MigrationInterface, QueryRunner } from 'typeorm';

/** X.509 certificates organizations sign their deletion certificates with. */
export class OrganizationCertificates1764270000000 implements MigrationInterface {
  name = 'OrganizationCertificates1764270000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = queryRunner.connection.options.type === 'postgres' ? POSTGRES : SQLITE;
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "organization_certificates"`);
  }
}

const SQLITE = [
  `CREATE TABLE "organization_certificates" ("id" varchar(36) PRIMARY KEY NOT NULL, "organization_id" varchar(36) NOT NULL, "fingerprint256" varchar(95) NOT NULL, "subject" varchar(1000) NOT NULL, "issuer" varchar(1000) NOT NULL, "serial_number" varchar(100) NOT NULL, "valid_from" varchar(24) NOT NULL, "valid_to" varchar(24) NOT NULL, "pem" text NOT NULL, "registered_by_user_id" varchar(36) NOT NULL, "registered_at" varchar(24) NOT NULL)`,
  `CREATE UNIQUE INDEX "uq_organization_certificates_fingerprint" ON "organization_certificates" ("organization_id", "fingerprint256") `,
];

const POSTGRES = [
  `CREATE TABLE "organization_certificates" ("id" character varying(36) NOT NULL, "organization_id" character varying(36) NOT NULL, "fingerprint256" character varying(95) NOT NULL, "subject" character varying(1000) NOT NULL, "issuer" character varying(1000) NOT NULL, "serial_number" character varying(100) NOT NULL, "valid_from" character varying(24) NOT NULL, "valid_to" character varying(24) NOT NULL, "pem" text NOT NULL, "registered_by_user_id" character varying(36) NOT NULL, "registered_at" character varying(24) NOT NULL, CONSTRAINT "PK_2505c20cb4dd0a1ff66f7bb6dc7" PRIMARY KEY ("id"))`,
  `CREATE UNIQUE INDEX "uq_organization_certificates_fingerprint" ON "organization_certificates"  ("organization_id", "fingerprint256") `,
];
