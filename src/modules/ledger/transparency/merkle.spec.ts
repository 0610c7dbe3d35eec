import {
  appendLeaf,
  consistencyRanges,
  EMPTY_ROOT,
  foldRange,
  inclusionRanges,
  leafHash,
  nodeHash,
  proofFromLeaves,
  type Range,
  rangeNodes,
  rootOf,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';

const hex = (b: Buffer) => b.toString('hex');
const unhex = (s: string) => Buffer.from(s, 'hex');

// RFC 6962's test data, as the Certificate Transparency and transparency-dev
// implementations use it: eight leaves, the root of every prefix, and
// proofs (used as data only).
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((data) => leafHash(unhex(data)));
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const INCLUSION = [
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];
const CONSISTENCY = [
  {
    first: 2,
    second: 8,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    first: 6,
    second: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

/** The tree as the service keeps it: every complete subtree, built by appends. */
class StoredTree {
  readonly nodes = new Map<string, Buffer>();
  frontier: Buffer[] = [];
  size = 0;

  append(leaf: Buffer): void {
    const { frontier, nodes } = appendLeaf(this.frontier, this.size, leaf);
    for (const node of nodes) this.nodes.set(`${node.level}/${node.index}`, node.hash);
    this.frontier = frontier;
    this.size++;
  }

  root(): Buffer {
    return foldRange(this.frontier);
  }

  /** A range's hash from stored nodes only, as the service serves proofs. */
  rangeHash([start, end]: Range): Buffer {
    return foldRange(
      rangeNodes(start, end).map(({ level, index }) => {
        const hash = this.nodes.get(`${level}/${index}`);
        if (!hash) throw new Error(`node ${level}/${index} is not stored`);
        return hash;
      }),
    );
  }

  prefixRoot(size: number): Buffer {
    return size === 0 ? EMPTY_ROOT : this.rangeHash([0, size]);
  }
}

/** A seeded generator, so that a failure names a case that can be run again. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const leafOf = (i: number) => leafHash(`entry ${i}`);

describe('Merkle tree (RFC 9162 §2.1)', () => {
  it('matches RFC 6962’s root of every prefix of its test data, built at once and by appends', () => {
    const tree = new StoredTree();
    expect(hex(tree.root())).toBe(ROOTS[0]);
    for (let n = 1; n <= LEAVES.length; n++) {
      expect(hex(rootOf(LEAVES.slice(0, n)))).toBe(ROOTS[n]);
      tree.append(LEAVES[n - 1]!);
      expect(hex(tree.root())).toBe(ROOTS[n]);
    }
    expect(hex(leafHash(Buffer.alloc(0)))).toBe(ROOTS[1]);
    expect(hex(nodeHash(LEAVES[0]!, LEAVES[1]!))).toBe(ROOTS[2]);
  });

  it('gives the reference inclusion and consistency proofs, and they verify', () => {
    const tree = new StoredTree();
    for (const leaf of LEAVES) tree.append(leaf);
    for (const v of INCLUSION) {
      const proof = inclusionRanges(v.index, v.size).map((r) => tree.rangeHash(r));
      expect(proof.map(hex)).toEqual(v.proof);
      expect(verifyInclusion(LEAVES[v.index]!, v.index, v.size, proof, unhex(ROOTS[v.size]!))).toBe(
        true,
      );
    }
    for (const v of CONSISTENCY) {
      const proof = consistencyRanges(v.first, v.second).map((r) => tree.rangeHash(r));
      expect(proof.map(hex)).toEqual(v.proof);
      expect(
        verifyConsistency(
          v.first,
          v.second,
          unhex(ROOTS[v.first]!),
          unhex(ROOTS[v.second]!),
          proof,
        ),
      ).toBe(true);
    }
  });

  it('serves, from stored nodes, the same proofs as the RFC’s recursion over all leaves (sizes 1..64, every pair)', () => {
    const leaves = Array.from({ length: 64 }, (_, i) => leafOf(i));
    const tree = new StoredTree();
    for (let n = 1; n <= 64; n++) {
      tree.append(leaves[n - 1]!);
      const all = leaves.slice(0, n);
      expect(hex(tree.root())).toBe(hex(rootOf(all)));
      for (let i = 0; i < n; i++) {
        const ranges = inclusionRanges(i, n);
        expect(ranges.map((r) => hex(tree.rangeHash(r)))).toEqual(
          proofFromLeaves(all, ranges).map(hex),
        );
      }
      for (let m = 0; m <= n; m++) {
        const ranges = consistencyRanges(m, n);
        expect(ranges.map((r) => hex(tree.rangeHash(r)))).toEqual(
          proofFromLeaves(all, ranges).map(hex),
        );
      }
    }
  });

  it('property: for random sizes up to 2,000 every proof verifies, and none for a changed leaf, root or proof', () => {
    const next = random(20261204);
    const tree = new StoredTree();
    const sizes = new Set<number>([1, 2, 3, 1024, 1025, 2000]);
    while (sizes.size < 16) sizes.add(1 + Math.floor(next() * 2000));
    const ordered = [...sizes].sort((a, b) => a - b);
    const roots: Buffer[] = [EMPTY_ROOT];
    let checked = 0;
    for (const n of ordered) {
      while (tree.size < n) {
        tree.append(leafOf(tree.size));
        roots.push(tree.root());
      }
      const root = roots[n]!;
      for (let i = 0; i < n; i++) {
        const proof = inclusionRanges(i, n).map((r) => tree.rangeHash(r));
        expect(verifyInclusion(leafOf(i), i, n, proof, root)).toBe(true);
        expect(verifyInclusion(leafHash(`changed ${i}`), i, n, proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(leafOf(i), (i + 1) % n, n, proof, root)).toBe(false);
        if (proof.length > 0) {
          const bent = proof.map((p) => Buffer.from(p));
          bent[Math.floor(next() * bent.length)]![7]! ^= 1;
          expect(verifyInclusion(leafOf(i), i, n, bent, root)).toBe(false);
          expect(verifyInclusion(leafOf(i), i, n, proof.slice(0, -1), root)).toBe(false);
          expect(verifyInclusion(leafOf(i), i, n, [...proof, root], root)).toBe(false);
        }
        checked++;
      }
      for (let m = 0; m <= n; m++) {
        const proof = consistencyRanges(m, n).map((r) => tree.rangeHash(r));
        expect(verifyConsistency(m, n, roots[m]!, root, proof)).toBe(true);
        if (m > 0 && m < n) {
          if (next() < 0.02) {
            // A first tree whose leaf changed (a rewritten entry) is not a prefix.
            const rewritten = Array.from({ length: m }, (_, i) => leafOf(i));
            rewritten[Math.floor(next() * m)] = leafHash('rewritten');
            expect(verifyConsistency(m, n, rootOf(rewritten), root, proof)).toBe(false);
          }
          const bent = proof.map((p) => Buffer.from(p));
          bent[Math.floor(next() * bent.length)]![3]! ^= 0x80;
          expect(verifyConsistency(m, n, roots[m]!, root, bent)).toBe(false);
          expect(verifyConsistency(m, n, roots[m]!, root, proof.slice(1))).toBe(false);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it('refuses what is not a proof', () => {
    const tree = new StoredTree();
    for (const leaf of LEAVES) tree.append(leaf);
    const root8 = unhex(ROOTS[8]!);
    const proof = inclusionRanges(5, 8).map((r) => tree.rangeHash(r));
    expect(verifyInclusion(LEAVES[5]!, 8, 8, proof, root8)).toBe(false);
    expect(verifyInclusion(LEAVES[5]!, -1, 8, proof, root8)).toBe(false);
    expect(verifyInclusion(LEAVES[5]!, 5, 8, [Buffer.alloc(31), ...proof.slice(1)], root8)).toBe(
      false,
    );
    expect(verifyConsistency(8, 6, root8, unhex(ROOTS[6]!), [])).toBe(false);
    expect(verifyConsistency(4, 4, unhex(ROOTS[4]!), unhex(ROOTS[4]!), [])).toBe(true);
    expect(verifyConsistency(4, 4, unhex(ROOTS[4]!), unhex(ROOTS[5]!), [])).toBe(false);
    expect(verifyConsistency(0, 8, EMPTY_ROOT, root8, [])).toBe(true);
    expect(verifyConsistency(6, 8, unhex(ROOTS[6]!), root8, [])).toBe(false);
    expect(() => inclusionRanges(8, 8)).toThrow(RangeError);
    expect(() => consistencyRanges(5, 3)).toThrow(RangeError);
  });

  it('an append stores on average two nodes and keeps one frontier hash per set bit of the size', () => {
    let frontier: Buffer[] = [];
    let stored = 0;
    for (let size = 0; size < 4096; size++) {
      const result = appendLeaf(frontier, size, leafOf(size));
      frontier = result.frontier;
      stored += result.nodes.length;
      expect(frontier.length).toBe((size + 1).toString(2).replaceAll('0', '').length);
    }
    expect(stored).toBe(2 * 4096 - 1);
  });
});
