import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hash-chained ledger (one chain per contract, with its head) and the
 * custody projections built from it: media, handovers and their items,
 * incidents.
 */
export class CustodyLedger1764180000000 implements MigrationInterface {
  name = 'CustodyLedger1764180000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = queryRunner.connection.options.type === 'postgres' ? POSTGRES : SQLITE;
    for (const sql of statements) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'incidents',
      'handover_items',
      'handovers',
      'media',
      'ledger_heads',
      'ledger_entries',
    ]) {
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
  }
}

const SQLITE = [
  `CREATE TABLE "handover_items" ("handover_id" varchar(36) NOT NULL, "medium_id" varchar(36) NOT NULL, "contract_id" varchar(36) NOT NULL, "dispatched_at" varchar(24) NOT NULL, PRIMARY KEY ("handover_id", "medium_id"))`,
  `CREATE INDEX "idx_handover_items_medium" ON "handover_items" ("medium_id") `,
  `CREATE TABLE "handovers" ("id" varchar(36) PRIMARY KEY NOT NULL, "contract_id" varchar(36) NOT NULL, "status" varchar(16) NOT NULL, "purpose" varchar(16) NOT NULL, "method" varchar(16) NOT NULL, "bag_id" varchar(100), "seal_number" varchar(100), "note" varchar(1000), "from_user_id" varchar(36) NOT NULL, "from_organization_id" varchar(36) NOT NULL, "to_user_id" varchar(36) NOT NULL, "to_organization_id" varchar(36) NOT NULL, "dispatched_at" varchar(24) NOT NULL, "dispatch_seq" integer NOT NULL, "received_at" varchar(24), "receipt_seq" integer, "seal_intact" boolean, "compromised" boolean NOT NULL)`,
  `CREATE INDEX "idx_handovers_contract" ON "handovers" ("contract_id") `,
  `CREATE INDEX "idx_handovers_bag" ON "handovers" ("bag_id") `,
  `CREATE TABLE "incidents" ("id" varchar(36) PRIMARY KEY NOT NULL, "contract_id" varchar(36) NOT NULL, "seq" integer NOT NULL, "kind" varchar(32) NOT NULL, "handover_id" varchar(36), "medium_ids" text NOT NULL, "description" varchar(2000) NOT NULL, "occurred_at" varchar(24) NOT NULL, "recorded_at" varchar(24) NOT NULL, "reported_by_user_id" varchar(36) NOT NULL)`,
  `CREATE INDEX "idx_incidents_contract" ON "incidents" ("contract_id") `,
  `CREATE TABLE "media" ("id" varchar(36) PRIMARY KEY NOT NULL, "contract_id" varchar(36) NOT NULL, "kind" varchar(32) NOT NULL, "label" varchar(200) NOT NULL, "description" varchar(1000) NOT NULL, "record_count" integer NOT NULL, "encrypted" boolean NOT NULL, "sha256" varchar(64), "unlocks_medium_id" varchar(36), "state" varchar(16) NOT NULL, "compromised" boolean NOT NULL, "holder_organization_id" varchar(36) NOT NULL, "holder_user_id" varchar(36), "location" varchar(300), "in_transit_handover_id" varchar(36), "registered_at" varchar(24) NOT NULL, "last_event_at" varchar(24) NOT NULL, "last_seq" integer NOT NULL)`,
  `CREATE INDEX "idx_media_contract" ON "media" ("contract_id") `,
  `CREATE INDEX "idx_media_unlocks" ON "media" ("unlocks_medium_id") `,
  `CREATE TABLE "ledger_entries" ("contract_id" varchar(36) NOT NULL, "seq" integer NOT NULL, "type" varchar(64) NOT NULL, "occurred_at" varchar(24) NOT NULL, "recorded_at" varchar(24) NOT NULL, "actor" text NOT NULL, "payload" text NOT NULL, "prev_hash" varchar(64) NOT NULL, "hash" varchar(64) NOT NULL, CONSTRAINT "FK_b1b2db9b4131dfcf76e821f1bdf" FOREIGN KEY ("contract_id") REFERENCES "contracts" ("id") ON DELETE RESTRICT ON UPDATE NO ACTION, PRIMARY KEY ("contract_id", "seq"))`,
  `CREATE TABLE "ledger_heads" ("contract_id" varchar(36) PRIMARY KEY NOT NULL, "seq" integer NOT NULL, "hash" varchar(64) NOT NULL)`,
];

