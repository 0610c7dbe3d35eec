import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigner } from '../../src/modules/ledger/transparency/signed-note.js';
import { sql } from '../support/ledger-kit.js';
import { TestApp } from '../support/test-app.js';

/**
 * The checkpoint key cannot change behind the installation's back: the first
 * start records it, and a process whose key file holds another key — a
 * second instance with a DATA_DIR of its own, a lost volume, a wrong
 * CHECKPOINT_KEY_FILE — refuses to start, instead of signing checkpoints no
 * earlier one verifies with.
 */
describe('the checkpoint key of an installation', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    t = await TestApp.start();
    dir = mkdtempSync(join(tmpdir(), 'kanribo-key-'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is recorded at the first start', async () => {
    const key = (await t.get('/api/transparency/key')).body.verifierKey as string;
    const [row] = await sql(t, 'SELECT checkpoint_key FROM installation');
    expect(row.checkpoint_key).toBe(key);
  });

  it('a second instance sharing the key file starts; one with another key refuses to', async () => {
    const file = join(t.database.env.DATA_DIR, 'checkpoint.key');
    const same = join(dir, 'same.key');
    writeFileSync(same, readFileSync(file));
    const second = await TestApp.start({ sharing: t, env: { CHECKPOINT_KEY_FILE: same } });
    expect((await second.get('/api/transparency/key')).body.verifierKey).toBe(
      (await t.get('/api/transparency/key')).body.verifierKey,
    );
    await second.close();

    const other = join(dir, 'other.key');
    writeFileSync(other, `${generateSigner('kanribo/elsewhere').secret}\n`, { mode: 0o600 });
    await expect(
      TestApp.start({ sharing: t, env: { CHECKPOINT_KEY_FILE: other } }),
    ).rejects.toThrow(/is not the key this installation signs its checkpoints with/);
    if (t.database.kind === 'postgres') {
      // A second instance with a DATA_DIR of its own (on SQLite, DATA_DIR holds the database itself).
      const otherDataDir = mkdtempSync(join(dir, 'data-'));
      await expect(TestApp.start({ sharing: t, env: { DATA_DIR: otherDataDir } })).rejects.toThrow(
        /is not the key this installation signs its checkpoints with/,
      );
    }
  });

  it('a CHECKPOINT_KEY_FILE that does not exist is an error, never a new key', async () => {
    const missing = join(dir, 'no-such.key');
    await expect(
      TestApp.start({ sharing: t, env: { CHECKPOINT_KEY_FILE: missing } }),
    ).rejects.toThrow(/cannot be used/);
    expect(() => readFileSync(missing)).toThrow();
  });
});
