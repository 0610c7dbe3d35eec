import { aCustodyWorld } from '../factories/custody.factory.js';
import { merkleLeaf, merkleRoot, readLedger, sql } from '../support/ledger-kit.js';
import { TestApp } from '../support/test-app.js';

/**
 * The migration that introduced the Merkle tree builds the trees of the
 * ledgers already kept: an installation upgraded with months of entries gets
 * the same tree as one whose appends built it, and goes on appending to it.
 */
describe('the MerkleTree migration on a database with ledgers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await TestApp.start();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('builds each existing ledger’s tree exactly as its appends would have', async () => {
    const worlds = [await aCustodyWorld(t), await aCustodyWorld(t)];
    for (const [i, world] of worlds.entries()) {
      for (let n = 0; n < 5 + i * 4; n++) await world.dvd(`DVD-M${i}-${n}`);
    }
    const snapshot = async () => ({
      nodes: await sql(
        t,
        'SELECT contract_id, seq, tree_nodes FROM ledger_entries ORDER BY contract_id, seq',
      ),
      heads: await sql(
        t,
        'SELECT contract_id, tree_frontier FROM ledger_heads ORDER BY contract_id',
      ),
    });
    const built = await snapshot();
    expect(built.nodes.length).toBeGreaterThan(10);
    expect(built.nodes.every((r: { tree_nodes: string | null }) => r.tree_nodes)).toBe(true);

    // Back to the schema before the tree (undoing what came after it too), then forward again.
    const applied = async () =>
      (await sql(t, 'SELECT name FROM migrations ORDER BY id')).map(
        (r: { name: string }) => r.name,
      );
    const undone: string[] = [];
    while ((await applied()).includes('MerkleTree1764760000000')) {
      undone.push((await applied()).at(-1)!);
      await t.dataSource.undoLastMigration({ transaction: 'each' });
    }
    expect(undone.at(-1)).toBe('MerkleTree1764760000000');
    const tables = await t.dataSource.createQueryRunner().getTables(['ledger_tree_nodes']);
    expect(tables).toHaveLength(0);
    await t.dataSource.runMigrations({ transaction: 'each' });

    expect(await snapshot()).toEqual(built);
    // Appends go on from the migrated frontier, and the checkpoint is the recomputed root.
    const world = worlds[1]!;
    await world.dvd('DVD-AFTER-UPGRADE');
    const r = await t.get(`${world.base}/ledger/checkpoint`, world.w.officerA.token);
    const served = await readLedger(t, world.contractId, world.w.officerA.token);
    expect(r.body.treeSize).toBe(served.length);
    expect(r.body.rootHash).toBe(merkleRoot(served.map(merkleLeaf)).toString('hex'));
  });
});
