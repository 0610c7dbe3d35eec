import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { EntityManager } from 'typeorm';
import { statementsSent } from './lock-watch.js';

/** An array binds as one PostgreSQL array (`unnest(?::text[])`); SQLite has none. */
export type SqlParam =
  string | number | boolean | null | undefined | ReadonlyArray<string | number | null>;
type Param = SqlParam;

/**
 * Plain SQL on the current transaction's connection, for the few hot paths
 * (authentication, ledger appends, custody checks) where TypeORM's query
 * builder costs more than the query. Write `?` placeholders; they become
 * `$1…` on PostgreSQL. Booleans bind as 1/0 on SQLite, which has no boolean
 * type; read them back with {@link bool}.
 */
export class Sql {
  private readonly postgres: boolean;

  constructor(private readonly manager: EntityManager) {
    this.postgres = manager.connection.options.type === 'postgres';
  }

  get isPostgres(): boolean {
    return this.postgres;
  }

  /** `FOR UPDATE` on PostgreSQL; nothing on SQLite, whose writers are already serialized. */
  get forUpdate(): string {
    return this.postgres ? ' FOR UPDATE' : '';
  }

  async all<T>(text: string, params: Param[] = []): Promise<T[]> {
    if (this.postgres) {
      const prepared = await this.preparedOnPostgres<T>(text, params);
      if (prepared) return prepared;
    }
    return this.manager.query<T[]>(this.text(text), this.params(params));
  }

  /**
   * PostgreSQL: the statement sent under a name of its own, so that each
   * connection parses and plans it once and then only binds and executes
   * (node-postgres prepares a named statement on a connection the first time
   * it is sent there). The hot paths send the same few dozen texts thousands
   * of times; parsing and planning each anew was a large part of
   * PostgreSQL's CPU per write. On the transaction's connection, or on any
   * pooled one for the data source's own manager. Past TypeORM, so its query
   * subscriber is told here. Undefined (TypeORM sends it) for a query runner
   * outside a transaction and once {@link MAX_NAMED} texts have names (IN
   * lists of every length would otherwise name without end).
   */
  private async preparedOnPostgres<T>(
    text: string,
    params: Param[],
    rowMode?: 'array',
  ): Promise<T[] | undefined> {
    const runner = this.manager.queryRunner;
    let client: PgClient | undefined;
    if (!runner) {
      // The data source's own manager: any pooled connection will do.
      client = (this.manager.connection.driver as unknown as { master?: PgClient }).master;
    } else if (runner.isTransactionActive && !runner.isReleased) {
      client = (await runner.connect()) as PgClient;
    }
    // A query runner outside a transaction holds its connection for a reason
    // of its own (a session's advisory lock): left to TypeORM.
    if (!client) return undefined;
    let named = NAMED_STATEMENTS.get(text);
    if (named === undefined) {
      if (NAMED_STATEMENTS.size >= MAX_NAMED || SELECTS_STAR.test(text)) return undefined;
      named = { name: statementName(text, 0), text: this.text(text), generation: 0 };
      NAMED_STATEMENTS.set(text, named);
    }
    statementsSent();
    try {
      const result = await client.query<T>({
        name: named.name,
        text: named.text,
        values: this.params(params),
        ...(rowMode ? { rowMode } : {}),
      });
      return result.rows;
    } catch (error) {
      if ((error as { code?: unknown }).code === CACHED_PLAN_CHANGED) {
        // A migration changed what the statement returns, and the connections
        // that prepared it refuse to run it again: this transaction fails, the
        // next prepares the text afresh under a new name.
        const generation = named.generation + 1;
        NAMED_STATEMENTS.set(text, { ...named, name: statementName(text, generation), generation });
      }
      throw error;
    }
  }

  /**
   * Rows as arrays of column values, in the order selected: for walks over
   * many rows (verifying a chain). On SQLite straight from better-sqlite3's
   * statement in raw mode (the one connection TypeORM uses, so inside the
   * caller's transaction too), without an object and TypeORM's bookkeeping
   * per row; on PostgreSQL the driver's rows, as arrays.
   */
  async rows(text: string, params: Param[] = []): Promise<unknown[][]> {
    if (this.postgres) {
      // Straight from the driver as arrays, without an object per row, when sent by name.
      const prepared = await this.preparedOnPostgres<unknown[]>(text, params, 'array');
      if (prepared) return prepared;
      return (
        await this.manager.query<Array<Record<string, unknown>>>(
          this.text(text),
          this.params(params),
        )
      ).map((row) => Object.values(row));
    }
    const statement = this.prepared(text, true);
    // Past TypeORM, so past its query subscriber: counted here.
    statementsSent();
    return statement.all(...this.params(params)) as unknown[][];
  }

