import { loadConfig } from '../../config/app-config.js';
import { Metrics } from './metrics.js';

describe('Metrics', () => {
  it('records delivery outcomes per channel when on', async () => {
    const metrics = new Metrics(loadConfig({ METRICS: 'on' }));
    metrics.delivery('webhook', 'delivered');
    metrics.delivery('webhook', 'delivered');
    metrics.delivery('webhook', 'retry');
    metrics.delivery('email', 'failed');
    const text = await metrics.registry.metrics();
    expect(text).toContain('kanribo_deliveries_total{channel="webhook",outcome="delivered"} 2');
    expect(text).toContain('kanribo_deliveries_total{channel="webhook",outcome="retry"} 1');
    expect(text).toContain('kanribo_deliveries_total{channel="email",outcome="failed"} 1');
  });

  it('records a head lock hold and its statements per outcome', async () => {
    const metrics = new Metrics(loadConfig({ METRICS: 'on' }));
    metrics.ledgerHeadLock(0.004, 7, true);
    metrics.ledgerHeadLock(0.012, 9, true);
    metrics.ledgerHeadLock(0.002, 3, false);
    const text = await metrics.registry.metrics();
    expect(text).toContain('kanribo_ledger_head_lock_seconds_count{outcome="commit"} 2');
    expect(text).toContain(
      'kanribo_ledger_head_lock_seconds_bucket{le="0.005",outcome="commit"} 1',
    );
    expect(text).toContain('kanribo_ledger_locked_statements_sum{outcome="commit"} 16');
    expect(text).toContain('kanribo_ledger_locked_statements_bucket{le="3",outcome="rollback"} 1');
  });

  it('collects nothing when off: no samples, no process metrics, no gauges', async () => {
    const metrics = new Metrics(loadConfig({}));
    expect(metrics.enabled).toBe(false);
    metrics.delivery('webhook', 'delivered');
    metrics.httpRequest('GET', '/api/health', 200, 0.01);
    metrics.reminderScan(1.5);
    metrics.ledgerHeadLock(0.01, 5, true);
    let collected = false;
    metrics.gauge('kanribo_test_gauge', 'a gauge', [], () => {
      collected = true;
      return Promise.resolve();
    });
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/^kanribo_\w+(\{[^}]*\})? [1-9]/m);
    expect(text).not.toContain('kanribo_process_');
    expect(text).not.toContain('kanribo_test_gauge');
    expect(collected).toBe(false);
  });

  it('refuses a METRICS value other than on and off', () => {
    expect(() => loadConfig({ METRICS: 'yes' })).toThrow(/METRICS must be on or off/);
  });
});
