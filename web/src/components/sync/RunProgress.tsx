import { useId } from 'react';
import type { SyncRun } from '../../api.ts';
import { plural } from '../../format.ts';
import '../dashboard/dashboard.css';

const PHASES: Record<string, string> = {
  'listing changes': 'Listing changed tickets on both helpdesks',
  'syncing tickets': 'Syncing tickets',
  'saving cursors': 'Finishing: remembering where this sync stopped',
};

/** Tickets worked so far: the engine's count, or the detail rows already recorded when those are ahead (its writes are throttled). */
export function ticketsDone(run: SyncRun): number {
  const c = run.counts;
  return Math.max(run.progress?.ticketsDone ?? 0, c.created + c.updated + c.closed + c.failed);
}

/**
 * A running sync's progress as the server pushes it: the phase, a progress bar of tickets processed out of
 * tickets seen, and the counts. Before the engine knows how many tickets there are the bar is indeterminate.
 */
export function RunProgress({ run, live }: { run: SyncRun; live: boolean }) {
  const id = useId();
  const p = run.progress;
  const seen = p?.ticketsSeen ?? 0;
  const done = Math.min(ticketsDone(run), seen || Infinity);
  const phase = p?.phase ? (PHASES[p.phase] ?? p.phase) : 'Starting: connecting to both helpdesks';
  const counting = p?.phase === 'syncing tickets' || p?.phase === 'saving cursors';
  const pct = counting && seen > 0 ? Math.round((done / seen) * 100) : null;
  return (
    <div className="run-progress">
      <div className="run-progress__head">
        <span id={`${id}-label`} className="run-progress__phase">{phase}</span>
        <span className="muted run-progress__live">{live ? 'Live' : 'Reconnecting…'}</span>
      </div>
      {pct === null ? (
        <progress aria-labelledby={`${id}-label`} aria-describedby={`${id}-text`} className="run-progress__bar" />
      ) : (
        <progress aria-labelledby={`${id}-label`} aria-describedby={`${id}-text`} className="run-progress__bar" max={seen} value={done} />
      )}
      <p id={`${id}-text`} className="run-progress__text">
        {counting ? (
          seen > 0 ? (
            <><strong>{done}</strong> of {plural(seen, 'ticket')} processed{pct !== null ? ` (${pct}%)` : ''}</>
          ) : (
            'No changed tickets found'
          )
        ) : (
          'Counting the tickets to sync…'
        )}
      </p>
      {/* Screen readers hear phase changes, not every tick of the count. */}
      <p className="visually-hidden" role="status" aria-live="polite">{phase}</p>
    </div>
  );
}
