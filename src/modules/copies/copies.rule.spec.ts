import { type CopyPermissionFacts, copyDecision } from './copies.rule.js';

const at = new Date('2026-12-01T01:00:00.000Z');
const permission: CopyPermissionFacts = {
  id: 'cp1',
  purpose: '二重入力チェック用',
  sourceMediumIds: ['m1', 'm2'],
  permittedAt: '2026-11-30T00:00:00.000Z',
  validUntil: '2026-12-31T00:00:00.000Z',
};

describe('copyDecision (複写等の禁止)', () => {
  it('refuses a copy no permission names', () => {
    expect(copyDecision(['m1'], [], at, at)).toEqual({
      ok: false,
      reason: 'no_permission',
      mediumIds: ['m1'],
    });
    expect(copyDecision(['m1', 'm3'], [permission], at, at)).toEqual({
      ok: false,
      reason: 'no_permission',
      mediumIds: ['m3'],
    });
  });

  it('allows a copy of media a valid permission names, and says which', () => {
    expect(copyDecision(['m2', 'm1'], [permission], at, at)).toEqual({ ok: true, permission });
  });

  it('refuses outside the validity: before the permission, after its end, or recorded late', () => {
    const end = new Date('2026-12-31T00:00:00.001Z');
    const before = new Date('2026-11-29T00:00:00.000Z');
    for (const [when, now] of [
      [end, end],
      [before, at],
      [at, end],
    ] as const) {
      expect(copyDecision(['m1'], [permission], when, now)).toMatchObject({
        ok: false,
        reason: 'outside_validity',
      });
    }
  });
});
