import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Runs a full garbage collection in this process, for tests of what must
 * survive one (a weakly held timer, a signal). Jest's process does not start
 * with `--expose-gc`; the flag set at run time exposes `gc` to a new context.
 */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
}
