import { useCallback, useEffect, useRef, useState } from 'react';
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

/** GET `path` on mount and whenever it changes; null waits. */
export function useResource<T>(path: string | null): Resource<T> {
  const call = useApiCall();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const current = useRef(path);
  current.current = path;

  const reload = useCallback(
    async (opts: { quiet?: boolean } = {}) => {
      if (path === null) return;
      if (!opts.quiet) setLoading(true);
      const r = await call(() => api.get<T>(path));
      if (current.current !== path) return; // a newer path is loading
      if (r.ok) {
        setData(r.data);
        setError(null);
      } else if (r.error) setError(r.error);
      setLoading(false);
    },
    [call, path],
  );

  useEffect(() => {
    void reload();
  }, [reload]);

  return { data, error, loading, reload, setData };
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
