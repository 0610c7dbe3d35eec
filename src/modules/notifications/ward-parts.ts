import { createHash } from 'node:crypto';
import { Sql } from '../../database/sql.js';

/** One part of a day's reminder scan: the wards whose {@link partOfWard} is `part`. */
export interface WardPart {
  part: number;
  parts: number;
}

/**
 * The part of a scan split into `parts` that a ward belongs to: from a hash
 * of its id, so that every worker places a ward alike with no list to share,
 * and a ward created while the parts run still lands in exactly one.
 */
export function partOfWard(wardId: string, parts: number): number {
  return createHash('sha256').update(wardId).digest().readUInt32BE(0) % parts;
}

/**
 * The wards a scan looks at, as a condition on a query's ward column: every
 * ward, or the listed ones (none listed matches nothing).
 */
export class WardScope {
  static readonly ALL = new WardScope(null);

  private constructor(private readonly wardIds: readonly string[] | null) {}

  /** The wards among `wardIds` that belong to `part`. */
  static of(part: WardPart, wardIds: Iterable<string>): WardScope {
    return new WardScope([...wardIds].filter((id) => partOfWard(id, part.parts) === part.part));
  }

  get size(): number | 'all' {
    return this.wardIds ? this.wardIds.length : 'all';
  }

  /** `AND <column> IN (?, …)`, to append where a query's conditions end; empty for every ward. */
  and(column: string): string {
    if (!this.wardIds) return '';
    if (this.wardIds.length === 0) return ' AND 1 = 0';
    return ` AND ${column} IN (${Sql.list(this.wardIds.length)})`;
  }

  /**
   * `AND` the contract `column` names is one of the wards', for a table
   * without the ward's id; empty for every ward. Correlated, so it looks up
   * each row's contract by key: a list of the wards' contract ids, built
   * for every query, cost SQLite more than the rows it filtered out.
   */
  andContract(column: string): string {
    if (!this.wardIds) return '';
    return ` AND EXISTS (SELECT 1 FROM contracts wc WHERE wc.id = ${column}${this.and('wc.ward_organization_id')})`;
  }

  /** The parameters of {@link and} or {@link andContract}, to append to the query's own. */
  get params(): string[] {
    return this.wardIds ? [...this.wardIds] : [];
  }
}
