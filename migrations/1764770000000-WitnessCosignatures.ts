import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Witness cosignatures of checkpoints (C2SP tlog-cosignature): the wards'
 * witness keys, and the cosignatures they made of stored checkpoints, one
 * per checkpoint and key. New tables only; nothing existing changes.
 */
export class WitnessCosignatures1764770000000 implements MigrationInterface {
  name = 'WitnessCosignatures1764770000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const v = (n: number) => (postgres ? `character varying(${n})` : `varchar(${n})`);
    await queryRunner.query(
      `CREATE TABLE "witness_keys" ("id" ${v(36)} NOT NULL, "organization_id" ${v(36)} NOT NULL, "name" ${v(200)} NOT NULL, "key_id" ${v(8)} NOT NULL, "public_key" ${v(64)} NOT NULL, "verifier_key" ${v(300)} NOT NULL, "created_by_user_id" ${v(36)} NOT NULL, "created_at" ${v(24)} NOT NULL, "revoked_at" ${v(24)}, "revoked_by_user_id" ${v(36)}, ${pk('witness_keys', postgres, 'id')})`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_witness_keys_public_key" ON "witness_keys" ("organization_id", "public_key") `,
    );
    await queryRunner.query(
      `CREATE TABLE "ledger_cosignatures" ("contract_id" ${v(36)} NOT NULL, "tree_size" integer NOT NULL, "witness_key_id" ${v(36)} NOT NULL, "line" text NOT NULL, "cosigned_at" ${v(24)} NOT NULL, "recorded_by_user_id" ${v(36)} NOT NULL, "recorded_at" ${v(24)} NOT NULL, ${pk('ledger_cosignatures', postgres, 'contract_id', 'tree_size', 'witness_key_id')})`,
    );
    await queryRunner.query(
      `CREATE INDEX "idx_ledger_cosignatures_key" ON "ledger_cosignatures" ("witness_key_id", "contract_id", "tree_size") `,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "idx_ledger_cosignatures_key"`);
    await queryRunner.query(`DROP TABLE "ledger_cosignatures"`);
    await queryRunner.query(`DROP INDEX "uq_witness_keys_public_key"`);
    await queryRunner.query(`DROP TABLE "witness_keys"`);
  }
}

function pk(table: string, postgres: boolean, ...columns: string[]): string {
  const list = columns.map((c) => `"${c}"`).join(', ');
  return postgres ? `CONSTRAINT "PK_${table}" PRIMARY KEY (${list})` : `PRIMARY KEY (${list})`;
}
