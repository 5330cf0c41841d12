import { QueryClient } from '@tanstack/react-query';

/**
 * Server state for the whole app (TanStack Query). No automatic retries or refetch on focus: a failed load
 * shows its error and its Retry button at once, as the pages always did, and a page never changes under
 * the reader's eyes because the window got focus.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { retry: false, refetchOnWindowFocus: false, refetchOnReconnect: false },
      mutations: { retry: false },
    },
  });
}

/** The cache key of a GET of the API (`/connections/1/mappings`): invalidating ['api'] drops everything. */
export const apiKey = (path: string) => ['api', path] as const;
