import { trustProxyOption } from './trust-proxy.rule.js';

describe('trustProxyOption', () => {
  it('trusts no proxy for false and every proxy for true', () => {
    expect(trustProxyOption('false')).toBe(false);
    expect(trustProxyOption('true')).toBe(true);
  });

  it('trusts the nearest n hops for a count', () => {
    const two = trustProxyOption('2');
    if (typeof two !== 'function') throw new Error('expected a function');
    expect([0, 1, 2, 3].map((hop) => two('10.0.0.1', hop))).toEqual([true, true, false, false]);
    const none = trustProxyOption('0');
    if (typeof none !== 'function') throw new Error('expected a function');
    expect(none('10.0.0.1', 0)).toBe(false);
  });

  it('splits a list of addresses and CIDRs', () => {
    expect(trustProxyOption('127.0.0.1, 10.0.0.0/8,::1')).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      '::1',
    ]);
    expect(trustProxyOption('192.168.1.10')).toEqual(['192.168.1.10']);
  });
});
