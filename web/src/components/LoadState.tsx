import type { ApiError } from '../api.ts';

/** What a card shows while its data loads or when loading failed. */
export function LoadState({ loading, error, what, onRetry }: { loading: boolean; error: ApiError | null; what: string; onRetry?: () => void }) {
  if (error)
    return (
      <div className="notice notice--error" role="alert">
        <p>{error.status === 404 ? `This ${what} does not exist or is no longer available to your organisation.` : error.message}</p>
        {onRetry && error.status !== 404 ? (
          <button type="button" className="btn btn--small notice__action" onClick={onRetry}>
            Try again
          </button>
        ) : null}
      </div>
    );
  if (loading)
    return (
      <p className="muted" role="status">
        Loading {what}…
      </p>
    );
  return null;
}
