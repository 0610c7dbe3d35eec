/**
 * Whether a database error is a unique-constraint violation, on PostgreSQL
 * (SQLSTATE 23505) or SQLite (SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY).
 */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; driverError?: { code?: unknown } };
  const code = e.driverError?.code ?? e.code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
