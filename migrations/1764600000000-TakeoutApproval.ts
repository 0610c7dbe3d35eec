import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Take-out approval (持出し承認): the requests, the approver mark on users,
 * the contract's policy (on for every contract, as the ward's rules want),
 * and on media the request each was written under and which side registered
 * it. Media registered before have no origin, so they move as before.
 */
export class TakeoutApproval1764600000000 implements MigrationInterface {
  name = 'TakeoutApproval1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    for (const sql of postgres ? POSTGRES : SQLITE) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_takeout_requests_contract"`);
    await queryRunner.query(`DROP TABLE "takeout_requests"`);
    for (const [table, column] of [
      ['media', 'origin'],
      ['media', 'takeout_request_id'],
      ['contracts', 'require_takeout_approval'],
      ['users', 'is_approver'],
    ]) {
      await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "${column}"`);
    }
  }
}

const TAKEOUT_COLUMNS = (v: (n: number) => string, text: string) =>
  `"id" ${v(36)} NOT NULL, "contract_id" ${v(36)} NOT NULL, "status" ${v(16)} NOT NULL, "applicant_user_id" ${v(36)} NOT NULL, "data_items" ${text} NOT NULL, "record_count" integer NOT NULL, "media_kinds" ${text} NOT NULL, "media_count" integer NOT NULL, "purpose" ${v(16)} NOT NULL, "planned_on" ${v(10)} NOT NULL, "terminal_id" ${v(100)} NOT NULL, "note" ${v(1000)}, "requested_at" ${v(24)} NOT NULL, "requested_seq" integer NOT NULL, "decided_by_user_id" ${v(36)}, "decided_at" ${v(24)}, "reason" ${v(1000)}, "valid_until" ${v(24)}, "media_registered" integer NOT NULL`;

const SQLITE = [
  `CREATE TABLE "takeout_requests" (${TAKEOUT_COLUMNS((n) => `varchar(${n})`, 'text').replace('"id" varchar(36) NOT NULL', '"id" varchar(36) PRIMARY KEY NOT NULL')})`,
  `CREATE INDEX "idx_takeout_requests_contract" ON "takeout_requests" ("contract_id", "requested_at") `,
  `ALTER TABLE "users" ADD COLUMN "is_approver" boolean NOT NULL DEFAULT (0)`,
  `ALTER TABLE "contracts" ADD COLUMN "require_takeout_approval" boolean NOT NULL DEFAULT (1)`,
  `ALTER TABLE "media" ADD COLUMN "takeout_request_id" varchar(36)`,
  `ALTER TABLE "media" ADD COLUMN "origin" varchar(16)`,
];

const POSTGRES = [
  `CREATE TABLE "takeout_requests" (${TAKEOUT_COLUMNS((n) => `character varying(${n})`, 'text')}, CONSTRAINT "PK_takeout_requests" PRIMARY KEY ("id"))`,
  `CREATE INDEX "idx_takeout_requests_contract" ON "takeout_requests" ("contract_id", "requested_at") `,
  `ALTER TABLE "users" ADD "is_approver" boolean NOT NULL DEFAULT false`,
  `ALTER TABLE "contracts" ADD "require_takeout_approval" boolean NOT NULL DEFAULT true`,
  `ALTER TABLE "media" ADD "takeout_request_id" character varying(36)`,
  `ALTER TABLE "media" ADD "origin" character varying(16)`,
];
