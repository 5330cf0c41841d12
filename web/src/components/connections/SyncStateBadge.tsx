import type { Connection, ConnectionState } from '../../api.ts';
import { STATE } from '../dashboard/types.ts';
import { Badge } from '../Badge.tsx';

/** The state of an active connection, worded as on the Dashboard (the server computes it once for every page). */
export function stateOfConnection(c: Pick<Connection, 'state' | 'syncState' | 'automaticSync'>): ConnectionState {
  // An older server sends no `state`: the nearest words from what it does send.
  if (c.state) return c.state;
  if (c.syncState !== 'ready_for_automatic_sync') return 'initial_sync_required';
  return c.automaticSync ? 'automatic' : 'ready';
}

export function SyncStateBadge({ state }: { state: ConnectionState }) {
  const s = STATE[state] ?? { label: state, tone: 'neutral' as const };
  return (
    <Badge tone={s.tone}>
      <span className="visually-hidden">State: </span>
      {s.label}
    </Badge>
  );
}
