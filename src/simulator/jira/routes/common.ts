import { badRequest, forbidden, issueNotFound } from '../errors.ts';
import type { Issue, JiraUser } from '../model.ts';
import type { JCtx } from '../route.ts';

/** The issue in `:issue` if the caller may see it (anonymous sees none: 404, never 401 [spec 1.4]). */
export function visibleIssue(ctx: JCtx): Issue {
  const issue = ctx.state.issue(ctx.params.issue ?? '');
  if (!issue || !ctx.user || ctx.user.accountType !== 'atlassian') throw issueNotFound();
  return issue;
}

/** The caller, who must be allowed to change issues. */
export function writer(ctx: JCtx, what = 'edit this issue'): JiraUser {
  if (!ctx.user) throw issueNotFound();
  if (!ctx.user.canWrite) throw forbidden(`You do not have permission to ${what}.`);
  return ctx.user;
}

export function objectBody(ctx: JCtx): Record<string, unknown> {
  const b = ctx.body;
  if (b === undefined) return {};
  if (b === null || typeof b !== 'object' || Array.isArray(b)) throw badRequest('The request body must be a JSON object.');
  return b as Record<string, unknown>;
}

export function intParam(ctx: JCtx, name: string, dflt: number, max: number): number {
  const raw = ctx.query[name];
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`The '${name}' parameter must be a non-negative integer.`);
  return Math.min(n, max);
}

/** Offset page `{startAt, maxResults, total, isLast, values}` [spec 4.2]. */
export function offsetPage<T>(ctx: JCtx, all: T[], dfltMax = 50, key = 'values'): Record<string, unknown> {
  const startAt = intParam(ctx, 'startAt', 0, Number.MAX_SAFE_INTEGER);
  const maxResults = intParam(ctx, 'maxResults', dfltMax, 100) || dfltMax;
  const values = all.slice(startAt, startAt + maxResults);
  return { maxResults, startAt, total: all.length, isLast: startAt + values.length >= all.length, [key]: values };
}
