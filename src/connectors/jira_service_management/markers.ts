import { PlatformError, type RemoteTicket } from '../../core/connector.ts';
import type { JiraContext } from './context.ts';
import { jqlMinute, jqlString } from './jql.ts';
import { ISSUE_MARKER_PROPERTY } from './manifest.ts';
import { SearchPage } from './payloads.ts';

/** Markers are `sf-` plus letters/digits (dashes/underscores tolerated): safe as a label and inside JQL quotes. */
const MARKER = /^sf-[A-Za-z0-9_-]{1,64}$/;
/** How far before `createdAfter` the scan starts (clock skew between us and Jira). */
const SKEW_MS = 2 * 60_000;
/** Keys probed past the newest one the search shows: creates the index has not caught up with [§4.1]. */
const MAX_PROBES = 20;

export function checkMarker(marker: string): void {
  if (!MARKER.test(marker)) throw new PlatformError('validation', `"${marker}" is not a Support Fusion marker (sf- followed by letters and digits).`);
}

async function search(ctx: JiraContext, jql: string, what: string, maxResults: number): Promise<Array<{ id: string; key?: string | undefined }>> {
  try {
    const page = await ctx.api.json('POST', '/rest/api/3/search/jql', SearchPage, { what, body: { jql, fields: ['labels'], maxResults }, idempotent: true });
    return page.issues;
  } catch (err) {
    // A clause this site (or simulator) does not know is a 400: the other ways still look.
    if (err instanceof PlatformError && err.kind === 'validation') return [];
    throw err;
  }
}

const keyNumber = (key: string | undefined, project: string): number => {
  const m = key ? new RegExp(`^${project.replace(/[^A-Za-z0-9_]/g, '')}-(\\d+)$`, 'i').exec(key) : null;
  return m ? Number(m[1]) : 0;
};

/**
 * The issue created with `marker` (a label, and the `support-fusion.marker` property). Search finds it
 * once the index has it; until then the issues past the newest key the search shows are read one by one
 * (GET issue reads the database, not the index), so a create whose answer was lost is found at once.
 */
export async function findTicketByMarker(
  ctx: JiraContext,
  marker: string,
  hint: { createdAfter: Date },
  read: (idOrKey: string) => Promise<RemoteTicket | null>,
): Promise<RemoteTicket | null> {
  checkMarker(marker);
  const project = await ctx.project();
  const inProject = `project = ${jqlString(project)}`;
  const tried = new Set<string>();
  const check = async (idOrKey: string) => {
    if (tried.has(idOrKey)) return null;
    tried.add(idOrKey);
    const t = await read(idOrKey);
    if (t) tried.add(t.id);
    return t && t.tags.includes(marker) ? t : null;
  };
  const m = jqlString(marker);
  const byMarker = [
    ...(await search(ctx, `${inProject} AND labels = ${m}`, `search the issue labelled ${marker}`, 10)),
    ...(await search(ctx, `${inProject} AND issue.property[${jqlString(ISSUE_MARKER_PROPERTY)}].marker = ${m}`, `search the issue marked ${marker}`, 10)),
  ];
  for (const i of byMarker) {
    const t = await check(i.id);
    if (t) return t;
  }
  const zone = await ctx.timeZone();
  const from = jqlMinute(new Date(hint.createdAfter.getTime() - SKEW_MS - 60_000), zone ?? 'UTC');
  const recent = await search(ctx, `${inProject} AND created >= ${jqlString(from)} ORDER BY key DESC`, `list the issues created since ${from}`, 50);
  let newest = 0;
  for (const i of recent) newest = Math.max(newest, keyNumber(i.key, project));
  if (newest === 0) newest = keyNumber((await search(ctx, `${inProject} ORDER BY key DESC`, 'find the newest issue', 1))[0]?.key, project);
  for (const i of recent) {
    const t = await check(i.id);
    if (t) return t;
  }
  for (let n = newest + 1, misses = 0; n <= newest + MAX_PROBES && misses < 3; n++) {
    const t = await read(`${project}-${n}`);
    if (!t) {
      misses += 1;
      continue;
    }
    misses = 0;
    if (t.tags.includes(marker)) return t;
  }
  return null;
}
