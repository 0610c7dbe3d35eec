import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organizations, users, bearer tokens, contracts, approved subcontractors and
 * handler rosters. One statement list per database, each as TypeORM would
 * write it for the entities (a test proves the two agree after migrating).
 */
export class Foundation1764093600000 implements MigrationInterface {
  name = 'Foundation1764093600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = queryRunner.connection.options.type === 'postgres' ? POSTGRES : SQLITE;
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'roster_entries',
      'contract_subcontractors',
      'contracts',
      'auth_tokens',
      'users',
      'organizations',
    ]) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
  }
}

const SQLITE = [
  `CREATE TABLE "organizations" ("id" varchar(36) PRIMARY KEY NOT NULL, "name" varchar(200) NOT NULL, "kind" varchar(16) NOT NULL, "created_at" varchar(24) NOT NULL, CONSTRAINT "UQ_9b7ca6d30b94fef571cff876884" UNIQUE ("name"))`,
  `CREATE TABLE "users" ("id" varchar(36) PRIMARY KEY NOT NULL, "organization_id" varchar(36) NOT NULL, "login_id" varchar(64) NOT NULL, "display_name" varchar(200) NOT NULL, "role" varchar(32) NOT NULL, "password_hash" varchar(255) NOT NULL, "previous_password_hashes" text NOT NULL, "must_change_password" boolean NOT NULL, "active" boolean NOT NULL, "created_at" varchar(24) NOT NULL, CONSTRAINT "UQ_e564194a9a22f8c623354284f75" UNIQUE ("login_id"), CONSTRAINT "FK_21a659804ed7bf61eb91688dea7" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
  `CREATE INDEX "idx_users_organization" ON "users" ("organization_id") `,
  `CREATE TABLE "auth_tokens" ("id" varchar(36) PRIMARY KEY NOT NULL, "token_hash" varchar(64) NOT NULL, "user_id" varchar(36) NOT NULL, "created_at" varchar(24) NOT NULL, "expires_at" varchar(24) NOT NULL, "revoked_at" varchar(24), CONSTRAINT "UQ_3a94cfa1eada85ac2bf6f3016b7" UNIQUE ("token_hash"), CONSTRAINT "FK_9691367d446cd8b18f462c191b3" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
  `CREATE INDEX "idx_auth_tokens_user" ON "auth_tokens" ("user_id") `,
  `CREATE TABLE "contracts" ("id" varchar(36) PRIMARY KEY NOT NULL, "title" varchar(300) NOT NULL, "ward_organization_id" varchar(36) NOT NULL, "contractor_organization_id" varchar(36) NOT NULL, "starts_on" varchar(10) NOT NULL, "ends_on" varchar(10) NOT NULL, "data_items" text NOT NULL, "subject_count" integer NOT NULL, "min_separation_minutes" integer NOT NULL, "reminder_lead_days" text NOT NULL, "status" varchar(16) NOT NULL, "created_by_user_id" varchar(36) NOT NULL, "created_at" varchar(24) NOT NULL, CONSTRAINT "FK_d5fb3ee2694096d9532ad447e78" FOREIGN KEY ("ward_organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, CONSTRAINT "FK_71fb5a539a0befd1309e26dc945" FOREIGN KEY ("contractor_organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
  `CREATE INDEX "idx_contracts_ward" ON "contracts" ("ward_organization_id") `,
  `CREATE INDEX "idx_contracts_contractor" ON "contracts" ("contractor_organization_id") `,
  `CREATE TABLE "contract_subcontractors" ("contract_id" varchar(36) NOT NULL, "organization_id" varchar(36) NOT NULL, "approved_at" varchar(24) NOT NULL, CONSTRAINT "FK_474fadb9f88eb874616f87a9f94" FOREIGN KEY ("contract_id") REFERENCES "contracts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_9ff0b866c7ed8a52d55fc2270fd" FOREIGN KEY ("organization_id") REFERENCES "organizations" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, PRIMARY KEY ("contract_id", "organization_id"))`,
  `CREATE INDEX "idx_contract_subcontractors_organization" ON "contract_subcontractors" ("organization_id") `,
  `CREATE TABLE "roster_entries" ("id" varchar(36) PRIMARY KEY NOT NULL, "contract_id" varchar(36) NOT NULL, "user_id" varchar(36) NOT NULL, "organization_id" varchar(36) NOT NULL, "role" varchar(16) NOT NULL, "valid_from" varchar(10) NOT NULL, "valid_to" varchar(10), "created_by_user_id" varchar(36) NOT NULL, "created_at" varchar(24) NOT NULL, "removed_by_user_id" varchar(36), "removed_at" varchar(24), CONSTRAINT "FK_ea4e160a59f21f45989c113cb28" FOREIGN KEY ("contract_id") REFERENCES "contracts" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "FK_82195f3dd38ed9777e06cd0925c" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION)`,
  `CREATE INDEX "idx_roster_entries_contract_user" ON "roster_entries" ("contract_id", "user_id") `,
];

const POSTGRES = [
  `CREATE TABLE "organizations" ("id" character varying(36) NOT NULL, "name" character varying(200) NOT NULL, "kind" character varying(16) NOT NULL, "created_at" character varying(24) NOT NULL, CONSTRAINT "UQ_9b7ca6d30b94fef571cff876884" UNIQUE ("name"), CONSTRAINT "PK_6b031fcd0863e3f6b44230163f9" PRIMARY KEY ("id"))`,
  `CREATE TABLE "users" ("id" character varying(36) NOT NULL, "organization_id" character varying(36) NOT NULL, "login_id" character varying(64) NOT NULL, "display_name" character varying(200) NOT NULL, "role" character varying(32) NOT NULL, "password_hash" character varying(255) NOT NULL, "previous_password_hashes" text NOT NULL, "must_change_password" boolean NOT NULL, "active" boolean NOT NULL, "created_at" character varying(24) NOT NULL, CONSTRAINT "UQ_e564194a9a22f8c623354284f75" UNIQUE ("login_id"), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`,
  `CREATE INDEX "idx_users_organization" ON "users"  ("organization_id") `,
  `CREATE TABLE "auth_tokens" ("id" character varying(36) NOT NULL, "token_hash" character varying(64) NOT NULL, "user_id" character varying(36) NOT NULL, "created_at" character varying(24) NOT NULL, "expires_at" character varying(24) NOT NULL, "revoked_at" character varying(24), CONSTRAINT "UQ_3a94cfa1eada85ac2bf6f3016b7" UNIQUE ("token_hash"), CONSTRAINT "PK_41e9ddfbb32da18c4e85e45c2fd" PRIMARY KEY ("id"))`,
  `CREATE INDEX "idx_auth_tokens_user" ON "auth_tokens"  ("user_id") `,
  `CREATE TABLE "contracts" ("id" character varying(36) NOT NULL, "title" character varying(300) NOT NULL, "ward_organization_id" character varying(36) NOT NULL, "contractor_organization_id" character varying(36) NOT NULL, "starts_on" character varying(10) NOT NULL, "ends_on" character varying(10) NOT NULL, "data_items" text NOT NULL, "subject_count" integer NOT NULL, "min_separation_minutes" integer NOT NULL, "reminder_lead_days" text NOT NULL, "status" character varying(16) NOT NULL, "created_by_user_id" character varying(36) NOT NULL, "created_at" character varying(24) NOT NULL, CONSTRAINT "PK_2c7b8f3a7b1acdd49497d83d0fb" PRIMARY KEY ("id"))`,
  `CREATE INDEX "idx_contracts_ward" ON "contracts"  ("ward_organization_id") `,
  `CREATE INDEX "idx_contracts_contractor" ON "contracts"  ("contractor_organization_id") `,
  `CREATE TABLE "contract_subcontractors" ("contract_id" character varying(36) NOT NULL, "organization_id" character varying(36) NOT NULL, "approved_at" character varying(24) NOT NULL, CONSTRAINT "PK_766a92e187eb0f4c7c08fb41f40" PRIMARY KEY ("contract_id", "organization_id"))`,
  `CREATE INDEX "idx_contract_subcontractors_organization" ON "contract_subcontractors"  ("organization_id") `,
  `CREATE TABLE "roster_entries" ("id" character varying(36) NOT NULL, "contract_id" character varying(36) NOT NULL, "user_id" character varying(36) NOT NULL, "organization_id" character varying(36) NOT NULL, "role" character varying(16) NOT NULL, "valid_from" character varying(10) NOT NULL, "valid_to" character varying(10), "created_by_user_id" character varying(36) NOT NULL, "created_at" character varying(24) NOT NULL, "removed_by_user_id" character varying(36), "removed_at" character varying(24), CONSTRAINT "PK_c4b86b75e6d6856f877517ef8d1" PRIMARY KEY ("id"))`,
  `CREATE INDEX "idx_roster_entries_contract_user" ON "roster_entries"  ("contract_id", "user_id") `,
  `ALTER TABLE "users" ADD CONSTRAINT "FK_21a659804ed7bf61eb91688dea7" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
  `ALTER TABLE "auth_tokens" ADD CONSTRAINT "FK_9691367d446cd8b18f462c191b3" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "contracts" ADD CONSTRAINT "FK_d5fb3ee2694096d9532ad447e78" FOREIGN KEY ("ward_organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
  `ALTER TABLE "contracts" ADD CONSTRAINT "FK_71fb5a539a0befd1309e26dc945" FOREIGN KEY ("contractor_organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
  `ALTER TABLE "contract_subcontractors" ADD CONSTRAINT "FK_474fadb9f88eb874616f87a9f94" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "contract_subcontractors" ADD CONSTRAINT "FK_9ff0b866c7ed8a52d55fc2270fd" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
  `ALTER TABLE "roster_entries" ADD CONSTRAINT "FK_ea4e160a59f21f45989c113cb28" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
  `ALTER TABLE "roster_entries" ADD CONSTRAINT "FK_82195f3dd38ed9777e06cd0925c" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
];
