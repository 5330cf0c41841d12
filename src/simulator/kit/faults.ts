import { z } from 'zod';

/** How a platform words the answers a fault produces (its error body, its 429). */
export interface FaultWording {
  bodyFor(status: number): unknown;
  tooMany(retryAfterSeconds: number): { body: unknown; headers: Record<string, string> };
}

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

/**
 * Seeded random faults: each API request independently gets a 5xx, a 429 with Retry-After, a hang or a
 * connection reset with the given probabilities (at most one per request). The same seed gives the same
 * sequence of decisions. A hang holds the request `hangMs` and then processes it anyway: the platform
 * acts after the client has given up, as a slow real server does.
 */
export const RandomFaults = z
  .object({
    seed: z.number().int(),
    p5xx: z.number().min(0).max(1).default(0),
    p429: z.number().min(0).max(1).default(0),
    pHang: z.number().min(0).max(1).default(0),
    pReset: z.number().min(0).max(1).default(0),
    /** Statuses a random 5xx picks from. */
    statuses5xx: z.array(z.number().int().min(500).max(599)).min(1).default([500, 502, 503, 504]),
    retryAfterSeconds: z.number().int().min(0).default(1),
    hangMs: z.number().int().min(0).default(2_000),
    /** Only requests whose path matches (default: every API request). */
    pathPattern: z.string().optional(),
  })
  .strict();
export type RandomFaults = z.input<typeof RandomFaults>;

export interface RandomFaultCounts {
  requests: number;
  status5xx: number;
  status429: number;
  hang: number;
  reset: number;
}

/** The switchable faults; a platform may `.extend` it with its own (e.g. search lag) before `.strict()`. */
export const FaultPatchShape = z
  .object({
    latencyMs: z.number().int().min(0).nullable(),
    hang: z.boolean(),
    reset: z.boolean(),
    status5xx: z.union([z.number().int().min(500).max(599), z.object({ status: z.number().int().min(500).max(599), body: z.unknown().optional() })]).nullable(),
    burst429: z
      .union([z.number().int().min(0), z.object({ count: z.number().int().min(0), retryAfterSeconds: z.number().int().min(0).optional() })])
      .nullable(),
    rules: z.array(FaultRule),
    random: RandomFaults.nullable(),
    /**
     * A listing that never ends: every page past the second is the second page again, and it announces
     * the same next page (link, token) as the one just asked for, as a buggy or hostile platform may.
     * Each simulator applies it to its paged listings (page-loop.ts); `pathPattern` narrows it.
     */
    pageLoop: z.object({ pathPattern: z.string().optional() }).strict().nullable(),
    /**
     * A byte budget on uploads (multipart writes): once a window's uploads reach `limit` bytes, the next
     * upload is answered the platform's 429 with Retry-After until the window is refilled
     * (`refillUploadBytes`, as if the wait had passed). An upload into an empty window always passes.
     */
    uploadBytes: z
      .object({ limit: z.number().int().positive(), retryAfterSeconds: z.number().int().min(0).default(1) })
      .strict()
      .nullable(),
  })
  .partial();
export const FaultPatch = FaultPatchShape.strict();
export type FaultPatch = z.input<typeof FaultPatch>;

export interface FaultSnapshot {
  latencyMs: number;
  hang: boolean;
  reset: boolean;
  status5xx: { status: number; body: unknown } | null;
  burst429: { remaining: number; retryAfterSeconds: number } | null;
  rules: Array<FaultRule & { remaining: number | null }>;
  random: (z.output<typeof RandomFaults> & { injected: RandomFaultCounts }) | null;
  pageLoop: { pathPattern?: string | undefined } | null;
  uploadBytes: { limit: number; retryAfterSeconds: number; used: number; refused: number } | null;
}

/** A request's upload, for the byte budget: the bytes of a multipart body. */
export interface UploadInfo {
  bytes: number;
}

export type FaultAction =
  | { kind: 'none' }
  | { kind: 'reset' }
  /** Without `ms`: until the hang is switched off. With `ms`: that long, then the request is processed. */
  | { kind: 'hang'; ms?: number }
  | { kind: 'respond'; status: number; body: unknown; headers: Record<string, string> };

/** Run-time switchable faults, applied to a simulator's API requests before normal handling (fault-gate.ts). */
export class FaultController {
  private snapshot: FaultSnapshot = emptySnapshot();
  private hangWaiters = new Set<() => void>();
  private nextRandom: (() => number) | null = null;

