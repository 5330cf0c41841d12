import { useCallback, useEffect, useRef, useState } from 'react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiKey } from '../query-client.ts';
import { api, ApiError } from '../api.ts';
import { useOnUnauthorized } from '../session.ts';

/** Any thrown value as an ApiError, so pages handle one shape. */
export function asApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, 'unknown', 'Something went wrong. Please try again.');
}

/**
 * Wraps an API call: 401 ends the session (and returns null), any other failure becomes an ApiError
 * the caller shows.
 */
export function useApiCall() {
  const onUnauthorized = useOnUnauthorized();
  return useCallback(
    async <T>(call: () => Promise<T>): Promise<{ ok: true; data: T } | { ok: false; error: ApiError | null }> => {
      try {
        return { ok: true, data: await call() };
      } catch (err) {
        const e = asApiError(err);
        if (e.status === 401) {
          onUnauthorized();
          return { ok: false, error: null };
        }
        return { ok: false, error: e };
      }
    },
    [onUnauthorized],
  );
}

export interface Resource<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  /** Loads again; `quiet` keeps showing the current data (polling) instead of a loading state. */
  reload: (opts?: { quiet?: boolean }) => Promise<void>;
  setData: (data: T) => void;
}

/**
 * GET `path` on mount and whenever it changes; null waits. A TanStack Query underneath (key `['api', path]`),
 * so components showing the same resource share one request and one cache entry, and a mutation elsewhere
 * can invalidate it. Kept as fresh as before: nothing is served from a cache once no component shows it
 * (gcTime 0), and while a new path loads the previous data stays on screen, marked as loading.
 */
export function useResource<T>(path: string | null): Resource<T> {
  const onUnauthorized = useOnUnauthorized();
  const queryClient = useQueryClient();
  const [reloading, setReloading] = useState(false);
  const query = useQuery({
    queryKey: apiKey(path ?? ''),
    queryFn: () => api.get<T>(path!),
    enabled: path !== null,
    gcTime: 0,
    placeholderData: keepPreviousData,
  });
  const unauthorized = query.error instanceof ApiError && query.error.status === 401;
  useEffect(() => {
    if (unauthorized) onUnauthorized();
  }, [unauthorized, onUnauthorized]);

  const { refetch } = query;
  const reload = useCallback(
    async (opts: { quiet?: boolean } = {}) => {
      if (path === null) return;
      if (!opts.quiet) setReloading(true);
      try {
        await refetch();
      } finally {
        setReloading(false);
      }
    },
    [refetch, path],
  );
  const setData = useCallback((data: T) => queryClient.setQueryData(apiKey(path ?? ''), data), [queryClient, path]);

  const loading = path !== null && (query.isPending || (query.isPlaceholderData && query.isFetching) || reloading);
  const error = query.error && !unauthorized ? asApiError(query.error) : null;
  return { data: query.data, error, loading, reload, setData };
}

/** Calls `fn` every `ms` while `active`. */
export function useInterval(fn: () => void, ms: number, active: boolean) {
  const saved = useRef(fn);
  saved.current = fn;
  useEffect(() => {
    if (!active) return;
    const t = window.setInterval(() => saved.current(), ms);
    return () => window.clearInterval(t);
  }, [ms, active]);
}
