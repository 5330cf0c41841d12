import { useEffect, useRef, useState } from 'react';
import type { SyncRun } from '../api.ts';

export interface RunEvents {
  /** The run as the server last pushed it (progress, counts, status); null until the first event. */
  run: SyncRun | null;
  /** The stream is open and the run is still going. */
  live: boolean;
  /** The stream could not be opened or was refused: the page falls back to reloading the run. */
  failed: boolean;
}

/**
 * Follows a running sync through its Server-Sent Events (GET /sync-runs/:id/events): `progress` events
 * while it runs, one `done` event with the final run. `onChange` hears every event (e.g. to reload the
 * detail rows); `onDone` once, when the run has ended. Null `runId` follows nothing.
 */
export function useRunEvents(runId: string | null, handlers: { onChange?: (run: SyncRun) => void; onDone?: (run: SyncRun) => void } = {}): RunEvents {
  const [state, setState] = useState<RunEvents>({ run: null, live: false, failed: false });
  const saved = useRef(handlers);
  saved.current = handlers;

  useEffect(() => {
    setState({ run: null, live: false, failed: false });
    if (!runId || typeof EventSource === 'undefined') {
      if (runId) setState((s) => ({ ...s, failed: true }));
      return;
    }
    const es = new EventSource(`/api/v1/sync-runs/${encodeURIComponent(runId)}/events`);
    const read = (e: MessageEvent): SyncRun | null => {
      try {
        return JSON.parse(e.data as string) as SyncRun;
      } catch {
        return null;
      }
    };
    es.addEventListener('open', () => setState((s) => ({ ...s, live: true, failed: false })));
    es.addEventListener('progress', (e) => {
      const run = read(e as MessageEvent);
      if (!run) return;
      setState({ run, live: true, failed: false });
      saved.current.onChange?.(run);
    });
    es.addEventListener('done', (e) => {
      es.close();
      const run = read(e as MessageEvent);
      setState((s) => ({ run: run ?? s.run, live: false, failed: false }));
      if (run) {
        saved.current.onChange?.(run);
        saved.current.onDone?.(run);
      }
    });
    es.addEventListener('error', () => {
      // CONNECTING: the browser retries by itself (server restarts, a proxy timeout). CLOSED: refused (404, 429).
      if (es.readyState === EventSource.CLOSED) setState((s) => ({ ...s, live: false, failed: true }));
      else setState((s) => ({ ...s, live: false }));
    });
    return () => es.close();
  }, [runId]);

  return state;
}
