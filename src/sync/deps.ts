import type { RateGate } from '../connector-kit/rate-gate.ts';
import { getConnectionSide } from '../db/repositories/connections.ts';
import { markKeyRejected } from '../db/repositories/platform-configs.ts';
import { createSyncStore } from '../db/repositories/sync-store.ts';
import { ticketsSynced } from '../observability/metrics.ts';
import { connectorForSide, rateBudgetOf, type SideConnectorContext } from './side-connector.ts';
import type { EngineDeps } from './engine.ts';

export interface EngineDepsOptions {
  /** The API budget every connector waits for; by default one database-backed budget for this process. */
  rateGate?: RateGate;
}

/**
 * The engine wired to the data layer and the stored credentials of each side. Every connector of this
 * process shares one API budget, itself shared through the database with every other worker.
 */
export function engineDeps(
  ctx: SideConnectorContext & { config: { rateHeadroom?: number } },
  log?: EngineDeps['log'],
  opts: EngineDepsOptions = {},
): EngineDeps {
  const rateGate = opts.rateGate ?? rateBudgetOf(ctx);
  const store = createSyncStore(ctx.db);
  return {
    store,
    log,
    // Each ticket processed (one detail row) is counted by outcome for /metrics.
    onEvent(e) {
      if (e.kind === 'ticket') ticketsSynced.inc({ outcome: e.outcome });
    },
    lostCreateSettleMs: 2 * ctx.config.platformTimeoutMs,
    async onCredentialsRejected({ connectionId, side, runId, at }) {
      // Only the organisation's Settings key has a Test Connection to mark stale; an override's key is the connection's own.
      const row = await getConnectionSide(ctx.db, connectionId, side);
      if (row && !row.apiOverride) await markKeyRejected(ctx.db, row.organisationId, { at: at.toISOString(), runId, connectionId });
    },
    async connectorFor(connectionId, side, hooks) {
      try {
        // The settings the engine resolved replace the configured ones (side-connector.ts reads the configured ones itself).
        const opts: Parameters<typeof connectorForSide>[3] = {
          rateGate,
          onBudgetWait: hooks?.onBudgetWait,
          signal: hooks?.signal,
          ...(hooks?.sideSettings ? { sideSettings: hooks.sideSettings } : {}),
        };
        const c = await connectorForSide(ctx, connectionId, side, opts);
        return c ?? { error: 'no platform is configured; save the API URL and key in Settings' };
      } catch (err) {
        return { error: `its credentials cannot be used (${(err as Error).message}); save the API key again in Settings` };
      }
    },
  };
}
