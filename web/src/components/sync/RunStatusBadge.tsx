import type { Outcome, RunStatus } from '../../api.ts';
import { OUTCOME, RUN_STATUS } from '../../labels.ts';
import { Badge } from '../Badge.tsx';

export function RunStatusBadge({ status, waitingUntil }: { status: RunStatus; waitingUntil?: string | null | undefined }) {
  const s = RUN_STATUS[status] ?? { label: status, tone: 'neutral' as const };
  // Waiting for the platform's API budget is part of running, not a failure: say so plainly.
  const label = status === 'running' && waitingUntil ? 'Waiting for API budget' : s.label;
  return (
    <Badge tone={s.tone}>
      {status === 'running' ? <span className="spinner" aria-hidden="true" /> : null}
      {label}
    </Badge>
  );
}

export function OutcomeBadge({ outcome }: { outcome: Outcome }) {
  const o = OUTCOME[outcome] ?? { label: outcome, tone: 'neutral' as const };
  return <Badge tone={o.tone}>{o.label}</Badge>;
}
