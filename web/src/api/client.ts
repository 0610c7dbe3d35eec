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

/**
 * The CSRF token of the current session, from its readable cookie: over TLS
 * only the `__Host-` one, as the service reads only the `__Host-` session.
 */
export function csrfToken(
  cookies: string = document.cookie,
  secure: boolean = location.protocol === 'https:',
): string | undefined {
  const wanted = secure ? '__Host-kanribo_csrf' : 'kanribo_csrf';
  for (const part of cookies.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === wanted) return rest.join('=');
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
