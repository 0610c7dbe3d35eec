import type { ValueTransformer } from 'typeorm';

/**
 * Instants are stored as fixed-width ISO 8601 UTC strings
 * (`2026-04-01T00:00:00.000Z`): the same type on SQLite and PostgreSQL, exact
 * to the millisecond, readable in a raw dump, and ordered correctly by a plain
 * string comparison.
 */
export const INSTANT_LENGTH = 24;

export const instantTransformer: ValueTransformer = {
  to: (value: Date | null | undefined): string | null | undefined =>
    value instanceof Date ? value.toISOString() : value,
  from: (value: string | null | undefined): Date | null | undefined =>
    typeof value === 'string' ? new Date(value) : value,
};

/** Calendar dates are `YYYY-MM-DD` strings on both databases. */
export const DATE_LENGTH = 10;

/** Ids are UUIDs issued by the service. */
export const ID_LENGTH = 36;
