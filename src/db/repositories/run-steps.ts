/**
 * A run's progress by step (issue 12 item 13), as the engine counts it (src/sync/progress.ts) and stores
 * it in `sync_runs.progress_steps` (migration 0020): tickets listed per side, screened against the
 * filters, kept back, then worked; comments and attachments found to copy and copied.
 *
 * The counts add up: for each side, once screening is over, `listed = travelling + keptBack`; the tickets
 * worked are the travelling ones of both sides (`tickets.planned`); each of `tickets`, `comments`,
 * `attachments` ends with `done + failed = planned` (a stopped run ends short of it).
 */
export type Side = 'source' | 'target';

export interface StepCount {
  planned: number;
  done: number;
  failed: number;
}

export interface RunSteps {
  /** Tickets to look at per side: changes listed, retries, hints and interrupted creates. */
  listed: Record<Side, number>;
  /** Of those, screened against the sending side's filters so far. */
  screened: Record<Side, number>;
  /** Screened tickets that do not travel: kept back by the filters, or failed before they could be applied. */
  keptBack: Record<Side, number>;
  /** Screened tickets that travel, per side (their sum is `tickets.planned` once screening is over). */
  travelling: Record<Side, number>;
  tickets: StepCount;
  comments: StepCount;
  attachments: StepCount;
}

export const emptySteps = (): RunSteps => ({
  listed: { source: 0, target: 0 },
  screened: { source: 0, target: 0 },
  keptBack: { source: 0, target: 0 },
  travelling: { source: 0, target: 0 },
  tickets: { planned: 0, done: 0, failed: 0 },
  comments: { planned: 0, done: 0, failed: 0 },
  attachments: { planned: 0, done: 0, failed: 0 },
});

/** What one organisation sees of the steps (the API's `progress.steps`). */
export interface RunStepsView {
  /** The viewer's own tickets: listed, screened, kept back by its own filters, travelling. Absent without a viewer. */
  yours?: { listed: number; screened: number; keptBack: number; travelling: number };
  /** Tickets worked (both sides' travelling tickets); `fromPartner`: how many of them are the partner's. */
  tickets: StepCount & { fromPartner: number | null };
  comments: StepCount;
  attachments: StepCount;
}

/**
 * The steps as `viewerSide`'s organisation may see them. What the partner's filters keep back (and so how
 * many of its tickets were listed) is its own business: the viewer learns only how many of the partner's
 * tickets travel, as the run's counts would tell it anyway.
 */
export function stepsView(raw: unknown, viewerSide?: Side): RunStepsView | null {
  const s = parseSteps(raw);
  if (!s) return null;
  const partner: Side | null = viewerSide ? (viewerSide === 'source' ? 'target' : 'source') : null;
  return {
    ...(viewerSide
      ? { yours: { listed: s.listed[viewerSide], screened: s.screened[viewerSide], keptBack: s.keptBack[viewerSide], travelling: s.travelling[viewerSide] } }
      : {}),
    tickets: { ...s.tickets, fromPartner: partner ? s.travelling[partner] : null },
    comments: s.comments,
    attachments: s.attachments,
  };
}

const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0);

/** Stored steps read defensively (a row written by an older version has none). */
export function parseSteps(raw: unknown): RunSteps | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Record<string, Record<string, unknown> | undefined>;
  const sides = (k: string) => ({ source: n(r[k]?.source), target: n(r[k]?.target) });
  const count = (k: string) => ({ planned: n(r[k]?.planned), done: n(r[k]?.done), failed: n(r[k]?.failed) });
  return {
    listed: sides('listed'),
    screened: sides('screened'),
    keptBack: sides('keptBack'),
    travelling: sides('travelling'),
    tickets: count('tickets'),
    comments: count('comments'),
    attachments: count('attachments'),
  };
}
