import { PlatformError } from '../../core/connector.ts';
import type { RateGate } from '../../connector-kit/rate-gate.ts';
import type { Side } from '../field-mapping.ts';

/** Where a dry run stopped to stay within its share of a side's API budget. */
export interface BudgetStop {
  side: Side;
  /** Requests (credits) the dry run allowed itself on that side, and the account's per-minute limit. */
  cap: number;
  limit: number;
  /** Which page of the side's changed-ticket list it was reading, when it stopped while listing. */
  listPage: number | null;
  /** The ticket it was reading when it stopped, if any. */
  ticketId: string | null;
}

export class DryRunBudgetStop extends PlatformError {
  constructor(readonly stop: BudgetStop) {
    // Account-wide, so the engine ends the run (as at the dry run's other limits).
    super('network', 'The dry run reached its share of the API budget; the rest is not previewed');
    this.name = 'DryRunBudgetStop';
  }
}

/** What the cap needs to know of the run in progress (the recorder keeps it). */
export interface CapState {
  /** Set once any limit stopped the dry run: every later request is refused at once. */
  stopped: boolean;
  budgetStop: BudgetStop | null;
  /** The side whose changes are being listed, and how many list pages it has asked for. */
  listing: Side | null;
  listPages: Record<Side, number>;
  /** The ticket read last on each side. */
  lastTicket: Record<Side, string | null>;
  /** Credits spent per side. */
  spent: Record<Side, number>;
}

export const newCapState = (): CapState => ({
  stopped: false,
  budgetStop: null,
  listing: null,
  listPages: { source: 0, target: 0 },
  lastTicket: { source: null, target: null },
  spent: { source: 0, target: 0 },
});

/**
 * The rate gate of one side in a dry run: every request still waits for the shared budget (`inner`), and
 * in all the dry run spends at most `share` of the account's per-minute limit on this side (a dry run is
 * bounded to well under a minute, so this is also the most it takes from any minute). The request that
 * would go over is not sent: the run stops there and `state.budgetStop` says where.
 */
export function cappedGate(inner: RateGate, opts: { side: Side; share: number; limitOf: (account: string) => Promise<number>; state: CapState }): RateGate {
  const { side, share, state } = opts;
  let cap: { limit: number; allowed: number } | null = null;
  const capFor = async (account: string) => {
    const limit = Math.max(1, await opts.limitOf(account));
    return { limit, allowed: Math.max(1, Math.floor(limit * share + 1e-9)) };
  };
  return {
    async acquire(account, credits, onWait, limitClass, o) {
      if (state.stopped) throw new PlatformError('network', 'The dry run has stopped; the rest is not previewed');
      const wanted = Math.max(1, Math.ceil(Number.isFinite(credits) ? credits : 1));
      cap ??= await capFor(account);
      // The platform may have told us a higher limit since: look again before stopping.
      if (state.spent[side] + wanted > cap.allowed) cap = await capFor(account);
      if (state.spent[side] + wanted > cap.allowed) {
        state.stopped = true;
        state.budgetStop = {
          side,
          cap: cap.allowed,
          limit: cap.limit,
          listPage: state.listing === side ? state.listPages[side] + 1 : null,
          ticketId: state.listing === side ? null : state.lastTicket[side],
        };
        throw new DryRunBudgetStop(state.budgetStop);
      }
      state.spent[side] += wanted;
      if (state.listing === side) state.listPages[side] += 1;
      // The release of a concurrency lease (when the model caps requests in flight) goes back to the caller.
      return inner.acquire(account, credits, onWait, limitClass, o);
    },
    observe(account, info) {
      // The limit the platform reports now is the one the share is of (it may differ from the stored one).
      if (info.total !== null && Number.isFinite(info.total) && info.total > 0)
        cap = { limit: Math.floor(info.total), allowed: Math.max(1, Math.floor(info.total * share + 1e-9)) };
      return inner.observe(account, info);
    },
  };
}
