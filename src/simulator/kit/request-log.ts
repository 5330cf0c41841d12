import type { FastifyReply, FastifyRequest } from 'fastify';

/** One API request as a simulator saw it (control routes are not logged). */
export interface RequestLogEntry {
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  /** 0 while pending, or when the answer was a reset/hang fault. */
  status: number;
  /** What the request cost in the platform's rate model (credits, points); 1 where the platform has none. */
  credits: number;
  /** The caller's id on the platform once authenticated, else null. */
  agentId: number | string | null;
  /** Millisecond times of arrival and answer (for ordering and overlap checks in tests). */
  startedMs: number;
  finishedMs: number | null;
  userAgent: string | null;
}

/** Appends an entry for `req` to `log` and fills in status/finish time when the answer is sent. */
export function logRequest(log: RequestLogEntry[], req: FastifyRequest, reply: FastifyReply, path: string, query: Record<string, string>): RequestLogEntry {
  const now = Date.now();
  const entry: RequestLogEntry = {
    at: new Date(now).toISOString(),
    method: req.method,
    path,
    query,
    status: 0,
    credits: 0,
    agentId: null,
    startedMs: now,
    finishedMs: null,
    userAgent: req.headers['user-agent'] ?? null,
  };
  log.push(entry);
  reply.raw.on('finish', () => {
    entry.status = reply.statusCode;
    entry.finishedMs = Date.now();
  });
  return entry;
}

/** The query string of a raw URL as a flat record (last value wins). */
export function splitUrl(rawUrl: string): { path: string; query: Record<string, string>; search: URLSearchParams } {
  const url = new URL(rawUrl, 'http://sim.local');
  const query: Record<string, string> = {};
  url.searchParams.forEach((v, k) => (query[k] = v));
  return { path: url.pathname, query, search: url.searchParams };
}

interface EndpointCount {
  calls: number;
  credits: number;
  byStatus: Record<string, number>;
}

/**
 * Counts of the log from index `from` on, by endpoint (`endpointOf`) and status; `entries`: also each
 * request, compactly. Benchmarks read this instead of shipping the whole log.
 */
export function summariseLog(log: RequestLogEntry[], from: number, withEntries: boolean, endpointOf: (method: string, path: string) => string) {
  const endpoints: Record<string, EndpointCount> = {};
  let calls = 0;
  let credits = 0;
  let rateLimited = 0;
  let firstMs: number | null = null;
  let lastMs: number | null = null;
  const entries: Array<[number, number | null, number, number, string]> = [];
  for (let i = from; i < log.length; i++) {
    const r = log[i]!;
    const key = endpointOf(r.method, r.path);
    const e = (endpoints[key] ??= { calls: 0, credits: 0, byStatus: {} });
    e.calls++;
    e.credits += r.credits;
    e.byStatus[String(r.status)] = (e.byStatus[String(r.status)] ?? 0) + 1;
    calls++;
    credits += r.credits;
    if (r.status === 429) rateLimited++;
    firstMs = firstMs === null ? r.startedMs : Math.min(firstMs, r.startedMs);
    lastMs = Math.max(lastMs ?? 0, r.finishedMs ?? r.startedMs);
    if (withEntries) entries.push([r.startedMs, r.finishedMs, r.status, r.credits, key]);
  }
  return { from, next: log.length, calls, credits, rateLimited, firstMs, lastMs, endpoints, ...(withEntries ? { entries } : {}) };
}
