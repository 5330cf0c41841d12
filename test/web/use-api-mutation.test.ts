/** The API mutation's options on a real QueryClient: errors as ApiErrors, 401 ends the session, GETs invalidated on success. */
import { describe, expect, it, vi } from 'vitest';
import { MutationObserver, QueryClient } from '@tanstack/react-query';
import { ApiError } from '../../web/src/api.ts';
import { apiMutationOptions } from '../../web/src/hooks/use-api-mutation.ts';
import type { ApiMutationOptions } from '../../web/src/hooks/use-api-mutation.ts';
import { createQueryClient, apiKey } from '../../web/src/query-client.ts';

function run<T>(opts: ApiMutationOptions<T, string>, queryClient: QueryClient = createQueryClient()) {
  const onUnauthorized = vi.fn();
  const observer = new MutationObserver(queryClient, apiMutationOptions(opts, queryClient, onUnauthorized));
  const settled = observer.mutate('vars').then(
    () => observer.getCurrentResult(),
    () => observer.getCurrentResult(),
  );
  return { settled, onUnauthorized };
}

describe('apiMutationOptions', () => {
  it.each([
    ['an ApiError as it is', new ApiError(400, 'validation_failed', 'Name is required.', 'name'), 'Name is required.'],
    ['anything else as the generic error', new TypeError('boom'), 'Something went wrong. Please try again.'],
  ])('hands the caller %s, with the variables', async (_what, thrown, message) => {
    const onError = vi.fn();
    const onSuccess = vi.fn();
    const { settled, onUnauthorized } = run({ mutationFn: () => Promise.reject(thrown), onError, onSuccess });
    const result = await settled;
    expect(result.error).toBeInstanceOf(ApiError);
    expect(result.error?.message).toBe(message);
    expect(onError).toHaveBeenCalledWith(result.error, 'vars');
    expect(onSuccess).not.toHaveBeenCalled();
    expect(onUnauthorized).not.toHaveBeenCalled();
  });

  it('ends the session on a 401 instead of showing it', async () => {
    const onError = vi.fn();
    const onSettled = vi.fn();
    const { settled, onUnauthorized } = run({ mutationFn: () => Promise.reject(new ApiError(401, 'unauthorized', 'Log in.')), onError, onSettled });
    await settled;
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    expect(onError).not.toHaveBeenCalled();
    expect(onSettled).toHaveBeenCalledWith('vars');
  });

  it('on success calls back with the answer and invalidates the listed GETs only', async () => {
    const queryClient = createQueryClient();
    const paths = ['/a', '/b', '/c'];
    for (const p of paths) queryClient.setQueryData(apiKey(p), 'cached');
    const onSuccess = vi.fn();
    const onMutate = vi.fn();
    const { settled } = run(
      { mutationFn: (v) => Promise.resolve(`saved ${v}`), onMutate, onSuccess, invalidates: (data) => (data === 'saved vars' ? ['/a', '/b'] : []) },
      queryClient,
    );
    const result = await settled;
    expect(result.data).toBe('saved vars');
    expect(onMutate).toHaveBeenCalledWith('vars');
    expect(onSuccess).toHaveBeenCalledWith('saved vars', 'vars');
    expect(paths.map((p) => queryClient.getQueryState(apiKey(p))?.isInvalidated)).toEqual([true, true, false]);
  });

  it('invalidates nothing when the write failed', async () => {
    const queryClient = createQueryClient();
    queryClient.setQueryData(apiKey('/a'), 'cached');
    const { settled } = run({ mutationFn: () => Promise.reject(new ApiError(409, 'conflict', 'Taken.')), invalidates: ['/a'] }, queryClient);
    await settled;
    expect(queryClient.getQueryState(apiKey('/a'))?.isInvalidated).toBe(false);
  });
});
