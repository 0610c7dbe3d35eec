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

  it('collects nothing when off: no samples, no process metrics, no gauges', async () => {
    const metrics = new Metrics(loadConfig({}));
    expect(metrics.enabled).toBe(false);
    metrics.delivery('webhook', 'delivered');
    metrics.httpRequest('GET', '/api/health', 200, 0.01);
    metrics.reminderScan(1.5);
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
