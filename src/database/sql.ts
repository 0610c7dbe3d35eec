import type { EntityManager } from 'typeorm';

type Param = string | number | boolean | null | undefined;

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
    return this.manager.query<T[]>(this.text(text), this.params(params));
  }

  async one<T>(text: string, params: Param[] = []): Promise<T | undefined> {
    const rows = await this.all<T>(text, params);
    return rows[0];
  }

  async run(text: string, params: Param[] = []): Promise<void> {
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

  /** `?, ?, ?` for an IN list of n values. */
  static list(n: number): string {
    return Array.from({ length: n }, () => '?').join(', ');
  }

  private text(text: string): string {
    if (!this.postgres) return text;
    let i = 0;
    return text.replace(/\?/g, () => `$${++i}`);
  }

  private params(params: Param[]): Array<string | number | boolean | null> {
    return params.map((p) => {
      if (p === undefined) return null;
      if (typeof p === 'boolean' && !this.postgres) return p ? 1 : 0;
      return p;
    });
  }
}

/** A boolean column as either driver returns it. */
export function bool(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't';
}
