import { randomUUID } from 'node:crypto';
import type { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { Sql } from '../src/database/sql.js';
import { storedFromRow, type StoredRow } from '../src/modules/ledger/hash-chain.js';
import { appendLeaf, type StoredNode } from '../src/modules/ledger/transparency/merkle.js';
import { entryLeafHash, frontierText } from '../src/modules/ledger/transparency/tree-store.js';

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
      await buildTreeTable(queryRunner.manager, contractId);
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

/**
 * Builds a contract's tree into `ledger_tree_nodes` and its head row, as
 * appends did when this migration was written: the nodes moved into the
 * entries' own rows later (TreeNodesInEntries1764780000000 moves them).
 * The benchmark builds a baseline checkout's tree of that time with it too.
 */
export async function buildTreeTable(manager: EntityManager, contractId: string): Promise<void> {
  const sql = new Sql(manager);
  let frontier: Buffer[] = [];
  let size = 0;
  for (;;) {
    const rows = await sql.all<StoredRow>(
      `SELECT contract_id, seq, type, occurred_at, recorded_at, actor, payload, prev_hash, hash
         FROM ledger_entries WHERE contract_id = ? AND seq > ? ORDER BY seq LIMIT 2000`,
      [contractId, size],
    );
    const nodes: StoredNode[] = [];
    for (const row of rows) {
      const appended = appendLeaf(frontier, size, entryLeafHash(storedFromRow(row)));
      frontier = appended.frontier;
      nodes.push(...appended.nodes);
      size++;
    }
    for (let at = 0; at < nodes.length; at += 250) {
      const chunk = nodes.slice(at, at + 250);
      await sql.run(
        `INSERT INTO ledger_tree_nodes (contract_id, level, idx, hash) VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')}`,
        chunk.flatMap((node) => [contractId, node.level, node.index, node.hash.toString('hex')]),
      );
    }
    if (rows.length < 2000) break;
  }
  await sql.run('UPDATE ledger_heads SET tree_frontier = ? WHERE contract_id = ?', [
    frontierText(frontier),
    contractId,
  ]);
}

function pk(table: string, postgres: boolean, ...columns: string[]): string {
  const list = columns.map((c) => `"${c}"`).join(', ');
  return postgres ? `CONSTRAINT "PK_${table}" PRIMARY KEY (${list})` : `PRIMARY KEY (${list})`;
}
