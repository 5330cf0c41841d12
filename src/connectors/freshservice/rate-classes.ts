import type { RateLimitClass } from '../../connector-kit/rate-gate.ts';

/*
 * Freshservice's per-minute limits by plan [spec 3.1]: an overall limit per account and, inside it, lower
 * limits for some kinds of request. Only the overall limit is reported (X-RateLimit-Total), so the plan is
 * recognised from it. Like the overall limit, a sub-limit is taken to count credits (an `include=` makes a
 * view cost more), which is the stricter reading of the docs.
 */
type Kind = 'list' | 'single';

/** Overall limit → [list-type sub-limit, single-object sub-limit]: Starter, Growth, Pro, Enterprise. */
const PLANS: ReadonlyArray<readonly [overall: number, list: number, single: number]> = [
  [100, 40, 50],
  [200, 70, 80],
  [400, 120, 140],
  [500, 140, 160],
];

/**
 * A sub-limit for an overall limit: the plan's own figure when the limit is a plan's, otherwise the same
 * share of it as the closest plan below (the smallest plan's share below 100; legacy hourly limits and
 * custom ones scale too).
 */
export function subLimitFor(overall: number, kind: Kind): number {
  const exact = PLANS.find(([o]) => o === overall);
  if (exact) return kind === 'list' ? exact[1] : exact[2];
  const below = [...PLANS].reverse().find(([o]) => o <= overall) ?? PLANS[0]!;
  const share = (kind === 'list' ? below[1] : below[2]) / below[0];
  return Math.max(1, Math.floor(overall * share));
}

const cls = (name: string, kind: Kind): RateLimitClass => ({ name, limitFor: (overall) => subLimitFor(overall, kind) });

const LIST_TICKETS = cls('list_tickets', 'list');
const VIEW_TICKET = cls('view_ticket', 'single');
const CREATE_TICKET = cls('create_ticket', 'single');
const UPDATE_TICKET = cls('update_ticket', 'single');
const LIST_AGENTS = cls('list_agents', 'list');
const LIST_REQUESTERS = cls('list_requesters', 'list');

/** The sub-limit a request falls under, if any (`path` relative to /api/v2, query string excluded). */
export function rateLimitClassOf(method: string, path: string): RateLimitClass | undefined {
  const p = path.replace(/^\/api\/v2/, '').replace(/\/+$/, '');
  const m = method.toUpperCase();
  if (p === '/tickets') return m === 'GET' ? LIST_TICKETS : m === 'POST' ? CREATE_TICKET : undefined;
  if (/^\/tickets\/\d+$/.test(p)) return m === 'GET' ? VIEW_TICKET : m === 'PUT' ? UPDATE_TICKET : undefined;
  if (m === 'GET' && p === '/agents') return LIST_AGENTS;
  if (m === 'GET' && p === '/requesters') return LIST_REQUESTERS;
  return undefined;
}
