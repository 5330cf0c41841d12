import { createHash } from 'node:crypto';
import { badRequest } from '../errors.ts';
import { compareTuples, matches, sortTuple, type JqlContext } from '../jql-eval.ts';
import { parseJql } from '../jql-parse.ts';
import type { Issue } from '../model.ts';
import { ok, type JCtx, type JRoute } from '../route.ts';
import { fieldSelection, issueJson } from '../serialize.ts';

// Enhanced JQL search [spec 4.1]: bounded JQL only, `fields` default `id`, opaque `nextPageToken` (keyset:
// the last row's sort values, so writes between pages neither skip nor repeat rows), `isLast`, no `total`.

const TOKEN_TTL_MS = 7 * 86_400_000;

interface SearchParams {
  jql: string;
  nextPageToken?: string;
  maxResults?: number;
  fields?: string[] | string;
  properties?: string[];
  reconcileIssues?: number[];
}

function params(ctx: JCtx): SearchParams {
  if (ctx.method === 'GET') {
    const q = ctx.search;
    const num = q.get('maxResults');
    return {
      jql: q.get('jql') ?? '',
      nextPageToken: q.get('nextPageToken') ?? undefined,
      maxResults: num === null ? undefined : Number(num),
      fields: q.getAll('fields'),
      properties: q
        .getAll('properties')
        .flatMap((s) => s.split(','))
        .filter(Boolean),
      reconcileIssues: q
        .getAll('reconcileIssues')
        .flatMap((s) => s.split(','))
        .filter(Boolean)
        .map(Number),
    };
  }
  const b = (ctx.body ?? {}) as Record<string, unknown>;
  if (typeof b !== 'object' || Array.isArray(b)) throw badRequest('The request body must be a JSON object.');
  if (b.jql !== undefined && typeof b.jql !== 'string') throw badRequest("'jql' must be a string.");
  return {
    jql: (b.jql as string | undefined) ?? '',
    nextPageToken: typeof b.nextPageToken === 'string' ? b.nextPageToken : undefined,
    maxResults: typeof b.maxResults === 'number' ? b.maxResults : undefined,
    fields: Array.isArray(b.fields) ? (b.fields as string[]) : undefined,
    properties: Array.isArray(b.properties) ? (b.properties as string[]) : [],
    reconcileIssues: Array.isArray(b.reconcileIssues) ? (b.reconcileIssues as number[]) : [],
  };
}

const jqlHash = (jql: string) => createHash('sha1').update(jql).digest('hex').slice(0, 12);

function decodeToken(token: string, jql: string, now: number): unknown[] {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { h: string; a: unknown[]; e: number };
    if (t.h !== jqlHash(jql) || !Array.isArray(t.a) || typeof t.e !== 'number') throw new Error('mismatch');
    if (now > t.e) throw badRequest('The nextPageToken has expired. Please run the search again.');
    return t.a;
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('HTTP')) throw err;
    throw badRequest('Invalid format of nextPageToken');
  }
}

/** The issues `jql` selects for the caller, in order (the index view: lagging writes are missing or old). */
export function runJql(ctx: JCtx, jql: string, reconcile: number[] = []) {
  const q = parseJql(jql);
  if (q.where === null) throw badRequest('Unbounded JQL queries are not allowed here. Please add a search restriction to your query.');
  const jctx: JqlContext = { state: ctx.state, user: ctx.user, now: ctx.state.now() };
  const live = new Set(reconcile.map(String));
  const hits: Array<{ issue: Issue; tuple: ReturnType<typeof sortTuple> }> = [];
  for (const issue of ctx.state.issues.values()) {
    const seen = live.has(issue.id) ? issue : ctx.state.indexed(issue);
    if (!seen || !ctx.user || ctx.user.accountType !== 'atlassian') continue;
    if (matches(jctx, q, seen)) hits.push({ issue, tuple: sortTuple(jctx, q, seen) });
  }
  hits.sort((a, b) => compareTuples(q, a.tuple, b.tuple));
  return { q, hits };
}

function search(ctx: JCtx) {
  const p = params(ctx);
  if (p.maxResults !== undefined && (!Number.isInteger(p.maxResults) || p.maxResults < 0)) throw badRequest("'maxResults' must be a non-negative integer.");
  if ((p.properties?.length ?? 0) > 5) throw badRequest('At most 5 issue properties can be requested.');
  if ((p.reconcileIssues?.length ?? 0) > 50) throw badRequest('At most 50 issues can be reconciled.');
  const now = ctx.state.now();
  const { q, hits } = runJql(ctx, p.jql, p.reconcileIssues);
  const pick = fieldSelection(p.fields && p.fields.length ? p.fields : undefined, 'id');
  const idOnly = pick !== null && [...pick].every((f) => f === 'id' || f === 'key');
  const max = Math.min(p.maxResults ?? 50, idOnly ? 5000 : 100) || 50;
  let start = 0;
  if (p.nextPageToken) {
    const after = decodeToken(p.nextPageToken, p.jql, now) as ReturnType<typeof sortTuple>;
    start = hits.findIndex((h) => compareTuples(q, h.tuple, after) > 0);
    if (start < 0) start = hits.length;
  }
  const page = hits.slice(start, start + max);
  const isLast = start + page.length >= hits.length;
  const issues = page.map(({ issue }) =>
    pick && pick.size === 1 && pick.has('id') && !p.properties?.length ? { id: issue.id } : issueJson(ctx.view, issue, pick, p.properties),
  );
  const body: Record<string, unknown> = { issues, isLast };
  if (!isLast)
    body.nextPageToken = Buffer.from(JSON.stringify({ h: jqlHash(p.jql), a: page[page.length - 1]!.tuple, e: now + TOKEN_TTL_MS })).toString('base64url');
  return ok(body);
}

export const searchRoutes: JRoute[] = [
  { method: 'GET', path: '/rest/api/3/search/jql', auth: 'anonymous', handler: search },
  { method: 'POST', path: '/rest/api/3/search/jql', auth: 'anonymous', body: 'json', handler: search },
  {
    method: 'POST',
    path: '/rest/api/3/search/approximate-count',
    auth: 'anonymous',
    body: 'json',
    handler: (ctx) => {
      const jql = (ctx.body as { jql?: unknown } | undefined)?.jql;
      if (typeof jql !== 'string') throw badRequest("'jql' is required.");
      return ok({ count: runJql(ctx, jql).hits.length });
    },
  },
];
