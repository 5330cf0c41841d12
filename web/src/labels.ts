/** Words the user sees for the API's codes, in one place so every page says the same thing. */
import type { Direction, Outcome, Role, RunStatus, SyncState } from './api.ts';

export type Tone = 'ok' | 'warn' | 'err' | 'info' | 'neutral';

export const ROLE_LABEL: Record<Role, string> = { source: 'Source', target: 'Target' };

export const SYNC_STATE: Record<SyncState, { label: string; tone: Tone }> = {
  initial_sync_required: { label: 'Initial sync required', tone: 'warn' },
  ready_for_automatic_sync: { label: 'Ready for automatic sync', tone: 'ok' },
};

export const RUN_STATUS: Record<RunStatus, { label: string; tone: Tone }> = {
  running: { label: 'Running', tone: 'info' },
  success: { label: 'Success', tone: 'ok' },
  partial: { label: 'Partial', tone: 'warn' },
  failed: { label: 'Failed', tone: 'err' },
  no_tickets: { label: 'No tickets found to sync', tone: 'neutral' },
};

export const OUTCOME: Record<Outcome, { label: string; tone: Tone }> = {
  created: { label: 'Created', tone: 'ok' },
  updated: { label: 'Updated', tone: 'info' },
  closed: { label: 'Closed', tone: 'neutral' },
  failed: { label: 'Failed', tone: 'err' },
};

export const DIRECTION_LABEL: Record<Direction, string> = {
  source_to_target: 'Source to target',
  target_to_source: 'Target to source',
  bidirectional: 'Bidirectional',
};

const TRIGGERS: Record<string, string> = {
  manual: 'Manual',
  automatic: 'Automatic',
  schedule: 'Scheduled',
  scheduled: 'Scheduled',
  webhook: 'Platform event',
  event: 'Platform event',
  ticket: 'Retry / resync',
};
export const triggerLabel = (t: string) => TRIGGERS[t] ?? t.charAt(0).toUpperCase() + t.slice(1).replace(/_/g, ' ');
