import { settlesWithin } from './settles-within.js';

describe('settlesWithin', () => {
  it('is true for a promise that fulfils or rejects in time', async () => {
    await expect(settlesWithin(Promise.resolve('done'), 50)).resolves.toBe(true);
    await expect(settlesWithin(Promise.reject(new Error('refused')), 50)).resolves.toBe(true);
    const soon = new Promise((resolve) => setTimeout(resolve, 10));
    await expect(settlesWithin(soon, 500)).resolves.toBe(true);
  });

  it('is false, once the time is up, for one that never settles', async () => {
    const started = Date.now();
    await expect(settlesWithin(new Promise(() => undefined), 60)).resolves.toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });
});
