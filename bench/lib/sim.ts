import { spawnCli, type Proc } from './proc.ts';

/** One simulated Freshservice account, reached over HTTP like any other. */
export interface SimAccount {
  name: string;
  url: string;
  /** API key of the `admin` agent (all roles, all groups). */
  key: string;
  proc: Proc;
}

export interface EndpointCount {
  calls: number;
  credits: number;
  byStatus: Record<string, number>;
}

export interface RequestSummary {
  from: number;
  next: number;
  calls: number;
  credits: number;
  rateLimited: number;
  firstMs: number | null;
  lastMs: number | null;
  endpoints: Record<string, EndpointCount>;
  /** [startedMs, finishedMs, status, credits, endpoint] per request, with `entries`. */
  entries?: Array<[number, number | null, number, number, string]>;
}

export interface SimOptions {
  accounts?: number;
  plan?: 'starter' | 'growth' | 'pro' | 'enterprise';
  rateLimit?: 'on' | 'off';
  latencyMs?: number;
  label?: string;
}

/** Starts `support-fusion simulate freshservice` as its own process with `accounts` accounts on random ports. */
export async function startSimulator(opts: SimOptions = {}): Promise<{ proc: Proc; accounts: SimAccount[] }> {
  const args = [
    'simulate',
    'freshservice',
    '--port',
    '0',
    '--seed',
    'empty',
    '--quiet',
    '--accounts',
    String(opts.accounts ?? 1),
    '--plan',
    opts.plan ?? 'pro',
    '--rate-limit',
    opts.rateLimit ?? 'off',
  ];
  if (opts.latencyMs) args.push('--latency', String(opts.latencyMs));
  const proc = spawnCli(opts.label ?? 'simulator', args, {});
  await proc.waitFor('Press Ctrl+C to stop.', 120_000);
  const accounts = [...proc.output().matchAll(/^SIM (\S+) (\S+) (\S+)$/gm)].map((m) => ({ name: m[1]!, url: m[2]!, key: m[3]!, proc }));
  return { proc, accounts };
}

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const r = await fetch(url, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${url} → ${r.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : null) as T;
}

export interface SeedBulk {
  tickets: number;
  replies?: number;
  notes?: number;
  attachmentEvery?: number;
  requesters?: number;
  spacingSeconds?: number;
  subjectPrefix?: string;
}

export const sim = {
  seedBulk: (a: SimAccount, o: SeedBulk) =>
    call<{ tickets: number; firstId: number | null; lastId: number | null; conversations: number; attachments: number; requesters: number }>(
      'POST',
      `${a.url}/_sim/seed-bulk`,
      o,
    ),
  summary: (a: SimAccount, from = 0, entries = false) =>
    call<RequestSummary>('GET', `${a.url}/_sim/request-summary?from=${from}${entries ? '&entries=1' : ''}`),
  /** Index of the next request in the account's log: a summary `from` here counts only what follows. */
  mark: async (a: SimAccount) => (await call<RequestSummary>('GET', `${a.url}/_sim/request-summary?from=1000000000`)).next,
  counts: (a: SimAccount) =>
    call<{ tickets: number; conversations: number; attachments: number; users: number; requests: number }>('GET', `${a.url}/_sim/counts`),
  edit: (a: SimAccount, id: number, patch: { subject?: string; priority?: number }) =>
    call<{ id: number; updated_at: string }>('POST', `${a.url}/_sim/tickets/${id}/edit`, patch),
  findSubjects: async (a: SimAccount, subjects: string[]) =>
    (await call<{ found: Record<string, number> }>('POST', `${a.url}/_sim/find-subjects`, { subjects })).found,
  setLatency: (a: SimAccount, ms: number) => call('PUT', `${a.url}/_sim/faults`, { latencyMs: ms }),
};

/** Adds `b`'s endpoint counts into `a`. */
export function mergeEndpoints(a: Record<string, EndpointCount>, b: Record<string, EndpointCount>): Record<string, EndpointCount> {
  for (const [k, v] of Object.entries(b)) {
    const e = (a[k] ??= { calls: 0, credits: 0, byStatus: {} });
    e.calls += v.calls;
    e.credits += v.credits;
    for (const [s, n] of Object.entries(v.byStatus)) e.byStatus[s] = (e.byStatus[s] ?? 0) + n;
  }
  return a;
}

/** `{ "GET /tickets": 20, ... }`, largest first. */
export function callsByEndpoint(e: Record<string, EndpointCount>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(e)
      .sort((x, y) => y[1].calls - x[1].calls)
      .map(([k, v]) => [k, v.calls]),
  );
}
