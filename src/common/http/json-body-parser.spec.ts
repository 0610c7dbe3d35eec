import { jsonNestsDeeperThan } from './json-body-parser.js';

describe('jsonNestsDeeperThan', () => {
  const nested = (depth: number, open = '[', close = ']'): string =>
    open.repeat(depth) + close.repeat(depth);

  it('counts objects and arrays alike', () => {
    expect(jsonNestsDeeperThan('{"a":[{"b":[]}]}', 4)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":[{"b":[]}]}', 3)).toBe(true);
    expect(jsonNestsDeeperThan(nested(32), 32)).toBe(false);
    expect(jsonNestsDeeperThan(nested(33), 32)).toBe(true);
    expect(jsonNestsDeeperThan(nested(100_000), 32)).toBe(true);
  });

  it('measures depth, not the number of siblings', () => {
    expect(jsonNestsDeeperThan(`[${Array(1000).fill('{}').join(',')}]`, 2)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestsDeeperThan(JSON.stringify({ a: '[[[[{{{{' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify({ a: 'say \\"[[[[\\" \\\\' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify({ a: '\\', b: [[[]]] }), 3)).toBe(true);
  });

  it('answers false for scalars and empty text', () => {
    expect(jsonNestsDeeperThan('', 0)).toBe(false);
    expect(jsonNestsDeeperThan('"x"', 0)).toBe(false);
  });
});
