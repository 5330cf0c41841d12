import type { SyncRun } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { useRunEvents } from '../../hooks/use-run-events.ts';
import { triggerLabel } from '../../labels.ts';
import { syncRunPath } from '../../routes.ts';
import { Link } from '../Link.tsx';
import { RunCounts } from './RunCounts.tsx';
import { RunProgress } from './RunProgress.tsx';
import { RunStatusBadge } from './RunStatusBadge.tsx';

/** The connection's running sync, followed live through the server's event stream. */
export function LiveRunCard({ run, onDone }: { run: SyncRun; onDone: () => void }) {
  const events = useRunEvents(run.id, { onDone });
  // Until the first event (or without a stream) the run as the list last loaded it.
  const shown = events.run ?? run;
  return (
    <section className="card" aria-labelledby="live-run-title">
      <div className="card__header card__header--row">
        <h2 id="live-run-title">Sync in progress</h2>
        <RunStatusBadge status={shown.status} waitingUntil={shown.waitingUntil} />
      </div>
      <p className="muted">
        {triggerLabel(shown.trigger)} run · began {formatDateTime(shown.startedAt)} · <Link href={syncRunPath(run.id)}>Details</Link>
      </p>
      {shown.status === 'running' ? <RunProgress run={shown} live={events.live || !events.failed} /> : null}
      <RunCounts counts={shown.counts} />
    </section>
  );
}
