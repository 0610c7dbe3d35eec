import { ApiProperty } from '@nestjs/swagger';

type Constructor<T> = new (...args: never[]) => T;

const cache = new Map<Constructor<unknown>, Constructor<unknown>>();

/** OpenAPI shape of a list answer: `{ items: T[] }`. */
export function ListOf<T>(item: Constructor<T>): Constructor<{ items: T[] }> {
  const known = cache.get(item);
  if (known) return known as Constructor<{ items: T[] }>;
  class ListResponse {
    @ApiProperty({ type: () => [item] })
    items: T[];
  }
  Object.defineProperty(ListResponse, 'name', { value: `${item.name}List` });
  cache.set(item, ListResponse);
  return ListResponse;
}
