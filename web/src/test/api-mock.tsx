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

type Handler = (
  path: string,
  init: { params?: { path?: Record<string, string> }; body?: unknown },
) => ReturnType<typeof answer> | undefined;

/**
 * The typed client's GET and POST, answered by `gets` (by path template) and
 * `post`; every call is recorded. Anything not answered is a 404.
 */
export function mockApi(gets: Record<string, unknown>, post?: Handler) {
  const get = vi
    .spyOn(api, 'GET')
    .mockImplementation(((path: string) =>
      path in gets ? answer(200, gets[path]) : answer(404, { code: 'NOT_FOUND' })) as never);
  const posted = vi
    .spyOn(api, 'POST')
    .mockImplementation(
      ((path: string, init: Parameters<Handler>[1]) =>
        post?.(path, init) ?? answer(404, { code: 'NOT_FOUND' })) as never,
    );
  return { get, post: posted };
}

/** Renders with a fresh query cache (no retries) inside a router. */
export function renderWithClient(ui: ReactElement) {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  return render(
    <QueryClientProvider client={client}>
      <MemoryRouter>{ui}</MemoryRouter>
    </QueryClientProvider>,
  );
}
