import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './api/client';

/** The signed-in user (GET /api/auth/me); an ApiError 401 when there is none. */
export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: () => unwrap(api.GET('/api/auth/me')),
    staleTime: 60_000,
  });
}

/** The signed-in user's second factor (GET /api/auth/mfa). */
export function useMfaStatus(enabled = true) {
  return useQuery({
    queryKey: ['mfa'],
    queryFn: () => unwrap(api.GET('/api/auth/mfa')),
    enabled,
    staleTime: 5 * 60_000,
  });
}
