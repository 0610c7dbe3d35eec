import { collectGarbage } from '../../../test/support/collect-garbage.js';
import { deadline } from './deadline.js';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('deadline', () => {
  it('aborts at its deadline with a TimeoutError, even after a garbage collection', async () => {
    const parent = new AbortController();
    const fired: string[] = [];
    // Only the signals are kept: what holds each deadline's timer must survive a collection.
    const signals = Array.from({ length: 20 }, () => {
      const { signal } = deadline(60, parent.signal);
      signal.addEventListener('abort', () => fired.push((signal.reason as DOMException).name));
      return signal;
    });
    await wait(10);
    collectGarbage();
    await wait(200);
    expect(signals.filter((s) => s.aborted)).toHaveLength(20);
    expect(fired).toEqual(Array.from({ length: 20 }, () => 'TimeoutError'));
    expect(parent.signal.aborted).toBe(false);
  });

  it('aborts with its parent, with the reason the parent gave', () => {
    const parent = new AbortController();
    const { signal, clear } = deadline(60_000, parent.signal);
    expect(signal.aborted).toBe(false);
    parent.abort(new Error('stopping'));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('stopping');
    clear();
  });

  it('is aborted from the start when its parent already is', () => {
    const { signal, clear } = deadline(60_000, AbortSignal.abort('gone'));
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('gone');
    clear();
  });

  it('once cleared, neither the deadline nor the parent aborts it', async () => {
    const parent = new AbortController();
    const { signal, clear } = deadline(30, parent.signal);
    clear();
    await wait(80);
    parent.abort();
    expect(signal.aborted).toBe(false);
  });

  it('works without a parent', async () => {
    const { signal } = deadline(20);
    await wait(80);
    expect((signal.reason as DOMException).name).toBe('TimeoutError');
  });
});
