import type { RunStatus, SyncRunWithDetails } from '../../api.ts';
import { Link } from '../Link.tsx';

/** Why a run has no ticket rows: a failed run stopped before it got to them, it is not that nothing had changed. */
export function noTicketsText(status: RunStatus): string {
  if (status === 'running') return 'No tickets handled yet: they appear here as the sync works them.';
  if (status === 'failed')
    return 'No tickets were handled: the run failed before it got to them (see why above). Changes since the last completed sync are picked up by the next run.';
  return 'This run touched no tickets: nothing had changed in the period.';
}

/** What to look at next, from the run's status (product.md §6, troubleshooting). */
export function RunHint({ run }: { run: SyncRunWithDetails }) {
  if (run.status === 'failed' && run.failure)
    return (
      <div className="notice notice--error" role="alert">
        <p>
          <strong>The sync run failed on {run.failure.yours ? 'your side' : `${run.failure.organisation}’s side`}.</strong> {run.failure.message}
        </p>
        {run.failure.yours && !/API override/.test(run.failure.message) ? (
          <p>
            <Link href="/settings">Open Settings</Link>
          </p>
        ) : null}
        {run.error ? <p className="muted">What the platform said: {run.error}</p> : null}
      </div>
    );
  if (run.status === 'failed')
    return (
      <div className="notice notice--error" role="alert">
        <p>
          <strong>The sync run failed.</strong> {run.error ?? 'Support Fusion could not work with a platform.'}
        </p>
        <p>
          This usually means the credentials or the access of an integration agent changed. <Link href="/settings">Re-test the connection in Settings</Link>{' '}
          (your partner does the same on their side).
        </p>
      </div>
    );
  if (run.status === 'partial')
    return (
      <div className="notice notice--warn" role="note">
        <p>
          <strong>Some tickets failed.</strong> Look at the rows marked Failed below: a permission gap on one record, or a value without a value mapping, are
          the usual causes. The other tickets were synced.
        </p>
      </div>
    );
  if (run.status === 'no_tickets')
    return (
      <p className="notice notice--info" role="note">
        No tickets were created or changed in this period. This is not an error.
      </p>
    );
  if (run.status === 'running' && run.waitingUntil)
    return (
      <p className="notice notice--info" role="status">
        This sync is waiting for {run.waitingReason ?? "the platform's API budget"} until {new Date(run.waitingUntil).toLocaleTimeString()} (it leaves room for
        your own agents and apps). It goes on by itself; nothing to do.
      </p>
    );
  if (run.status === 'running')
    return (
      <p className="notice notice--info" role="status">
        This sync is running; its progress updates live.
      </p>
    );
  return null;
}
