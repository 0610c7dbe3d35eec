import { LedgerService, VERIFY_PAGE } from '../../src/modules/ledger/ledger.service.js';
import { aCustodyWorld, type CustodyWorld } from '../factories/custody.factory.js';
import { TestApp } from '../support/test-app.js';

/**
 * A verify reads the whole ledger (better-sqlite3 synchronously) and hashes
 * every entry: at a million entries, seconds of work. The process serves
 * other requests meanwhile, between pages.
 */
describe('…/ledger/verify of a long ledger leaves the process to other requests', () => {
  let t: TestApp;
  let c: CustodyWorld;

  beforeAll(async () => {
    t = await TestApp.start();
    c = await aCustodyWorld(t);
    // Three pages and a bit.
    const wanted = 3 * VERIFY_PAGE + 10;
    const length = async () => t.app.get(LedgerService).length(c.contractId);
    for (let n = await length(); n < wanted; n += 10) {
      await Promise.all(Array.from({ length: 10 }, () => c.dvd()));
    }
  }, 180_000);
  afterAll(() => t.close());

  it('the event loop takes turns between its pages, and the verdict is the same', async () => {
    let turns = 0;
    let running = true;
    const tick = (): void => {
      turns++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const started = turns;
    const verdict = await t.app.get(LedgerService).verify(c.contractId);
    const during = turns - started;
    running = false;
    expect(verdict).toMatchObject({ valid: true });
    expect(verdict.length).toBeGreaterThan(3 * VERIFY_PAGE);
    // One turn between each two pages at least (three here), besides the
    // database's own awaits on PostgreSQL.
    expect(during).toBeGreaterThanOrEqual(3);

    // The same verdict over HTTP.
    const verify = await t.get(`${c.base}/ledger/verify`, c.w.officerA.token);
    expect(verify.body).toMatchObject({ valid: true, length: verdict.length });
  });
});
