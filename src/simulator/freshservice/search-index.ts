import { z } from 'zod';
import type { Ticket } from './model.ts';
import type { SimulatorState } from './state.ts';

/**
 * How far the search index behind `/tickets/filter` lags the tickets [spec 5.5: "recent changes may lag a
 * few minutes"]. `off`: it never lags. `held`: nothing changed since it was held is searchable — a
 * new ticket is not found, an edited one is found as it was — until `release()`; tests flip this to
 * make lag deterministic. `delay`: a change becomes searchable `ms` after it was made, on the simulator's
 * clock (`now` option), for demos and benchmarks.
 */
export const SearchLagSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('off') }).strict(),
  z.object({ mode: z.literal('held') }).strict(),
  z.object({ mode: z.literal('delay'), ms: z.number().int().min(0) }).strict(),
]);
export type SearchLag = z.infer<typeof SearchLagSchema>;

export class SearchIndex {
  private lag: SearchLag = { mode: 'off' };
  /** Tickets as last indexed (copies), while the index lags. */
  private readonly entries = new Map<number, Ticket>();

  constructor(private readonly state: SimulatorState) {}

  get current(): SearchLag {
    return { ...this.lag };
  }

  set(lag: SearchLag): void {
    // Lag starts from what is searchable now; ending it lets the index catch up at once.
    if (lag.mode !== 'off' && this.lag.mode === 'off') this.catchUp(() => true);
    if (lag.mode === 'off') this.entries.clear();
    this.lag = lag.mode === 'delay' ? { mode: 'delay', ms: Math.max(0, lag.ms) } : { mode: lag.mode };
  }

  hold(): void {
    this.set({ mode: 'held' });
  }

  release(): void {
    this.set({ mode: 'off' });
  }

  /** The tickets as the search index has them (matching is done on these, answers use the live ticket). */
  tickets(): Ticket[] {
    if (this.lag.mode === 'off') return [...this.state.tickets.values()];
    if (this.lag.mode === 'delay') {
      const ms = this.lag.ms;
      const now = this.state.nowMs();
      this.catchUp((t) => now - t.updated_at >= ms);
    }
    for (const id of this.entries.keys()) if (!this.state.tickets.has(id)) this.entries.delete(id);
    return [...this.entries.values()];
  }

  private catchUp(ready: (t: Ticket) => boolean): void {
    for (const t of this.state.tickets.values()) if (ready(t)) this.entries.set(t.id, structuredClone(t));
  }
}
