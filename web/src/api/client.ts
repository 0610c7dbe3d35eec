import createClient, { type Middleware } from 'openapi-fetch';
import { ApiError, type ApiErrorBody } from './errors';
import type { paths } from './schema';

/**
 * The API, typed from the service's own OpenAPI document. The session is the
 * HttpOnly cookie the login set (the page never sees the token); every change
 * echoes the CSRF token of the readable cookie in X-CSRF-Token.
 */
export const api = createClient<paths>({ baseUrl: '' });

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The CSRF token of the current session, from its readable cookie. */
export function csrfToken(cookies: string = document.cookie): string | undefined {
  for (const part of cookies.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === 'kanribo_csrf' || name === '__Host-kanribo_csrf') return rest.join('=');
  }
  return undefined;
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (SAFE.has(request.method)) return undefined;
    const token = csrfToken();
    if (token) request.headers.set('X-CSRF-Token', token);
    return request;
  },
};
api.use(csrf);

/** The data of an answer, or an ApiError with the answer's code. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const body = error as Partial<ApiErrorBody> | undefined;
  throw new ApiError(response.status, body?.code ?? 'INTERNAL_ERROR', body?.details ?? {});
}
