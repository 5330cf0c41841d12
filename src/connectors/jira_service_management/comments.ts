import { PlatformError, type CommentCreate, type RemoteComment } from '../../core/connector.ts';
import { MAX_CONVERSATION_LISTING_BYTES } from '../../connector-kit/limits.ts';
import type { JiraApi } from './api.ts';
import { htmlToAdf } from './adf.ts';
import { ListingRepeats } from './listing-repeats.ts';
import { byCreated, INTERNAL_PROPERTY, toRemoteComment } from './mapping.ts';
import { CommentPage, JiraComment } from './payloads.ts';

const PAGE = 100;

/** The visible footer that carries a comment's marker, so an interrupted copy can be found again. */
export function markerFooter(marker: string): string {
  return `<p>Support Fusion ref ${marker}</p>`;
}

export function mentionsMarker(text: string, marker: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_-])${marker}($|[^A-Za-z0-9_-])`).test(text);
}

/** Every comment of an issue, oldest first (offset pages of 100 [§9.1]), bounded in pages and bytes. */
export async function listComments(api: JiraApi, issueId: string): Promise<RemoteComment[]> {
  const path = `/rest/api/3/issue/${encodeURIComponent(issueId)}/comment`;
  const what = `list the comments of issue ${issueId}`;
  const out: RemoteComment[] = [];
  const repeats = new ListingRepeats(what);
  let bytes = 0;
  for (let startAt = 0, n = 0; n < api.limits.maxListPages; n++) {
    const res = (await api.raw('GET', path, { what, query: { startAt, maxResults: PAGE, orderBy: 'created', expand: 'properties' } }))!;
    bytes += res.text.length;
    if (bytes > MAX_CONVERSATION_LISTING_BYTES)
      throw new PlatformError('unexpected_response', `Jira's comment listing of issue ${issueId} brought more than 64 MB; it was stopped there.`);
    const page = api.parse(res, CommentPage, { method: 'GET', path, what });
    const fresh = new Set(
      repeats.page(
        page.startAt ?? startAt,
        page.comments.map((c) => c.id),
      ),
    );
    for (const c of page.comments) if (fresh.delete(c.id)) out.push(toRemoteComment(c));
    startAt += page.comments.length;
    const total = page.total ?? startAt;
    if (page.comments.length === 0 || startAt >= total) return out.sort(byCreated);
  }
  throw api.tooManyPages(what);
}

/**
 * A comment in ADF through the platform API [§9.1]; an internal one carries the `sd.public.comment`
 * property (a JSON boolean, not the string "true"), which is how JSM hides it from the customer.
 */
export async function addComment(api: JiraApi, issueId: string, input: CommentCreate): Promise<RemoteComment> {
  // A private comment is never written public, whatever channel is named.
  const internal = input.private || input.channel === 'internal';
  const body = htmlToAdf(`${input.body}${markerFooter(input.marker)}`);
  const created = await api.json('POST', `/rest/api/3/issue/${encodeURIComponent(issueId)}/comment`, JiraComment, {
    what: `add ${internal ? 'an internal' : 'a public'} comment to issue ${issueId}`,
    body: { body, ...(internal ? { properties: [{ key: INTERNAL_PROPERTY, value: { internal: true } }] } : {}) },
    idempotent: false,
  });
  const comment = toRemoteComment(created);
  // The answer may not echo the property; what was asked for is what the comment is.
  if (internal && !comment.private) Object.assign(comment, { private: true, channel: 'internal', kind: 'note' });
  return comment;
}

export async function findCommentByMarker(api: JiraApi, issueId: string, marker: string): Promise<RemoteComment | null> {
  const comments = await listComments(api, issueId);
  return comments.find((c) => mentionsMarker(c.bodyText, marker) || mentionsMarker(c.body, marker)) ?? null;
}
