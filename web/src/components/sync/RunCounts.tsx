import type { SyncRun } from '../../api.ts';

/** "3 created · 1 updated · 0 closed · 1 failed", zero counts dimmed. */
export function RunCounts({ counts }: { counts: SyncRun['counts'] }) {
  const items: Array<[keyof SyncRun['counts'], string]> = [
    ['created', 'created'],
    ['updated', 'updated'],
    ['closed', 'closed'],
    ['failed', 'failed'],
  ];
  return (
    <span className="counts">
      {items.map(([k, label]) => (
        <span key={k} className={`counts__item${counts[k] ? ` counts__item--${k}` : ' counts__item--zero'}`}>
          <strong>{counts[k] ?? 0}</strong> {label}
        </span>
      ))}
    </span>
  );
}
