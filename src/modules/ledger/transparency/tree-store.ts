import { hash as digest } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Sql } from '../../../database/sql.js';
import {
  type StoredEntry,
  storedEntryJson,
  storedFromRow,
  type StoredRow,
  withHash,
} from '../hash-chain.js';
import { appendLeaf, leafHash, type NodeId, type StoredNode } from './merkle.js';

/**
 * The stored Merkle tree of each contract's 管理簿. Each complete subtree is
 * kept in the entry whose append completed it: node (level, idx) covers
 * leaves idx·2^level … (idx+1)·2^level − 1, so it is completed by entry
 * seq (idx+1)·2^level, and that entry's `tree_nodes` holds the hashes of
 * levels 0 (its own leaf), 1, 2, … it completed, 64 hex digits each, in that
 * order. An append writes them in the INSERT of its entry: no other row and
 * no other index than the entry's own (a table of nodes cost a statement and
 * two more B-tree pages per commit). The frontier is in the head row. Plain
 * SQL on the caller's transaction, like the rest of the append path.
 */

/** The leaf hash of a stored entry: SHA-256(0x00 ‖ its canonical JSON, hash included). */
export function entryLeafHash(row: StoredEntry): Buffer {
  return leafHash(storedEntryJson(row));
}

/** {@link entryLeafHash} in hex, from the entry's canonical JSON parts (storedEntryParts) and hash. */
export function entryLeafHex(parts: { head: string; tail: string }, hash: string): string {
  return digest('sha256', `\0${withHash(parts.head, hash, parts.tail)}`, 'hex');
}

/** The `tree_nodes` text of an entry: the nodes its append completed, level 0 first. */
export function treeNodesText(nodes: readonly StoredNode[]): string {
  return nodes.map((node) => node.hash.toString('hex')).join('');
}

/** Hex digits per stored hash. */
const HASH_HEX = 64;

/** The entry whose append completed a node, and where its hash is in that entry's `tree_nodes`. */
export function nodeHolder(id: NodeId): { seq: number; offset: number } {
  return { seq: (id.index + 1) * 2 ** id.level, offset: id.level * HASH_HEX };
}

export function frontierText(frontier: readonly Buffer[]): string {
  return frontier.map((hash) => hash.toString('hex')).join('');
}

export function parseFrontier(text: string): Buffer[] {
  const frontier: Buffer[] = [];
  for (let at = 0; at < text.length; at += HASH_HEX) {
    frontier.push(Buffer.from(text.slice(at, at + HASH_HEX), 'hex'));
  }
  return frontier;
}

/**
 * The hashes of the given complete subtrees, in the order asked, read in
 * one query (a primary-key lookup per entry that holds one). Throws when one
 * is missing: a tree that lost a node cannot serve a proof.
 */
export async function readNodes(
  sql: Sql,
  contractId: string,
  ids: readonly NodeId[],
): Promise<Buffer[]> {
  if (ids.length === 0) return [];
  const seqs = [...new Set(ids.map((id) => nodeHolder(id).seq))];
  const rows = await sql.all<{ seq: number | string; tree_nodes: string | null }>(
    `SELECT seq, tree_nodes FROM ledger_entries WHERE contract_id = ? AND seq IN (${Sql.list(seqs.length)})`,
    [contractId, ...seqs],
  );
  const held = new Map(rows.map((row) => [Number(row.seq), row.tree_nodes ?? '']));
  return ids.map((id) => {
    const { seq, offset } = nodeHolder(id);
    const hash = held.get(seq)?.slice(offset, offset + HASH_HEX) ?? '';
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new MissingTreeNode(contractId, id);
    return Buffer.from(hash, 'hex');
  });
}

export class MissingTreeNode extends Error {
  constructor(contractId: string, id: NodeId) {
    super(`the Merkle tree of contract ${contractId} lacks node ${id.level}/${id.index}`);
  }
}

/** Entries read, and written back, per query when building a tree from the chain. */
const BATCH = 2000;

/**
 * Builds a contract's tree from its stored entries, replacing any stored
 * nodes, and writes the frontier to its head row. Run by the migration that
 * keeps the tree in the entries and by `ledger:rebuild`; the caller holds the
 * write lock. Returns the tree's size.
 */
export async function rebuildTree(manager: EntityManager, contractId: string): Promise<number> {
  const sql = new Sql(manager);
  let frontier: Buffer[] = [];
  let size = 0;
  let after = 0;
  for (;;) {
    const rows = await sql.all<StoredRow>(
      `SELECT contract_id, seq, type, occurred_at, recorded_at, actor, payload, prev_hash, hash
         FROM ledger_entries WHERE contract_id = ? AND seq > ? ORDER BY seq LIMIT ${BATCH}`,
      [contractId, after],
    );
    const held: Array<[seq: number, nodes: string]> = [];
    for (const row of rows) {
      const entry = storedFromRow(row);
      const appended = appendLeaf(frontier, size, entryLeafHash(entry));
      frontier = appended.frontier;
      size++;
      after = entry.seq;
      held.push([entry.seq, treeNodesText(appended.nodes)]);
    }
    await writeTreeNodes(sql, contractId, held);
    if (rows.length < BATCH) break;
  }
  await sql.run('UPDATE ledger_heads SET tree_frontier = ? WHERE contract_id = ?', [
    frontierText(frontier),
    contractId,
  ]);
  return size;
}

/** Sets `tree_nodes` of the given entries, in one statement. */
async function writeTreeNodes(
  sql: Sql,
  contractId: string,
  held: ReadonlyArray<readonly [seq: number, nodes: string]>,
): Promise<void> {
  if (held.length === 0) return;
  await sql.run(
    `WITH held (seq, nodes) AS (VALUES ${held.map(() => '(CAST(? AS integer), CAST(? AS text))').join(', ')})
     UPDATE ledger_entries SET tree_nodes = held.nodes FROM held
      WHERE ledger_entries.contract_id = ? AND ledger_entries.seq = held.seq`,
    [...held.flat(), contractId],
  );
}
