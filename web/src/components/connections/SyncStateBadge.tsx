import type { SyncState } from '../../api.ts';
import { SYNC_STATE } from '../../labels.ts';
import { Badge } from '../Badge.tsx';

export function SyncStateBadge({ state }: { state: SyncState }) {
  const s = SYNC_STATE[state] ?? { label: state, tone: 'neutral' as const };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}
