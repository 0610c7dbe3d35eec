// Loaded into a bench's child process with NODE_OPTIONS="--expose-gc
// --import=<this file>" and BENCH_MEMORY_FILE=<a file>: what the process's
// memory did, seen from inside (the heap and the buffers outside it are not
// in /proc). It samples process.memoryUsage() every 10 ms; when the bench
// creates <file>.ask (a file, not a signal: the service's shutdown hooks
// listen to SIGUSR2 and the like) it deletes it, writes the highest values
// since the last report to the file, collects the garbage (when gc is
// exposed) and starts again from what is left, which it writes too (the next
// interval's baseline). On exit it writes the process's peak resident memory
// (VmHWM) and CPU time. Inert without BENCH_MEMORY_FILE.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

export interface MemoryReport {
  /** Counts the reports written, so that a reader sees a new one. */
  serial: number;
  /** The highest values sampled since the previous report, in bytes. */
  peak: { rss: number; heapUsed: number; external: number; arrayBuffers: number };
  /** What was left after a garbage collection: the next interval's baseline. */
  after: { rss: number; heapUsed: number; external: number; arrayBuffers: number };
  /** On exit only: the peak resident memory of the whole run (bytes; VmHWM). */
  maxRss?: number;
  /** On exit only: the CPU time of the whole run (user and system, ms). */
  cpuMs?: number;
}

/**
 * VmHWM from /proc (Linux): getrusage's maxRSS is kept across exec, so a
 * child spawned by a large process would report its parent's size.
 */
function peakResident(): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]) * 1024;
  } catch {
    return Number.NaN;
  }
}

const file = process.env.BENCH_MEMORY_FILE;
if (file) {
  const now = () => {
    const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
    return { rss, heapUsed, external, arrayBuffers };
  };
  let peak = now();
  let serial = 0;
  const sample = () => {
    const m = now();
    peak = {
      rss: Math.max(peak.rss, m.rss),
      heapUsed: Math.max(peak.heapUsed, m.heapUsed),
      external: Math.max(peak.external, m.external),
      arrayBuffers: Math.max(peak.arrayBuffers, m.arrayBuffers),
    };
  };
  const ask = `${file}.ask`;
  setInterval(() => {
    sample();
    if (!existsSync(ask)) return;
    rmSync(ask, { force: true });
    const reported = peak;
    (globalThis as { gc?: () => void }).gc?.();
    const after = now();
    peak = after;
    serial++;
    writeFileSync(file, JSON.stringify({ serial, peak: reported, after } satisfies MemoryReport));
  }, 10).unref();
  process.on('exit', () => {
    sample();
    // The folder may be gone already (the bench cleans up after killing the process).
    try {
      writeFileSync(
        file,
        JSON.stringify({
          serial: serial + 1,
          peak,
          after: now(),
          maxRss: peakResident(),
          cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
        } satisfies MemoryReport),
      );
    } catch {
      // Nobody is reading any more.
    }
  });
}
