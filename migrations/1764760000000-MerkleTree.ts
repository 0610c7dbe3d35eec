import { randomUUID } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { rebuildTree } from '../src/modules/ledger/transparency/tree-store.js';

/**
 * A Merkle tree (RFC 9162) over each contract's 管理簿, and signed
 * checkpoints of it: the complete subtrees, written by each append; the
 * frontier and the last checkpoint in the head row; the checkpoints; and the
 * installation's id, part of every checkpoint's origin. The trees of
 * existing ledgers are built here from their entries, so that every ledger
 * has one from the first start on.
 */
export class MerkleTree1764760000000 implements MigrationInterface {
  name = 'MerkleTree1764760000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const v = (n: number) => (postgres ? `character varying(${n})` : `varchar(${n})`);
    const add = postgres ? 'ADD' : 'ADD COLUMN';
    await queryRunner.query(
      `ALTER TABLE "ledger_heads" ${add} "tree_frontier" text NOT NULL DEFAULT ${postgres ? "''" : "('')"}`,
    );
    await queryRunner.query(
      `ALTER TABLE "ledger_heads" ${add} "checkpoint_size" integer NOT NULL DEFAULT ${postgres ? '0' : '(0)'}`,
    );
    await queryRunner.query(`ALTER TABLE "ledger_heads" ${add} "checkpoint_at" ${v(24)}`);
    await queryRunner.query(
      `CREATE TABLE "ledger_tree_nodes" ("contract_id" ${v(36)} NOT NULL, "level" integer NOT NULL, "idx" integer NOT NULL, "hash" ${v(64)} NOT NULL, ${pk('ledger_tree_nodes', postgres, 'contract_id', 'level', 'idx')})`,
    );
    await queryRunner.query(
      `CREATE TABLE "ledger_checkpoints" ("contract_id" ${v(36)} NOT NULL, "tree_size" integer NOT NULL, "root_hash" ${v(64)} NOT NULL, "note" text NOT NULL, "reason" ${v(64)} NOT NULL, "signed_at" ${v(24)} NOT NULL, ${pk('ledger_checkpoints', postgres, 'contract_id', 'tree_size')})`,
    );
    await queryRunner.query(
      `CREATE TABLE "installation" ("id" ${v(36)} NOT NULL, "created_at" ${v(24)} NOT NULL, "checkpoint_key" ${v(300)}, ${pk('installation', postgres, 'id')})`,
    );
    await queryRunner.query(
      `INSERT INTO "installation" ("id", "created_at") VALUES (${postgres ? '$1, $2' : '?, ?'})`,
      [randomUUID(), new Date().toISOString()],
    );
    const heads = (await queryRunner.query(
      'SELECT contract_id FROM ledger_heads ORDER BY contract_id',
    )) as Array<{ contract_id: string }>;
    for (const { contract_id: contractId } of heads) {
      await rebuildTree(queryRunner.manager, contractId);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "installation"`);
    await queryRunner.query(`DROP TABLE "ledger_checkpoints"`);
    await queryRunner.query(`DROP TABLE "ledger_tree_nodes"`);
    for (const column of ['checkpoint_at', 'checkpoint_size', 'tree_frontier']) {
      await queryRunner.query(`ALTER TABLE "ledger_heads" DROP COLUMN "${column}"`);
    }
  }
}

function pk(table: string, postgres: boolean, ...columns: string[]): string {
  const list = columns.map((c) => `"${c}"`).join(', ');
  return postgres ? `CONSTRAINT "PK_${table}" PRIMARY KEY (${list})` : `PRIMARY KEY (${list})`;
}
