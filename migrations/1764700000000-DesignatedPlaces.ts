import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Designated places and no copies (特記事項 6 and 9): the places the ward
 * designated and withdrew, its consents to other places, its permissions
 * to copy, and on media the place of their last step, what they were made
 * from and the permission a copy was made under. All projections of the
 * ledger; existing media have none of them.
 */
export class DesignatedPlaces1764700000000 implements MigrationInterface {
  name = 'DesignatedPlaces1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    for (const sql of postgres ? POSTGRES : SQLITE) await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [index, table] of [
      ['idx_copy_permissions_contract', 'copy_permissions'],
      ['idx_place_consents_place', 'place_consents'],
      ['idx_designated_places_contract', 'designated_places'],
    ]) {
      await queryRunner.query(`DROP INDEX "${index}"`);
      await queryRunner.query(`DROP TABLE "${table}"`);
    }
    for (const column of ['copy_permission_id', 'derived_from', 'place_id']) {
      await queryRunner.query(`ALTER TABLE "media" DROP COLUMN "${column}"`);
    }
  }
}

type Varchar = (n: number) => string;

const TABLES = (v: Varchar, text: string, bool: string): Array<[string, string]> => [
  [
    'designated_places',
    `"id" ${v(36)} NOT NULL, "contract_id" ${v(36)} NOT NULL, "name" ${v(200)} NOT NULL, "address" ${v(300)} NOT NULL, "media_storage" ${bool} NOT NULL, "designated_by_user_id" ${v(36)} NOT NULL, "designated_at" ${v(24)} NOT NULL, "designated_seq" integer NOT NULL, "withdrawn_at" ${v(24)}, "withdrawal_reason" ${v(1000)}`,
  ],
  [
    'place_consents',
    `"id" ${v(36)} NOT NULL, "contract_id" ${v(36)} NOT NULL, "place_id" ${v(36)} NOT NULL, "name" ${v(200)} NOT NULL, "address" ${v(300)} NOT NULL, "medium_ids" ${text} NOT NULL, "reason" ${v(1000)} NOT NULL, "valid_until" ${v(24)} NOT NULL, "consented_by_user_id" ${v(36)} NOT NULL, "consented_at" ${v(24)} NOT NULL, "consented_seq" integer NOT NULL`,
  ],
  [
    'copy_permissions',
    `"id" ${v(36)} NOT NULL, "contract_id" ${v(36)} NOT NULL, "purpose" ${v(1000)} NOT NULL, "source_medium_ids" ${text} NOT NULL, "valid_until" ${v(24)} NOT NULL, "permitted_by_user_id" ${v(36)} NOT NULL, "permitted_at" ${v(24)} NOT NULL, "permitted_seq" integer NOT NULL, "copies_registered" integer NOT NULL`,
  ],
];

const INDEXES = [
  `CREATE INDEX "idx_designated_places_contract" ON "designated_places" ("contract_id", "designated_seq") `,
  `CREATE INDEX "idx_place_consents_place" ON "place_consents" ("contract_id", "place_id") `,
  `CREATE INDEX "idx_copy_permissions_contract" ON "copy_permissions" ("contract_id", "permitted_seq") `,
];

const sqliteVarchar: Varchar = (n) => `varchar(${n})`;
const postgresVarchar: Varchar = (n) => `character varying(${n})`;

const SQLITE = [
  ...TABLES(sqliteVarchar, 'text', 'boolean').map(
    ([table, columns]) =>
      `CREATE TABLE "${table}" (${columns.replace('"id" varchar(36) NOT NULL', '"id" varchar(36) PRIMARY KEY NOT NULL')})`,
  ),
  ...INDEXES,
  `ALTER TABLE "media" ADD COLUMN "place_id" varchar(36)`,
  `ALTER TABLE "media" ADD COLUMN "derived_from" text`,
  `ALTER TABLE "media" ADD COLUMN "copy_permission_id" varchar(36)`,
];

const POSTGRES = [
  ...TABLES(postgresVarchar, 'text', 'boolean').map(
    ([table, columns]) =>
      `CREATE TABLE "${table}" (${columns}, CONSTRAINT "PK_${table}" PRIMARY KEY ("id"))`,
  ),
  ...INDEXES,
  `ALTER TABLE "media" ADD "place_id" character varying(36)`,
  `ALTER TABLE "media" ADD "derived_from" text`,
  `ALTER TABLE "media" ADD "copy_permission_id" character varying(36)`,
];