  constructor(protected readonly wording: FaultWording) {}

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
      s.status5xx =
        p.status5xx === null
          ? null
          : typeof p.status5xx === 'number'
            ? { status: p.status5xx, body: this.wording.bodyFor(p.status5xx) }
            : { status: p.status5xx.status, body: p.status5xx.body ?? this.wording.bodyFor(p.status5xx.status) };
    }
    if (p.burst429 !== undefined) {
      s.burst429 =
        p.burst429 === null
          ? null
          : typeof p.burst429 === 'number'
            ? { remaining: p.burst429, retryAfterSeconds: 1 }
            : { remaining: p.burst429.count, retryAfterSeconds: p.burst429.retryAfterSeconds ?? 1 };
    }
    if (p.rules !== undefined) s.rules = p.rules.map((r) => ({ ...r, remaining: r.times ?? null }));
    if (p.random !== undefined) {
      s.random = p.random === null ? null : { ...p.random, injected: { requests: 0, status5xx: 0, status429: 0, hang: 0, reset: 0 } };
      this.nextRandom = p.random === null ? null : mulberry32(p.random.seed);
    }
    if (p.pageLoop !== undefined) s.pageLoop = p.pageLoop;
    if (p.uploadBytes !== undefined) s.uploadBytes = p.uploadBytes === null ? null : { ...p.uploadBytes, used: 0, refused: 0 };
  }

  /** Whether the listing at `path` is to repeat its pages (the pageLoop fault). */
  loopsPages(path: string): boolean {
    const loop = this.snapshot.pageLoop;
    return loop !== null && (loop.pathPattern === undefined || new RegExp(loop.pathPattern).test(path));
  }

  /** A fresh upload byte window, as when the time a 429 asked to wait has passed. */
  refillUploadBytes(): void {
    if (this.snapshot.uploadBytes) this.snapshot.uploadBytes.used = 0;
  }

  /** What the random faults have done so far (zeros when they are off). */
  injectedCounts(): RandomFaultCounts {
    return { ...(this.snapshot.random?.injected ?? { requests: 0, status5xx: 0, status429: 0, hang: 0, reset: 0 }) };
  }

  addRule(rule: FaultRule): void {
    const r = FaultRule.parse(rule);
    this.snapshot.rules.push({ ...r, remaining: r.times ?? null });
  }

  clear(): void {
    this.snapshot = emptySnapshot();
    this.nextRandom = null;
    this.releaseHung();
  }

  /** Hung requests wait here (at most `ms` when given); clearing the hang lets them continue normally. */
  waitWhileHung(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.hangWaiters.delete(done);
        resolve();
      };
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      this.hangWaiters.add(done);
    });
  }

  releaseHung(): void {
    for (const w of this.hangWaiters) w();
    this.hangWaiters.clear();
  }

  get latencyMs(): number {
    return this.snapshot.latencyMs;
  }

  /**
   * Decides (and counts down) the fault for one request. Latency is applied separately by the server.
   * `upload`: the request's multipart body, which spends the upload byte budget when one is set.
   */
  decide(method: string, path: string, upload?: UploadInfo): FaultAction {
    const s = this.snapshot;
    if (s.reset) return { kind: 'reset' };
    if (s.hang) return { kind: 'hang' };
    if (s.burst429 && s.burst429.remaining > 0) {
      s.burst429.remaining -= 1;
      const tooMany = this.wording.tooMany(s.burst429.retryAfterSeconds);
      if (s.burst429.remaining === 0) s.burst429 = null;
      return { kind: 'respond', status: 429, body: tooMany.body, headers: tooMany.headers };
    }
    if (s.status5xx) return { kind: 'respond', status: s.status5xx.status, body: s.status5xx.body, headers: {} };
    if (s.uploadBytes && upload) {
      const budget = s.uploadBytes;
      if (budget.used > 0 && budget.used + upload.bytes > budget.limit) {
        budget.refused += 1;
        const tooMany = this.wording.tooMany(budget.retryAfterSeconds);
        return { kind: 'respond', status: 429, body: tooMany.body, headers: tooMany.headers };
      }
      budget.used += upload.bytes;
    }
    for (const rule of s.rules) {
      if (rule.remaining === 0) continue;
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!new RegExp(rule.pathPattern).test(path)) continue;
      if (rule.remaining !== null) rule.remaining -= 1;
      return { kind: 'respond', status: rule.status, body: rule.body ?? this.wording.bodyFor(rule.status), headers: rule.headers ?? {} };
    }
    if (s.random && this.nextRandom && (s.random.pathPattern === undefined || new RegExp(s.random.pathPattern).test(path)))
      return this.decideRandom(s.random, this.nextRandom);
    return { kind: 'none' };
  }

  private decideRandom(r: NonNullable<FaultSnapshot['random']>, next: () => number): FaultAction {
    r.injected.requests += 1;
    const x = next();
    const pick = next();
    let edge = r.p5xx;
    if (x < edge) {
      r.injected.status5xx += 1;
      const status = r.statuses5xx[Math.floor(pick * r.statuses5xx.length)] ?? 500;
      return { kind: 'respond', status, body: this.wording.bodyFor(status), headers: {} };
    }
    if (x < (edge += r.p429)) {
      r.injected.status429 += 1;
      const tooMany = this.wording.tooMany(r.retryAfterSeconds);
      return { kind: 'respond', status: 429, body: tooMany.body, headers: tooMany.headers };
    }
    if (x < (edge += r.pHang)) {
      r.injected.hang += 1;
      return { kind: 'hang', ms: r.hangMs };
    }
    if (x < edge + r.pReset) {
      r.injected.reset += 1;
      return { kind: 'reset' };
    }
    return { kind: 'none' };
  }
}

function emptySnapshot(): FaultSnapshot {
  return { latencyMs: 0, hang: false, reset: false, status5xx: null, burst429: null, rules: [], random: null, pageLoop: null, uploadBytes: null };
}

/** Small seeded PRNG (mulberry32): 0 ≤ x < 1. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
