import { describe, expect, it } from 'vitest';
import type { ConnectionLocks } from '../db/connection-locks.ts';
import type { SyncStore } from '../db/repositories/sync-store.ts';
import { workConnectionJob } from './coordinator.ts';

/** A store whose connection is gone: the run fails at once (or, with `ok`, would not be reached). */
function fakeStore(finished: Array<[string, string | null]>): SyncStore {
  return {
    loadConnection: async () => null,
    adoptOrStartRun: async () => ({ runId: 'run-1', trigger: 'manual', since: null, adopted: true }),
    heartbeat: async () => {},
    reportProgress: async () => {},
    finishRun: async (_id: string, status: string, error: string | null) => void finished.push([status, error]),
  } as unknown as SyncStore;
}

const locks: ConnectionLocks = { tryLock: async () => async () => {} } as unknown as ConnectionLocks;

describe('run end log level', () => {
  it('a failed run is logged at warn (the log sink), not info', async () => {
    const warn: Array<[string, Record<string, unknown> | undefined]> = [];
    const info: Array<[string, Record<string, unknown> | undefined]> = [];
    const finished: Array<[string, string | null]> = [];
    const r = await workConnectionJob(
      {
        store: fakeStore(finished),
        connectorFor: async () => ({ error: 'unused' }),
        locks,
        worker: 'test',
        log: (m, d) => void warn.push([m, d]),
        info: (m, d) => void info.push([m, d]),
      },
      { connectionId: 'c-1', trigger: 'manual' },
    );
    expect(r).toMatchObject({ kind: 'ran', outcome: { status: 'failed' } });
    expect(finished[0]?.[0]).toBe('failed');
    expect(warn.find(([m]) => m === 'sync run finished')?.[1]).toMatchObject({
      runId: 'run-1',
      connectionId: 'c-1',
      status: 'failed',
      error: expect.stringMatching(/not active/),
    });
    expect(info.map(([m]) => m)).toEqual(['sync run started']);
  });
});
