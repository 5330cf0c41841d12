import { useEffect, useId, useState } from 'react';
import type { RunSteps as Steps, StepCount, SyncRun } from '../../api.ts';
import { plural } from '../../format.ts';
import '../dashboard/dashboard.css';

const PHASES: Record<string, string> = {
  'listing changes': 'Listing changed tickets on both helpdesks',
  'screening tickets': 'Checking the changed tickets against the sync filters',
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
        <span id={`${id}-label`} className="run-progress__phase">
          {phase}
        </span>
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
            <>
              <strong>{done}</strong> of {plural(seen, 'ticket')} processed{pct !== null ? ` (${pct}%)` : ''}
            </>
          ) : (
            'No changed tickets found'
          )
        ) : (
          'Counting the tickets to sync…'
        )}
      </p>
      {p?.steps ? <RunSteps steps={p.steps} /> : null}
      {run.waitingUntil ? <WaitingNotice until={run.waitingUntil} reason={run.waitingReason ?? null} /> : null}
      {/* Screen readers hear phase changes, not every tick of the count. */}
      <p className="visually-hidden" role="status" aria-live="polite">
        {phase}
      </p>
    </div>
  );
}

const step = (c: StepCount, what: string) => `${c.done} of ${plural(c.planned, what)}${c.failed ? ` (${c.failed} failed)` : ''}`;

/** Planned and done by step; the figures add up (your listed = kept back + to sync; tickets = yours + the partner's). */
function RunSteps({ steps }: { steps: Steps }) {
  const y = steps.yours;
  const mineToSync = y ? y.travelling : null;
  return (
    <dl className="run-steps" aria-label="Progress by step">
      {y ? (
        <>
          <dt>Your changed tickets</dt>
          <dd>
            {y.screened} of {plural(y.listed, 'ticket')} checked: {mineToSync} to sync, {y.keptBack} kept back by your filters
          </dd>
        </>
      ) : null}
      <dt>Tickets synced</dt>
      <dd>
        {step(steps.tickets, 'ticket')}
        {steps.tickets.fromPartner !== null && mineToSync !== null ? ` (${mineToSync} yours, ${steps.tickets.fromPartner} from your partner)` : ''}
      </dd>
      <dt>Comments copied</dt>
      <dd>{step(steps.comments, 'comment')}</dd>
      <dt>Attachments copied</dt>
      <dd>{step(steps.attachments, 'file')}</dd>
    </dl>
  );
}

/** "Waiting 40 s for the platform's rate limit of Contoso (API budget 80% used); goes on at 14:32:10." */
function WaitingNotice({ until, reason }: { until: string; reason: string | null }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const at = new Date(until);
  const seconds = Math.max(1, Math.ceil((at.getTime() - now) / 1000));
  return (
    <p className="notice notice--info">
      Waiting {seconds} s for {reason ?? "the platform's API budget"}; goes on at {at.toLocaleTimeString()}. Support Fusion leaves room for the helpdesk's own
      agents and apps; nothing to do.
    </p>
  );
}