const POSTGRES = [
  `CREATE TABLE "handover_items" ("handover_id" character varying(36) NOT NULL, "medium_id" character varying(36) NOT NULL, "contract_id" character varying(36) NOT NULL, "dispatched_at" character varying(24) NOT NULL, CONSTRAINT "PK_4377c1533d1d3ba42c99f51d462" PRIMARY KEY ("handover_id", "medium_id"))`,
  `CREATE INDEX "idx_handover_items_medium" ON "handover_items"  ("medium_id") `,
  `CREATE TABLE "handovers" ("id" character varying(36) NOT NULL, "contract_id" character varying(36) NOT NULL, "status" character varying(16) NOT NULL, "purpose" character varying(16) NOT NULL, "method" character varying(16) NOT NULL, "bag_id" character varying(100), "seal_number" character varying(100), "note" character varying(1000), "from_user_id" character varying(36) NOT NULL, "from_organization_id" character varying(36) NOT NULL, "to_user_id" character varying(36) NOT NULL, "to_organization_id" character varying(36) NOT NULL, "dispatched_at" character varying(24) NOT NULL, "dispatch_seq" integer NOT NULL, "received_at" character varying(24), "receipt_seq" integer, "seal_intact" boolean, "compromised" boolean NOT NULL, CONSTRAINT "PK_88432ab36f1a01be3bb86a16c28" PRIMARY KEY ("id"))`,
  `CREATE INDEX "idx_handovers_contract" ON "handovers"  ("contract_id") `,
  `CREATE INDEX "idx_handovers_bag" ON "handovers"  ("bag_id") `,
  `CREATE TABLE "incidents" ("id" character varying(36) NOT NULL, "contract_id" character varying(36) NOT NULL, "seq" integer NOT NULL, "kind" character varying(32) NOT NULL, "handover_id" character varying(36), "medium_ids" text NOT NULL, "description" character varying(2000) NOT NULL, "occurred_at" character varying(24) NOT NULL, "recorded_at" character varying(24) NOT NULL, "reported_by_user_id" character varying(36) NOT NULL, CONSTRAINT "PK_ccb34c01719889017e2246469f9" PRIMARY KEY ("id"))`,
  `CREATE INDEX "idx_incidents_contract" ON "incidents"  ("contract_id") `,
  `CREATE TABLE "media" ("id" character varying(36) NOT NULL, "contract_id" character varying(36) NOT NULL, "kind" character varying(32) NOT NULL, "label" character varying(200) NOT NULL, "description" character varying(1000) NOT NULL, "record_count" integer NOT NULL, "encrypted" boolean NOT NULL, "sha256" character varying(64), "unlocks_medium_id" character varying(36), "state" character varying(16) NOT NULL, "compromised" boolean NOT NULL, "holder_organization_id" character varying(36) NOT NULL, "holder_user_id" character varying(36), "location" character varying(300), "in_transit_handover_id" character varying(36), "registered_at" character varying(24) NOT NULL, "last_event_at" character varying(24) NOT NULL, "last_seq" integer NOT NULL, CONSTRAINT "PK_f4e0fcac36e050de337b670d8bd" PRIMARY KEY ("id"))`,
  `CREATE INDEX "idx_media_contract" ON "media"  ("contract_id") `,
  `CREATE INDEX "idx_media_unlocks" ON "media"  ("unlocks_medium_id") `,
  `CREATE TABLE "ledger_entries" ("contract_id" character varying(36) NOT NULL, "seq" integer NOT NULL, "type" character varying(64) NOT NULL, "occurred_at" character varying(24) NOT NULL, "recorded_at" character varying(24) NOT NULL, "actor" text NOT NULL, "payload" text NOT NULL, "prev_hash" character varying(64) NOT NULL, "hash" character varying(64) NOT NULL, CONSTRAINT "PK_8d4e641b5ab8e2b4fdfb47948c1" PRIMARY KEY ("contract_id", "seq"))`,
  `CREATE TABLE "ledger_heads" ("contract_id" character varying(36) NOT NULL, "seq" integer NOT NULL, "hash" character varying(64) NOT NULL, CONSTRAINT "PK_414de423656ed88336a71e94fce" PRIMARY KEY ("contract_id"))`,
  `ALTER TABLE "ledger_entries" ADD CONSTRAINT "FK_b1b2db9b4131dfcf76e821f1bdf" FOREIGN KEY ("contract_id") REFERENCES "contracts"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
];
