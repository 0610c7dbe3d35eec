import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Merkle tree's nodes move into the entries: each entry's `tree_nodes`
 * holds the complete subtrees its append completed (node (level, idx) is
 * kept by entry (idx+1)·2^level, level 0 first, 64 hex digits each), so that
 * an append writes its nodes in its own INSERT instead of a statement and
 * two B-tree pages more. The stored nodes are moved as they are, not
 * recomputed: a tree that no longer matches its entries still shows it.
 */
export class TreeNodesInEntries1764780000000 implements MigrationInterface {
  name = 'TreeNodesInEntries1764780000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    await queryRunner.query(
      `ALTER TABLE "ledger_entries" ${postgres ? 'ADD' : 'ADD COLUMN'} "tree_nodes" text`,
    );
    const [levels] = (await queryRunner.query(
      'SELECT max(level) AS top FROM ledger_tree_nodes',
    )) as Array<{ top: number | string | null }>;
    const top = levels?.top ?? null;
    // A level at a time, each appended only where every level below it is:
    // an entry's nodes stay contiguous from level 0 (a tree that lost a node
    // loses the ones above it in that entry too, and cannot serve those proofs).
    // Both join directions are spelled out, so that either database can look
    // up the other side by its primary key.
    for (let level = 0; top !== null && level <= Number(top); level++) {
      const width = 2 ** level;
      await queryRunner.query(
        `UPDATE ledger_entries SET tree_nodes = ${level === 0 ? '' : 'ledger_entries.tree_nodes || '}n.hash
           FROM ledger_tree_nodes n
          WHERE n.contract_id = ledger_entries.contract_id AND n.level = ${level}
            AND ledger_entries.seq = (n.idx + 1) * ${width}
            AND n.idx = ledger_entries.seq / ${width} - 1 AND ledger_entries.seq % ${width} = 0
            AND ${level === 0 ? 'ledger_entries.tree_nodes IS NULL' : `length(ledger_entries.tree_nodes) = ${64 * level}`}`,
      );
    }
    await queryRunner.query(`DROP TABLE "ledger_tree_nodes"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const v = (n: number) => (postgres ? `character varying(${n})` : `varchar(${n})`);
    const list = '"contract_id", "level", "idx"';
    await queryRunner.query(
      `CREATE TABLE "ledger_tree_nodes" ("contract_id" ${v(36)} NOT NULL, "level" integer NOT NULL, "idx" integer NOT NULL, "hash" ${v(64)} NOT NULL, ${postgres ? `CONSTRAINT "PK_ledger_tree_nodes" PRIMARY KEY (${list})` : `PRIMARY KEY (${list})`})`,
    );
    const [lengths] = (await queryRunner.query(
      'SELECT max(length(tree_nodes)) AS longest FROM ledger_entries',
    )) as Array<{ longest: number | string | null }>;
    const longest = lengths?.longest ?? null;
    for (let level = 0; level * 64 < Number(longest ?? 0); level++) {
      await queryRunner.query(
        `INSERT INTO ledger_tree_nodes (contract_id, level, idx, hash)
         SELECT contract_id, ${level}, seq / ${2 ** level} - 1, substr(tree_nodes, ${64 * level + 1}, 64)
           FROM ledger_entries WHERE length(tree_nodes) >= ${64 * (level + 1)}`,
      );
    }
    await queryRunner.query(`ALTER TABLE "ledger_entries" DROP COLUMN "tree_nodes"`);
  }
}