  /**
   * SQLite only: runs one write once per row of parameters through one
   * prepared better-sqlite3 statement (the connection TypeORM uses, so inside
   * the caller's transaction), with no parse per statement and no limit of
   * parameters; says of each row whether it changed anything (an INSERT …
   * ON CONFLICT DO NOTHING that met its key did not). Many rows of a bulk
   * insert go faster so than in multi-row VALUES.
   */
  runEach(text: string, rows: ReadonlyArray<readonly Param[]>): boolean[] {
    if (this.postgres) throw new Error('Sql.runEach is for SQLite');
    const statement = this.prepared(text, false);
    statementsSent(rows.length);
    return rows.map((row) => statement.run(...this.params([...row])).changes > 0);
  }

  /** A cached statement of the SQLite connection, in raw mode for reads. */
  private prepared(text: string, raw: boolean): Database.Statement {
    const db = (
      this.manager.connection.driver as unknown as { databaseConnection: Database.Database }
    ).databaseConnection;
    let statements = RAW_STATEMENTS.get(db);
    if (!statements) RAW_STATEMENTS.set(db, (statements = new Map<string, Database.Statement>()));
    let statement = statements.get(text);
    if (!statement) {
      statement = db.prepare(text);
      if (raw) statement.raw(true);
      statements.set(text, statement);
    }
    return statement;
  }

  async one<T>(text: string, params: Param[] = []): Promise<T | undefined> {
    const rows = await this.all<T>(text, params);
    return rows[0];
  }

  async run(text: string, params: Param[] = []): Promise<void> {
    if (this.postgres && (await this.preparedOnPostgres(text, params))) return;
    await this.manager.query(this.text(text), this.params(params));
  }

  /** Runs an UPDATE or DELETE; returns how many rows it changed, on either database. */
  async change(text: string, params: Param[] = []): Promise<number> {
    const own = this.manager.queryRunner === undefined;
    const runner = this.manager.queryRunner ?? this.manager.connection.createQueryRunner();
    try {
      const result = await runner.query(this.text(text), this.params(params), true);
      return result.affected ?? 0;
    } finally {
      if (own) await runner.release();
    }
  }

  /** `a.x, a.y` for the column list `x, y`: a table's columns named through its alias in a join. */
  static qualified(alias: string, columns: string): string {
    return columns
      .split(', ')
      .map((column) => `${alias}.${column}`)
      .join(', ');
  }

  /** `?, ?, ?` for an IN list of n values. */
  static list(n: number): string {
    return Array.from({ length: n }, () => '?').join(', ');
  }

  private text(text: string): string {
    if (!this.postgres) return text;
    let i = 0;
    return text.replace(/\?/g, () => `$${++i}`);
  }

  private params(params: Param[]): Array<Exclude<Param, undefined>> {
    return params.map((p) => {
      if (p === undefined) return null;
      if (typeof p === 'boolean' && !this.postgres) return p ? 1 : 0;
      return p;
    });
  }
}

/** The statements {@link Sql} prepares on PostgreSQL (name, `$n` text), by their `?` text. */
const NAMED_STATEMENTS = new Map<string, { name: string; text: string; generation: number }>();
const MAX_NAMED = 1000;

/**
 * `SELECT *` (or `t.*`, `RETURNING *`): not prepared, since a column a
 * migration adds while the process runs would change its result, which a
 * prepared statement refuses to do (0A000) on every connection that has it.
 */
const SELECTS_STAR = /(?:SELECT|RETURNING|,)\s+(?:\w+\.)?\*/i;

/** PostgreSQL's "cached plan must not change result type". */
const CACHED_PLAN_CHANGED = '0A000';

/**
 * A statement's name: from its text, so that two copies of this module on
 * one pool (a bench's baseline beside the build) name a text alike and never
 * one name two texts; the generation counts re-preparations after 0A000.
 */
function statementName(text: string, generation: number): string {
  return `kanribo_${createHash('sha256').update(text).digest('hex').slice(0, 24)}_${generation}`;
}

/** The part of a node-postgres client that {@link Sql} uses. */
interface PgClient {
  query<T>(config: {
    name: string;
    text: string;
    values: unknown[];
    rowMode?: 'array';
  }): Promise<{ rows: T[] }>;
}

/** Prepared statements of {@link Sql.rows} and {@link Sql.runEach}, per connection: a handful of texts. */
const RAW_STATEMENTS = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** A boolean column as either driver returns it. */
export function bool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}
