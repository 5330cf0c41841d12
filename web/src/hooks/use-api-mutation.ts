import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { QueryClient, UseMutationOptions } from '@tanstack/react-query';
import type { ApiError } from '../api.ts';
import { apiKey } from '../query-client.ts';
import { useOnUnauthorized } from '../session.ts';
import { asApiError } from './use-api.ts';

export interface ApiMutationOptions<TData, TVars> {
  mutationFn: (vars: TVars) => Promise<TData>;
  onMutate?: (vars: TVars) => void;
  onSuccess?: (data: TData, vars: TVars) => void;
  /** Any failure but a 401, which ends the session instead (as useApiCall does). */
  onError?: (error: ApiError, vars: TVars) => void;
  onSettled?: (vars: TVars) => void;
  /** GET paths (`/connections/1/configuration`) shown elsewhere that this write makes stale: loaded again on success. */
  invalidates?: string[] | ((data: TData, vars: TVars) => string[]);
}

/**
 * The useMutation options of an API write: failures become ApiErrors, a 401 ends the session (the
 * caller's onError never sees it), and the listed GETs are invalidated once it succeeded.
 */
export function apiMutationOptions<TData, TVars>(
  opts: ApiMutationOptions<TData, TVars>,
  queryClient: QueryClient,
  onUnauthorized: () => void,
): UseMutationOptions<TData, ApiError, TVars> {
  return {
    mutationFn: async (vars) => {
      try {
        return await opts.mutationFn(vars);
      } catch (err) {
        throw asApiError(err);
      }
    },
    onMutate: (vars) => {
      opts.onMutate?.(vars);
    },
    onSuccess: (data, vars) => {
      const paths = typeof opts.invalidates === 'function' ? opts.invalidates(data, vars) : (opts.invalidates ?? []);
      // Not awaited: the form answers at once, the other views refresh behind it.
      for (const path of paths) void queryClient.invalidateQueries({ queryKey: apiKey(path) });
      opts.onSuccess?.(data, vars);
    },
    onError: (error, vars) => {
      if (error.status === 401) onUnauthorized();
      else opts.onError?.(error, vars);
    },
    onSettled: (_data, _error, vars) => {
      opts.onSettled?.(vars);
    },
  };
}

/**
 * useMutation for the API: `error` is what to show (null after a 401, which ended the session), and
 * `invalidates` replaces the manual reloads pages did after a write.
 */
export function useApiMutation<TData, TVars = void>(opts: ApiMutationOptions<TData, TVars>) {
  const queryClient = useQueryClient();
  const onUnauthorized = useOnUnauthorized();
  const mutation = useMutation(apiMutationOptions(opts, queryClient, onUnauthorized));
  const shown = mutation.error && mutation.error.status !== 401 ? mutation.error : null;
  return { ...mutation, error: shown };
}
