import type { Sql } from './sql.js';

/** Rows per PostgreSQL INSERT, whose parameters are one array per column. */
const POSTGRES_ROWS = 10_000;

export type Value = string | number | null;

/**
 * Inserts many rows with few statements: on PostgreSQL one array per
 * column, unnested (a statement of tens of thousands of parameters costs it
 * far more to parse and plan than the rows cost to insert); on SQLite one
 * prepared statement run per row, in process. `bound` are the columns each
 * row gives, with their PostgreSQL types; `fixed` are SQL literals, the same
 * for every row. With `returnInserted`, returns the rows inserted (those
 * `conflict` did not skip), told apart on PostgreSQL by their first column,
 * which must then be unique.
 */
export async function insertMany<R extends readonly Value[]>(
  sql: Sql,
  table: string,
  bound: ReadonlyArray<readonly [column: string, postgresType: string]>,
  fixed: ReadonlyArray<readonly [column: string, literal: string]>,
  rows: readonly R[],
  conflict: string,
  returnInserted = false,
): Promise<R[]> {
  if (rows.length === 0) return [];
  const columns = [...bound, ...fixed].map(([column]) => column).join(', ');
  const literals = fixed.map(([, literal]) => literal);
  if (!sql.isPostgres) {
    const changed = sql.runEach(
      `INSERT INTO ${table} (${columns})
       VALUES (${[...bound.map(() => '?'), ...literals].join(', ')}) ${conflict}`,
      rows,
    );
    return rows.filter((_, i) => changed[i]);
  }
  const names = bound.map((_, i) => `c${i}`);
  const text = `INSERT INTO ${table} (${columns})
    SELECT ${[...names, ...literals].join(', ')}
      FROM unnest(${bound.map(([, type]) => `?::${type}[]`).join(', ')}) AS r(${names.join(', ')})
    ${conflict}${returnInserted ? ` RETURNING ${bound[0]![0]} AS id` : ''}`;
  const inserted = new Set<unknown>();
  for (let start = 0; start < rows.length; start += POSTGRES_ROWS) {
    const part = rows.slice(start, start + POSTGRES_ROWS);
    const params = bound.map((_, i) => part.map((row) => row[i] ?? null));
    if (!returnInserted) await sql.run(text, params);
    else for (const { id } of await sql.all<{ id: unknown }>(text, params)) inserted.add(id);
  }
  if (!returnInserted) return [];
  return inserted.size === rows.length ? [...rows] : rows.filter((row) => inserted.has(row[0]));
}
