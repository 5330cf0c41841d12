import { PlatformError, type ChangePage, type TicketChange } from '../../core/connector.ts';
import { jiraManifest } from './manifest.ts';
import type { JiraContext } from './context.ts';
import { changesJql, feedCursor, pageCursorTime, timeOfFeedCursor } from './jql.ts';
import { jiraIso, SearchPage } from './payloads.ts';

const PAGE_SIZE = 100;

/**
 * The change feed: `/rest/api/3/search/jql` (the only search left [§4.1]) from the cursor's minute,
 * following `nextPageToken`, each Jira page one ChangePage. A page's cursor stands at its last change but
 * never within `settleMs` of the query (the index may still add earlier changes), so a resumed feed reads
 * those again rather than losing them; the engine skips what did not change.
 */
export async function* jiraChanges(ctx: JiraContext, cursor: string | null, opts: { since?: Date; now?: () => number }): AsyncIterable<ChangePage> {
  const from = cursor ? timeOfFeedCursor(cursor) : (opts.since ?? new Date(0));
  const now = opts.now ?? Date.now;
  const settleBefore = new Date(now() - jiraManifest.capabilities.changeFeed.settleMs);
  const project = ctx.configuredProject ?? (await ctx.project());
  const jql = changesJql(project, from, await ctx.timeZone());
  const what = 'list changed issues';
  let token: string | undefined;
  const seenTokens = new Set<string>();
  let lastChange: Date | null = null;
  for (let n = 0; n < ctx.api.limits.maxListPages; n++) {
    const page = await ctx.api.json('POST', '/rest/api/3/search/jql', SearchPage, {
      what,
      body: { jql, fields: ['updated'], maxResults: PAGE_SIZE, ...(token ? { nextPageToken: token } : {}) },
      // A search changes nothing: safe to send again.
      idempotent: true,
    });
    const changes: TicketChange[] = [];
    for (const issue of page.issues) {
      const updated = issue.fields?.updated;
      if (!updated) continue;
      const updatedAt = jiraIso(updated);
      changes.push({ id: issue.id, updatedAt });
      if (lastChange === null || Date.parse(updatedAt) > lastChange.getTime()) lastChange = new Date(updatedAt);
    }
    const next = page.isLast === false && page.nextPageToken ? page.nextPageToken : null;
    yield { changes, deleted: [], cursor: feedCursor(pageCursorTime(from, lastChange, settleBefore)) };
    if (next === null) return;
    if (seenTokens.has(next))
      throw new PlatformError(
        'unexpected_response',
        `Jira's search repeated itself: after ${n + 1} pages it announced a page token it had already given, while trying to ${what}. The listing was stopped there; the next run resumes from the last page read.`,
      );
    seenTokens.add(next);
    token = next;
  }
  throw ctx.api.tooManyPages(what);
}

/** Every change at or after `since`, de-duplicated by id (latest kept), in change order. */
export async function listChanged(ctx: JiraContext, since: Date): Promise<TicketChange[]> {
  const byId = new Map<string, TicketChange>();
  for await (const page of jiraChanges(ctx, null, { since })) {
    for (const c of page.changes) {
      const prev = byId.get(c.id);
      if (!prev || prev.updatedAt < c.updatedAt) byId.set(c.id, c);
    }
  }
  return [...byId.values()].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || Number(a.id) - Number(b.id));
}
