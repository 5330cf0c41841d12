import type { Connection, RunStatus } from '../../api.ts';
import { RUN_STATUS } from '../../labels.ts';
import { SelectField } from '../SelectField.tsx';

// "All kept runs" reaches back as far as any retention may (SF_RETENTION_DAYS, at most 3650 days).
export const PERIODS = {
  '24h': { label: 'Last 24 hours', ms: 86_400_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000 },
  '30d': { label: 'Last 30 days', ms: 30 * 86_400_000 },
  all: { label: 'All kept runs', ms: 3651 * 86_400_000 },
} as const;
export type Period = keyof typeof PERIODS;

export interface RunFilterValue {
  connection: string;
  status: RunStatus | '';
  period: Period;
}

export function RunFilters({ value, onChange, connections }: { value: RunFilterValue; onChange: (v: RunFilterValue) => void; connections: Connection[] }) {
  return (
    <div className="filters" role="search" aria-label="Filter sync runs">
      <SelectField
        label="Connection"
        value={value.connection}
        emptyLabel="All connections"
        options={connections.map((c) => ({ value: c.id, label: c.partner ? `${c.contractName} (${c.partner.name})` : c.contractName }))}
        onChange={(connection) => onChange({ ...value, connection })}
      />
      <SelectField
        label="Status"
        value={value.status}
        emptyLabel="Any status"
        options={(Object.keys(RUN_STATUS) as RunStatus[]).map((s) => ({ value: s, label: RUN_STATUS[s].label }))}
        onChange={(status) => onChange({ ...value, status: status as RunStatus | '' })}
      />
      <SelectField
        label="Period"
        value={value.period}
        options={(Object.keys(PERIODS) as Period[]).map((p) => ({ value: p, label: PERIODS[p].label }))}
        onChange={(period) => onChange({ ...value, period: period as Period })}
      />
    </div>
  );
}
