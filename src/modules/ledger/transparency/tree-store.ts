import type { EntityManager } from 'typeorm';
import { Sql } from '../../../database/sql.js';
import { type StoredEntry, storedEntryJson, storedFromRow, type StoredRow } from '../hash-chain.js';
import { appendLeaf, leafHash, type NodeId, type StoredNode } from './merkle.js';

/**
 * The stored Merkle tree of each contract's 管理簿: complete subtrees in
 * `ledger_tree_nodes`, the frontier in the head row. Plain SQL on the
 * caller's transaction, like the rest of the append path.
 */

/** The leaf hash of a stored entry: SHA-256(0x00 ‖ its canonical JSON, hash included). */
export function entryLeafHash(row: StoredEntry): Buffer {
  return leafHash(storedEntryJson(row));
}

export function frontierText(frontier: readonly Buffer[]): string {
  return frontier.map((hash) => hash.toString('hex')).join('');
}

export function parseFrontier(text: string): Buffer[] {
  const frontier: Buffer[] = [];
  for (let at = 0; at < text.length; at += 64) {
    frontier.push(Buffer.from(text.slice(at, at + 64), 'hex'));
  }
  return frontier;
}

/** Rows per INSERT: four parameters each, well under either database's limit. */
const INSERT_ROWS = 250;

export async function insertNodes(
  sql: Sql,
  contractId: string,
  nodes: readonly StoredNode[],
): Promise<void> {
  for (let at = 0; at < nodes.length; at += INSERT_ROWS) {
    const chunk = nodes.slice(at, at + INSERT_ROWS);
    await sql.run(
      `INSERT INTO ledger_tree_nodes (contract_id, level, idx, hash) VALUES ${chunk.map(() => '(?, ?, ?, ?)').join(', ')}`,
      chunk.flatMap((node) => [contractId, node.level, node.index, node.hash.toString('hex')]),
    );
  }
}

/**
 * The hashes of the given complete subtrees, in the order asked, read in
 * one query. Throws when one is missing: a tree that lost a node cannot
 * serve a proof.
 */
export async function readNodes(
  sql: Sql,
  contractId: string,
  ids: readonly NodeId[],
): Promise<Buffer[]> {
  if (ids.length === 0) return [];
  const unique = [...new Map(ids.map((id) => [`${id.level}/${id.index}`, id])).values()];
  // The contract inside every term: with it outside the OR, SQLite (no
  // statistics) walks every node of the contract — 1.2 s at a million entries
  // — instead of one primary-key lookup per node (0.07 ms).
  const rows = await sql.all<{ level: number | string; idx: number | string; hash: string }>(
    `SELECT level, idx, hash FROM ledger_tree_nodes WHERE ${unique.map(() => '(contract_id = ? AND level = ? AND idx = ?)').join(' OR ')}`,
    unique.flatMap((id) => [contractId, id.level, id.index]),
  );
  const found = new Map(rows.map((row) => [`${Number(row.level)}/${Number(row.idx)}`, row.hash]));
  return ids.map((id) => {
    const hash = found.get(`${id.level}/${id.index}`);
    if (!hash) throw new MissingTreeNode(contractId, id);
    return Buffer.from(hash, 'hex');
  });
}

export class MissingTreeNode extends Error {
  constructor(contractId: string, id: NodeId) {
    super(`the Merkle tree of contract ${contractId} lacks node ${id.level}/${id.index}`);
  }
}

/** Entries read per query when building a tree from the chain. */
const BATCH = 2000;

/**
 * Builds a contract's tree from its stored entries, replacing any stored
 * nodes, and writes the frontier to its head row. Run by the migration that
 * introduced the tree and by `ledger:rebuild`; the caller holds the write
 * lock. Returns the tree's size.
 */
export async function rebuildTree(manager: EntityManager, contractId: string): Promise<number> {
  const sql = new Sql(manager);
  await sql.run('DELETE FROM ledger_tree_nodes WHERE contract_id = ?', [contractId]);
  let frontier: Buffer[] = [];
  let size = 0;
  for (;;) {
    const rows = await sql.all<StoredRow>(
      `SELECT contract_id, seq, type, occurred_at, recorded_at, actor, payload, prev_hash, hash
         FROM ledger_entries WHERE contract_id = ? AND seq > ? ORDER BY seq LIMIT ${BATCH}`,
      [contractId, size],
    );
    const nodes: StoredNode[] = [];
    for (const row of rows) {
      const leaf = entryLeafHash(storedFromRow(row));
      const appended = appendLeaf(frontier, size, leaf);
      frontier = appended.frontier;
      nodes.push(...appended.nodes);
      size++;
    }
    await insertNodes(sql, contractId, nodes);
    if (rows.length < BATCH) break;
  }
  await sql.run('UPDATE ledger_heads SET tree_frontier = ? WHERE contract_id = ?', [
    frontierText(frontier),
    contractId,
  ]);
  return size;
}
