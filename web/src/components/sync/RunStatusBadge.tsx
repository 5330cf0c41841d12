import type { Outcome, RunStatus } from '../../api.ts';
import { OUTCOME, RUN_STATUS } from '../../labels.ts';
import { Badge } from '../Badge.tsx';

export function RunStatusBadge({ status }: { status: RunStatus }) {
  const s = RUN_STATUS[status] ?? { label: status, tone: 'neutral' as const };
  return <Badge tone={s.tone}>{status === 'running' ? <span className="spinner" aria-hidden="true" /> : null}{s.label}</Badge>;
}

export function OutcomeBadge({ outcome }: { outcome: Outcome }) {
  const o = OUTCOME[outcome] ?? { label: outcome, tone: 'neutral' as const };
  return <Badge tone={o.tone}>{o.label}</Badge>;
}
