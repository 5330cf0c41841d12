import { describe, expect, it } from 'vitest';
import { stateOf, type StateFacts } from './connection-state.ts';

const base: StateFacts = { syncState: 'ready_for_automatic_sync', automaticSync: false, lastFinishedStatus: 'success', hadAutomaticRun: false };

describe('stateOf: one state for the Dashboard, the Connections list and the connection page', () => {
  it.each<[string, Partial<StateFacts>, string]>([
    ['before the first manual sync', { syncState: 'initial_sync_required', lastFinishedStatus: null }, 'initial_sync_required'],
    ['ready, automatic sync never switched on', {}, 'ready'],
    ['automatic sync on', { automaticSync: true }, 'automatic'],
    ['automatic sync on, last run partial', { automaticSync: true, lastFinishedStatus: 'partial' }, 'automatic'],
    ['automatic sync switched off after it ran', { hadAutomaticRun: true }, 'paused'],
    ['last finished run failed, automatic on', { automaticSync: true, lastFinishedStatus: 'failed' }, 'failing'],
    ['first manual run failed', { syncState: 'initial_sync_required', lastFinishedStatus: 'failed' }, 'failing'],
  ])('%s', (_name, facts, expected) => {
    expect(stateOf({ ...base, ...facts })).toBe(expected);
  });
});
