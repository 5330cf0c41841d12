/** Contract of GET /api/v1/dashboard (see README, "Dashboard figures"). */
import type { LastRun, Partner, Role } from '../../api.ts';
import type { Tone } from '../../labels.ts';

export type DashboardState = 'initial_sync_required' | 'ready' | 'automatic' | 'paused' | 'failing';
export type LagSource = 'retry' | 'hint' | 'create' | 'last_run';
export type RunCounts = { success: number; partial: number; failed: number; no_tickets: number; running: number };
export type TicketCounts = { created: number; updated: number; closed: number; failed: number };

export interface DayFigures {
  date: string;
  runs: RunCounts;
  tickets: TicketCounts;
}

export interface ConnectionFigures {
  id: string;
  name: string;
  role: Role;
  partner: Partner | null;
  state: DashboardState;
  automaticSync: boolean;
  intervalMinutes: number;
  lastRun: LastRun | null;
  nextRunAt: string | null;
  lagSeconds: number | null;
  lagSince: string | null;
  lagSource: LagSource | null;
  successRate: number | null;
  finishedRuns7d: number;
  daily: DayFigures[];
  totals: Record<'7d' | '30d', { runs: RunCounts; tickets: TicketCounts }>;
}

export interface RateBudget {
  account: string;
  usedFor: string[];
  windowSeconds: number;
  limit: number;
  allowed: number;
  used: number;
  remaining: number;
  observedRemaining: number | null;
  observedAt: string | null;
  blockedUntil: string | null;
}

export interface Dashboard {
  generatedAt: string;
  timeZone: string;
  days: string[];
  pendingConnections: number;
  connections: ConnectionFigures[];
  rateBudgets: RateBudget[];
}

export const STATE: Record<DashboardState, { label: string; tone: Tone; help: string }> = {
  initial_sync_required: { label: 'Initial sync required', tone: 'warn', help: 'Run the first manual sync (Sync now) to set the baseline.' },
  ready: { label: 'Ready for automatic sync', tone: 'info', help: 'Switch automatic sync on in the Sync tab, or sync manually.' },
  automatic: { label: 'Automatic', tone: 'ok', help: 'Syncs on a schedule and on webhook events.' },
  paused: { label: 'Paused', tone: 'neutral', help: 'Automatic sync was switched off: tickets sync only when someone clicks Sync now.' },
  failing: {
    label: 'Failing',
    tone: 'err',
    help: 'The last run failed: open it to see whose side failed and what to do (a rejected key is tested again in Settings).',
  },
};

/** Series colours: the text colours of the badges (readable on white, AA). */
export const COLORS = {
  success: '#137a3f',
  partial: '#8a5a00',
  failed: '#b42318',
  no_tickets: '#5f6673',
  running: '#1d4ed8',
  created: '#137a3f',
  updated: '#1d4ed8',
  closed: '#5f6673',
} as const;
