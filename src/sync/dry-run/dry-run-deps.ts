import { connectorForSide, rateBudgetOf, type SideConnectorContext } from '../side-connector.ts';
import type { DryRunDeps } from './dry-run.ts';

/** The default share of each side's per-minute API budget one dry run may spend (SF_DRY_RUN_BUDGET_SHARE). */
export const DRY_RUN_BUDGET_SHARE = 0.2;

/**
 * A dry run wired to the stored credentials: each side's connector waits for the shared API budget like a
 * sync's, through the dry run's cap of `share` of that side's per-minute limit (budget-cap.ts).
 */
export function dryRunDeps(ctx: SideConnectorContext, share: number, reads: DryRunDeps['reads'], log?: DryRunDeps['log']): DryRunDeps {
  const budget = rateBudgetOf(ctx);
  return {
    reads,
    log,
    budget: { share, gate: budget, limitOf: async (account) => (await budget.usage(account)).limit },
    async connectorFor(connectionId, side, hooks) {
      try {
        const c = await connectorForSide(ctx, connectionId, side, {
          rateGate: hooks?.rateGate ?? budget,
          onBudgetWait: hooks?.onBudgetWait,
          signal: hooks?.signal,
        });
        return c ?? { error: 'no platform is configured; save the API URL and key in Settings' };
      } catch (err) {
        return { error: `its credentials cannot be used (${(err as Error).message}); save the API key again in Settings` };
      }
    },
  };
}
