import '@digital-go-jp/design-tokens/dist/tokens.css';
import './styles.css';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { ApiError } from './api/errors';
import { WORK_QUERY_KEY } from './pages/HomePage';
import { router } from './router';

/** A session that ended (logout elsewhere, idle timeout, deactivation) sends the page to the login. */
function onError(error: unknown) {
  if (error instanceof ApiError && error.status === 401) void router.navigate('/login');
}

/**
 * What waits for the user (今日の作業) comes in one answer across contracts,
 * not from the lists the screens' writes refresh: any write may change it.
 */
function onSuccess() {
  void queryClient.invalidateQueries({ queryKey: WORK_QUERY_KEY });
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({
    onError,
    onSuccess,
  }),
  defaultOptions: {
    queries: {
      // An answer the user may not see (401, 403, 404) is not worth asking again.
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      staleTime: 10_000,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
