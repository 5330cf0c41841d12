import type { z } from 'zod';
import { FaultController as KitFaultController, FaultPatchShape, type FaultWording } from '../kit/faults.ts';
import { SearchLagSchema, type SearchIndex } from './search-index.ts';

export { FaultRule, RandomFaults, type FaultAction, type FaultSnapshot, type RandomFaultCounts } from '../kit/faults.ts';

/** The kit's faults plus Freshservice's search-index lag of /tickets/filter (search-index.ts; null switches it off). */
export const FaultPatch = FaultPatchShape.extend({ searchLag: SearchLagSchema.nullable() }).partial().strict();
export type FaultPatch = z.input<typeof FaultPatch>;

const TOO_MANY = { message: 'You have exceeded the limit of requests per minute' };

export const freshserviceFaultWording: FaultWording = {
  bodyFor(status: number): unknown {
    if (status === 400)
      return { description: 'Validation failed', errors: [{ field: 'simulated', message: 'Simulated validation failure', code: 'invalid_value' }] };
    if (status >= 500) return { code: 'internal_error', message: 'Simulated server error' };
    return { code: 'simulated_fault', message: `Simulated ${status}` };
  },
  tooMany: (retryAfterSeconds) => ({ body: TOO_MANY, headers: { 'retry-after': String(retryAfterSeconds) } }),
};

/** Run-time switchable faults, applied to /api/v2 requests before normal handling. */
export class FaultController extends KitFaultController {
  /** `search`: the account's search index, so `searchLag` is switched (and cleared) with the other faults. */
  constructor(private readonly search?: Pick<SearchIndex, 'set'>) {
    super(freshserviceFaultWording);
  }

  override set(patch: FaultPatch): void {
    const { searchLag, ...rest } = FaultPatch.parse(patch);
    super.set(rest);
    if (searchLag !== undefined) this.search?.set(searchLag ?? { mode: 'off' });
  }

  override clear(): void {
    super.clear();
    this.search?.set({ mode: 'off' });
  }
}
