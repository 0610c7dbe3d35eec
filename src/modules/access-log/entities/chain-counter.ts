import type { ValueTransformer } from 'typeorm';

/**
 * The type of a counter that every request of the installation moves (the
 * access log's seq, its pending rows' id). SQLite's `integer` is 64-bit
 * already, and `seq integer PRIMARY KEY` is the table's rowid, which a
 * `bigint` column would not be; PostgreSQL's `integer` stops at 2^31 - 1
 * (about 16 months at 50 requests a second), after which every write would
 * be refused, so there it is `bigint`, migrated by WideAccessLogCounters.
 */
export type ChainCounterType = 'integer' | 'bigint';

/** A counter column of that type, read back as a number (PostgreSQL's driver gives int8 as text). */
export function chainCounter(
  type: ChainCounterType,
  name?: string,
): { type: ChainCounterType; name?: string; transformer: ValueTransformer } {
  return {
    type,
    ...(name ? { name } : {}),
    transformer: {
      to: (value: number | null | undefined) => value,
      from: (value: number | string | null | undefined) =>
        value === null || value === undefined ? value : Number(value),
    },
  };
}
