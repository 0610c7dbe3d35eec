import { candidateSteps, stepStart, totpStep } from './totp.rule.js';

describe('totpStep', () => {
  it('counts 30-second steps since the epoch', () => {
    expect(totpStep(new Date(0))).toBe(0);
    expect(totpStep(new Date(29_999))).toBe(0);
    expect(totpStep(new Date(30_000))).toBe(1);
    // RFC 6238 appendix B: T = 0x00000000023523EC at 2005-03-18T01:58:29Z
    expect(totpStep(new Date('2005-03-18T01:58:29Z'))).toBe(0x23523ec);
  });

  it('round-trips with stepStart', () => {
    const step = totpStep(new Date('2026-11-25T01:00:10Z'));
    expect(stepStart(step).toISOString()).toBe('2026-11-25T01:00:00.000Z');
    expect(totpStep(stepStart(step))).toBe(step);
  });
});

describe('candidateSteps', () => {
  it('is the previous, current and next step when nothing was accepted yet', () => {
    expect(candidateSteps(100, null)).toEqual([99, 100, 101]);
  });

  it('never reaches two steps away', () => {
    expect(candidateSteps(100, null)).not.toContain(98);
    expect(candidateSteps(100, null)).not.toContain(102);
  });

  it('leaves out the last accepted step and every earlier one (no replay)', () => {
    expect(candidateSteps(100, 99)).toEqual([100, 101]);
    expect(candidateSteps(100, 100)).toEqual([101]);
    expect(candidateSteps(100, 101)).toEqual([]);
    expect(candidateSteps(100, 50)).toEqual([99, 100, 101]);
  });

  it('follows a wider window when asked', () => {
    expect(candidateSteps(10, null, 2)).toEqual([8, 9, 10, 11, 12]);
    expect(candidateSteps(10, null, 0)).toEqual([10]);
  });
});
