import { hash as digest } from 'node:crypto';

/**
 * The Merkle tree of RFC 9162 §2.1 (Certificate Transparency 2.0), the tree
 * Go's checksum database and Sigstore's logs use, over one contract's 管理簿:
 * leaf i is the entry with seq i+1. Pure functions on 32-byte hashes, shared
 * by the service (which stores complete subtrees, so that no request
 * recomputes the tree) and the offline verifier.
 */

/** SHA-256 of the empty string: the root of a tree with no leaves. */
export const EMPTY_ROOT: Buffer = sha256('');

/**
 * The digest comes back as a binary (latin1) string and is copied into a pooled
 * buffer: asked for as 'buffer', each call allocated an ArrayBuffer of its
 * own, which cost about as much as hashing a 1 KiB leaf.
 */
function sha256(data: Uint8Array | string): Buffer {
  return Buffer.from(digest('sha256', data, 'binary'), 'binary');
}

// One-shot `crypto.hash` over one buffer: a Hash object with an update per
// part costs about twice as much per call, and appends and verify hash once
// or twice per entry.

/**
 * 0x00 ‖ a leaf's bytes, rewritten by each {@link leafHash} of bytes up to
 * 64 KiB (synchronous: no call sees another's bytes). The verifier hashes a
 * leaf per entry: a buffer per call took a new 8 KiB pool every few entries.
 */
const LEAF_INPUT = Buffer.alloc(64 * 1024);

/** RFC 9162 §2.1.1: SHA-256(0x00 ‖ data); a string is hashed as its UTF-8 bytes. */
export function leafHash(data: Uint8Array | string): Buffer {
  if (typeof data === 'string') return sha256(`\0${data}`);
  const input = data.length < LEAF_INPUT.length ? LEAF_INPUT : Buffer.allocUnsafe(data.length + 1);
  input[0] = 0;
  input.set(data, 1);
  return sha256(input.subarray(0, data.length + 1));
}

const NODE_PREFIX = Buffer.from([1]);

/** 0x01 ‖ left ‖ right, rewritten by each {@link nodeHash} (synchronous: no call sees another's bytes). */
const NODE_INPUT = Buffer.alloc(65, 1);

/** RFC 9162 §2.1.1: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== 32 || right.length !== 32) {
    return sha256(Buffer.concat([NODE_PREFIX, left, right]));
  }
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 33);
  return sha256(NODE_INPUT);
}

/** The largest power of two smaller than `n` (n ≥ 2): where RFC 9162 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** A complete subtree: the 2^level leaves from index·2^level on. */
export interface NodeId {
  level: number;
  index: number;
}

/** Leaves [start, end) of a tree. */
export type Range = readonly [start: number, end: number];

/**
 * The complete subtrees that make up leaves [start, end), left to right, the
 * largest first: for a range that starts at a multiple of a power of two at
 * least its size (every range a proof names does), these are stored nodes,
 * and {@link foldRange} of their hashes is the range's tree hash.
 */
export function rangeNodes(start: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  let position = start;
  let size = end - start;
  while (size > 0) {
    let width = 1;
    let level = 0;
    while (width * 2 <= size) {
      width *= 2;
      level++;
    }
    nodes.push({ level, index: position / width });
    position += width;
    size -= width;
  }
  return nodes;
}

/** The tree hash of a range from its {@link rangeNodes}' hashes: folded from the right. */
export function foldRange(hashes: readonly Buffer[]): Buffer {
  if (hashes.length === 0) return EMPTY_ROOT;
  let hash = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) hash = nodeHash(hashes[i]!, hash);
  return hash;
}

/** The root of the first `leaves.length` leaves, recomputed from all of them (tests, the offline verifier). */
export function rootOf(leaves: readonly Buffer[]): Buffer {
  return subtreeRoot(leaves, 0, leaves.length);
}

function subtreeRoot(leaves: readonly Buffer[], start: number, end: number): Buffer {
  const size = end - start;
  if (size === 0) return EMPTY_ROOT;
  if (size === 1) return leaves[start]!;
  const k = splitPoint(size);
  return nodeHash(subtreeRoot(leaves, start, start + k), subtreeRoot(leaves, start + k, end));
}

