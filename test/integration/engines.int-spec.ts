import { readFileSync } from 'node:fs';
import semver from 'semver';

/**
 * `engines` is the truth: every Node version our package.json admits is one
 * that every installed package admits too, so `npm ci` never warns EBADENGINE
 * on a Node we claim to support (CI also runs the suite on Node 20 and 24).
 */
interface Lock {
  packages: Record<string, { engines?: Record<string, string> | string[]; dev?: boolean }>;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

describe('engines', () => {
  const ours = readJson<{ engines: { node: string } }>('package.json').engines.node;
  const lock = readJson<Lock>('package-lock.json');

  it('names the Node lines CI runs on, and the web app says the same', () => {
    expect(semver.validRange(ours)).not.toBeNull();
    expect(semver.satisfies('20.19.0', ours)).toBe(true);
    expect(semver.satisfies('24.11.0', ours)).toBe(true);
    expect(semver.satisfies('20.18.0', ours)).toBe(false);
    expect(readJson<{ engines: { node: string } }>('web/package.json').engines.node).toBe(ours);
  });

  it('admits no Node that an installed package refuses', () => {
    const refusing: string[] = [];
    let checked = 0;
    for (const [path, entry] of Object.entries(lock.packages)) {
      const engines = entry.engines;
      const node = engines && !Array.isArray(engines) ? engines.node : undefined;
      if (!path || !node) continue;
      checked += 1;
      if (!semver.subset(ours, node)) refusing.push(`${path}: ${node}`);
    }
    expect(checked).toBeGreaterThan(100);
    expect(refusing).toEqual([]);
  });
});
