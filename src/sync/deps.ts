import { createSyncStore } from '../db/repositories/sync-store.ts';
import { connectorForSide, type SideConnectorContext } from '../server/side-connector.ts';
import type { EngineDeps } from './engine.ts';

/** The engine wired to the data layer and the stored credentials of each side. */
export function engineDeps(ctx: SideConnectorContext, log?: EngineDeps['log']): EngineDeps {
  return {
    store: createSyncStore(ctx.db),
    log,
    async connectorFor(connectionId, side) {
      try {
        const c = await connectorForSide(ctx, connectionId, side);
        return c ?? { error: 'no platform is configured; save the API URL and key in Settings' };
      } catch (err) {
        return { error: `its credentials cannot be used (${(err as Error).message}); save the API key again in Settings` };
      }
    },
  };
}
