import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { MemoryRouter } from 'react-router';
import { vi } from 'vitest';
import { api } from '../api/client';

/** An answer of the API as openapi-fetch gives it. */
export function answer(status: number, body: unknown) {
  const ok = status < 400;
  return Promise.resolve({
    ...(ok ? { data: body } : { error: body }),
    response: new Response(null, { status }),
  });
}

type Write = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

type Handler = (
  path: string,
  init: { params?: { path?: Record<string, string> }; body?: unknown },
  method: Write,
) => ReturnType<typeof answer> | undefined;

/**
 * The typed client, its GETs answered from `gets` (by path template, read at
 * each call, so a test may change what the next one sees) and its POSTs,
 * PUTs, PATCHes and DELETEs by `write`; every call is recorded. Anything not
 * answered is a 404.
 */
export function mockApi(gets: Record<string, unknown>, write?: Handler) {
  const get = vi
    .spyOn(api, 'GET')
    .mockImplementation(((path: string) =>
      path in gets ? answer(200, gets[path]) : answer(404, { code: 'NOT_FOUND' })) as never);
  const spy = <M extends Write>(method: M) =>
    vi
      .spyOn(api, method)
      .mockImplementation(
        ((path: string, init: Parameters<Handler>[1]) =>
          write?.(path, init, method) ?? answer(404, { code: 'NOT_FOUND' })) as never,
      );
  return { get, post: spy('POST'), put: spy('PUT'), patch: spy('PATCH'), delete: spy('DELETE') };
}

/** Renders with a fresh query cache (no retries) inside a router; the cache is returned too. */
export function renderWithClient(ui: ReactElement) {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  return {
    client,
    ...render(
      <QueryClientProvider client={client}>
        <MemoryRouter>{ui}</MemoryRouter>
      </QueryClientProvider>,
    ),
  };
}