/**
 * RFC 9162 §2.1.3.1, PATH(m, D[n]): the ranges whose tree hashes form the
 * inclusion proof of leaf `index` in a tree of `size` leaves, bottom first.
 */
export function inclusionRanges(index: number, size: number): Range[] {
  if (!(index >= 0 && index < size))
    throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
  const path: Range[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      path.push([start + k, end]);
      end = start + k;
    } else {
      path.push([start, start + k]);
      start += k;
    }
  }
  return path.reverse();
}

/**
 * RFC 9162 §2.1.4.1, PROOF(m, D[n]): the ranges whose tree hashes form the
 * consistency proof from the tree of `first` leaves to the tree of `second`.
 * Empty when first is 0 or equal to second.
 */
export function consistencyRanges(first: number, second: number): Range[] {
  if (!(first >= 0 && first <= second)) {
    throw new RangeError(`no consistency proof from ${first} to ${second}`);
  }
  if (first === 0 || first === second) return [];
  const proof: Range[] = [];
  let m = first;
  let start = 0;
  let end = second;
  let whole = true;
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      proof.push([start + k, end]);
      end = start + k;
    } else {
      proof.push([start, start + k]);
      m -= k;
      start += k;
      whole = false;
    }
  }
  if (!whole) proof.push([start, end]);
  return proof.reverse();
}

/** Proof hashes from the whole list of leaves (tests and small trees). */
export function proofFromLeaves(leaves: readonly Buffer[], ranges: readonly Range[]): Buffer[] {
  return ranges.map(([start, end]) => subtreeRoot(leaves, start, end));
}

const isHash = (value: unknown): value is Buffer => Buffer.isBuffer(value) && value.length === 32;

/** RFC 9162 §2.1.3.2: does `proof` put `leaf` at `index` of the tree of `size` whose root is `root`? */
export function verifyInclusion(
  leaf: Buffer,
  index: number,
  size: number,
  proof: readonly Buffer[],
  root: Buffer,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size)) return false;
  if (index < 0 || index >= size || !isHash(leaf) || !isHash(root)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (!isHash(p) || sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree of `first` leaves to be a prefix of the tree of `second`? */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Buffer,
  secondRoot: Buffer,
  proof: readonly Buffer[],
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second)) return false;
  if (first < 0 || first > second || !isHash(firstRoot) || !isHash(secondRoot)) return false;
  if (!proof.every(isHash)) return false;
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (first === 0) return proof.length === 0 && firstRoot.equals(EMPTY_ROOT);
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(firstRoot) && sr.equals(secondRoot);
}

function isPowerOfTwo(n: number): boolean {
  let k = 1;
  while (k < n) k *= 2;
  return k === n;
}

/** A node computed by an append, to be stored. */
export interface StoredNode extends NodeId {
  hash: Buffer;
}

/**
 * Appends one leaf to a tree of `size` leaves known by its frontier (the
 * hashes of {@link rangeNodes}(0, size): one per set bit of size, largest
 * first). Returns the new frontier and the complete subtrees the leaf
 * completed (the leaf itself first): on average two per append.
 */
export function appendLeaf(
  frontier: readonly Buffer[],
  size: number,
  leaf: Buffer,
): { frontier: Buffer[]; nodes: StoredNode[] } {
  const next = [...frontier];
  const nodes: StoredNode[] = [{ level: 0, index: size, hash: leaf }];
  let hash = leaf;
  let level = 0;
  let index = size;
  let rest = size;
  while (rest % 2 === 1) {
    const left = next.pop();
    if (!left) throw new Error(`the frontier does not match a tree of ${size}`);
    hash = nodeHash(left, hash);
    level++;
    index = Math.floor(index / 2);
    rest = Math.floor(rest / 2);
    nodes.push({ level, index, hash });
  }
  next.push(hash);
  return { frontier: next, nodes };
}
