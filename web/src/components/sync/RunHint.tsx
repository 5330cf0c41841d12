import type { SyncRunWithDetails } from '../../api.ts';
import { Link } from '../Link.tsx';

/** What to look at next, from the run's status (product.md §6, troubleshooting). */
export function RunHint({ run }: { run: SyncRunWithDetails }) {
  if (run.status === 'failed')
    return (
      <div className="notice notice--error" role="alert">
        <p><strong>The sync run failed.</strong> {run.error ?? 'Support Fusion could not work with a platform.'}</p>
        <p>
          This usually means the credentials or the access of an integration agent changed.{' '}
          <Link href="/settings">Re-test the connection in Settings</Link> (your partner does the same on their side).
        </p>
      </div>
    );
  if (run.status === 'partial')
    return (
      <div className="notice notice--warn" role="note">
        <p><strong>Some tickets failed.</strong> Look at the rows marked Failed below: a permission gap on one record, or a value without a value mapping, are the usual causes. The other tickets were synced.</p>
      </div>
    );
  if (run.status === 'no_tickets') return <p className="notice notice--info" role="note">No tickets were created or changed in this period. This is not an error.</p>;
  if (run.status === 'running' && run.waitingUntil)
    return (
      <p className="notice notice--info" role="status">
        This sync is waiting for the platform's API budget (it leaves room for your own agents and apps){run.waitingReason ? `: ${run.waitingReason}` : ''}. It goes on by itself; nothing to do.
      </p>
    );
  if (run.status === 'running') return <p className="notice notice--info" role="status">This sync is running; its progress updates live.</p>;
  return null;
}
