import { z } from 'zod';

/** A targeted failure: the first `times` matching requests (all, when omitted) get `status` + `body`. */
export const FaultRule = z.object({
  method: z.string().optional(),
  pathPattern: z.string(),
  status: z.number().int().min(100).max(599),
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  times: z.number().int().positive().optional(),
});
export type FaultRule = z.infer<typeof FaultRule>;

export const FaultPatch = z
  .object({
    latencyMs: z.number().int().min(0).nullable(),
    hang: z.boolean(),
    reset: z.boolean(),
    status5xx: z.union([z.number().int().min(500).max(599), z.object({ status: z.number().int().min(500).max(599), body: z.unknown().optional() })]).nullable(),
    burst429: z.union([z.number().int().min(0), z.object({ count: z.number().int().min(0), retryAfterSeconds: z.number().int().min(0).optional() })]).nullable(),
    rules: z.array(FaultRule),
  })
  .partial()
  .strict();
export type FaultPatch = z.infer<typeof FaultPatch>;

export interface FaultSnapshot {
  latencyMs: number;
  hang: boolean;
  reset: boolean;
  status5xx: { status: number; body: unknown } | null;
  burst429: { remaining: number; retryAfterSeconds: number } | null;
  rules: Array<FaultRule & { remaining: number | null }>;
}

export type FaultAction =
  | { kind: 'none' }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'respond'; status: number; body: unknown; headers: Record<string, string> };

/** Run-time switchable faults, applied to /api/v2 requests before normal handling. */
export class FaultController {
  private snapshot: FaultSnapshot = emptySnapshot();
  private hangWaiters = new Set<() => void>();

  get(): FaultSnapshot {
    return structuredClone(this.snapshot);
  }

  /** Merges a partial configuration (null switches a fault off). `rules` replaces the rule list. */
  set(patch: FaultPatch): void {
    const p = FaultPatch.parse(patch);
    const s = this.snapshot;
    if (p.latencyMs !== undefined) s.latencyMs = p.latencyMs ?? 0;
    if (p.hang !== undefined) {
      s.hang = p.hang;
      if (!p.hang) this.releaseHung();
    }
    if (p.reset !== undefined) s.reset = p.reset;
    if (p.status5xx !== undefined) {
      s.status5xx = p.status5xx === null ? null : typeof p.status5xx === 'number' ? { status: p.status5xx, body: defaultBody(p.status5xx) } : { status: p.status5xx.status, body: p.status5xx.body ?? defaultBody(p.status5xx.status) };
    }
    if (p.burst429 !== undefined) {
      s.burst429 = p.burst429 === null ? null : typeof p.burst429 === 'number' ? { remaining: p.burst429, retryAfterSeconds: 1 } : { remaining: p.burst429.count, retryAfterSeconds: p.burst429.retryAfterSeconds ?? 1 };
    }
    if (p.rules !== undefined) s.rules = p.rules.map((r) => ({ ...r, remaining: r.times ?? null }));
  }

  addRule(rule: FaultRule): void {
    const r = FaultRule.parse(rule);
    this.snapshot.rules.push({ ...r, remaining: r.times ?? null });
  }

  clear(): void {
    this.snapshot = emptySnapshot();
    this.releaseHung();
  }

  /** Hung requests wait here; clearing the hang lets them continue normally. */
  waitWhileHung(): Promise<void> {
    return new Promise((resolve) => this.hangWaiters.add(resolve));
  }

  releaseHung(): void {
    for (const w of this.hangWaiters) w();
    this.hangWaiters.clear();
  }

  get latencyMs(): number {
    return this.snapshot.latencyMs;
  }

  /** Decides (and counts down) the fault for one request. Latency is applied separately by the server. */
  decide(method: string, path: string): FaultAction {
    const s = this.snapshot;
    if (s.reset) return { kind: 'reset' };
    if (s.hang) return { kind: 'hang' };
    if (s.burst429 && s.burst429.remaining > 0) {
      s.burst429.remaining -= 1;
      const retry = String(s.burst429.retryAfterSeconds);
      if (s.burst429.remaining === 0) s.burst429 = null;
      return { kind: 'respond', status: 429, body: { message: 'You have exceeded the limit of requests per minute' }, headers: { 'retry-after': retry } };
    }
    if (s.status5xx) return { kind: 'respond', status: s.status5xx.status, body: s.status5xx.body, headers: {} };
    for (const rule of s.rules) {
      if (rule.remaining === 0) continue;
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!new RegExp(rule.pathPattern).test(path)) continue;
      if (rule.remaining !== null) rule.remaining -= 1;
      return { kind: 'respond', status: rule.status, body: rule.body ?? defaultBody(rule.status), headers: rule.headers ?? {} };
    }
    return { kind: 'none' };
  }
}

function emptySnapshot(): FaultSnapshot {
  return { latencyMs: 0, hang: false, reset: false, status5xx: null, burst429: null, rules: [] };
}

function defaultBody(status: number): unknown {
  if (status === 400) return { description: 'Validation failed', errors: [{ field: 'simulated', message: 'Simulated validation failure', code: 'invalid_value' }] };
  if (status >= 500) return { code: 'internal_error', message: 'Simulated server error' };
  return { code: 'simulated_fault', message: `Simulated ${status}` };
}
