import { labelKey, resolveMediumRefs, sameLabel } from './medium-ref.rule.js';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const C = '33333333-3333-4333-8333-333333333333';
const media = [
  { id: A, label: '住民-001' },
  { id: B, label: 'dvd 7' },
  { id: C, label: 'DVD  7' }, // registered twice before labels were unique
];

describe('medium references', () => {
  it('folds width, case and spaces into one label', () => {
    expect(labelKey('住民－００１')).toBe(labelKey('住民-001'));
    expect(labelKey('  dvd   7 ')).toBe('DVD 7');
  });

  it('resolves ids and labels in order', () => {
    expect(resolveMediumRefs([A.toUpperCase(), '住民－００１'], media)).toEqual({
      ok: true,
      ids: [A, A],
    });
  });

  it('reports unknown references and labels that name several media', () => {
    expect(
      resolveMediumRefs(['DVD 7', 'nope', '44444444-4444-4444-8444-444444444444'], media),
    ).toEqual({
      ok: false,
      unknown: ['nope', '44444444-4444-4444-8444-444444444444'],
      ambiguous: ['DVD 7'],
    });
  });

  it('finds a clash for a new label', () => {
    expect(sameLabel(' 住民-001', media)?.id).toBe(A);
    expect(sameLabel('住民-002', media)).toBeUndefined();
  });
});
