import type { FieldValue, RemoteAttachment, RemoteComment, RemoteTicket } from '../../core/connector.ts';
import type { StatusCategory } from '../../core/platform-manifest.ts';
import { adfToHtml, adfToText } from './adf.ts';
import { jiraIso, type JiraAttachment, type JiraComment, type JiraIssue } from './payloads.ts';

/**
 * Jira has three status categories (To Do, In Progress, Done [§5.2]); the product has five. Within
 * "In Progress", a status that waits on someone else (JSM's "Waiting for customer", "Pending", "On hold")
 * is `pending`: on other platforms that is the state that stops the clock and hands the ticket back to
 * the requester, and a partner's Pending must land on such a status, not on "In Progress". Within
 * "Done", "Closed", "Canceled" and "Declined" are `closed`, the rest (Done, Resolved) `resolved`. The
 * names are read in English only: a localised name falls back to its category's default, which is
 * still the right side of open/closed.
 */
const PENDING_NAME = /\b(waiting|pending|on hold|awaiting|blocked|paused)\b/i;
const CLOSED_NAME = /\b(closed|cancell?ed|declined|rejected|won'?t do|obsolete)\b/i;

export function statusCategoryOf(categoryKey: string | null | undefined, statusName: string): StatusCategory {
  const key = (categoryKey ?? '').toLowerCase();
  if (key === 'done') return CLOSED_NAME.test(statusName) ? 'closed' : 'resolved';
  if (key === 'indeterminate' || key === 'in_progress') return PENDING_NAME.test(statusName) && !/waiting for support/i.test(statusName) ? 'pending' : 'open';
  if (key === 'new' || key === 'todo') return 'new';
  // "undefined" (No Category) and anything unknown: open is the safe reading (never a closure).
  return 'open';
}

/** Jira's JSM comment property that makes a comment internal [§9.1]. */
export const INTERNAL_PROPERTY = 'sd.public.comment';

export function isInternal(c: JiraComment): boolean {
  if (c.jsdPublic === false) return true;
  // A comment restricted to a role or group is not for customers either.
  if (c.visibility) return true;
  const prop = c.properties?.find((p) => p.key === INTERNAL_PROPERTY)?.value;
  return !!prop && typeof prop === 'object' && (prop as { internal?: unknown }).internal === true;
}

export function toRemoteAttachment(a: JiraAttachment): RemoteAttachment {
  return { id: a.id, name: a.filename, contentType: a.mimeType || 'application/octet-stream', size: a.size ?? 0 };
}

export function toRemoteComment(c: JiraComment): RemoteComment {
  const internal = isInternal(c);
  return {
    id: c.id,
    body: adfToHtml(c.body),
    bodyText: typeof c.body === 'string' ? c.body : adfToText(c.body),
    private: internal,
    channel: internal ? 'internal' : 'public',
    kind: internal ? 'note' : 'reply',
    authorId: c.author?.accountId ?? null,
    createdAt: jiraIso(c.created),
    attachments: [],
  };
}

/** A custom field's value as a FieldValue: options by their value, users by account id, the rest as JSON. */
export function customValue(v: unknown): FieldValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    // A multi-line text field: its text (field values are plain text; rich text lives in the description).
    if (o.type === 'doc') return adfToText(o);
    if (typeof o.value === 'string') return o.value;
    if (typeof o.accountId === 'string') return o.accountId;
    if (typeof o.name === 'string') return o.name;
  }
  return JSON.stringify(v).slice(0, 10_000);
}

export function ticketFields(issue: JiraIssue): Record<string, FieldValue> {
  const f = issue.fields;
  const fields: Record<string, FieldValue> = {};
  for (const [name, value] of Object.entries(f)) if (name.startsWith('customfield_')) fields[name] = customValue(value);
  fields.status = f.status?.id ?? null;
  fields.priority = f.priority?.id ?? null;
  fields.issuetype = f.issuetype?.name ?? null;
  fields.resolution = f.resolution?.name ?? null;
  return fields;
}

export function toRemoteTicket(issue: JiraIssue): RemoteTicket {
  const f = issue.fields;
  const reporter = f.reporter ? { id: f.reporter.accountId, email: f.reporter.emailAddress ?? null, name: f.reporter.displayName ?? null } : null;
  const ticket: RemoteTicket = {
    id: issue.id,
    displayId: issue.key,
    type: f.issuetype?.name ?? '',
    subject: f.summary ?? '',
    description: adfToHtml(f.description),
    fields: ticketFields(issue),
    tags: [...(f.labels ?? [])],
    requester: reporter,
    createdAt: f.created ? jiraIso(f.created) : new Date(0).toISOString(),
    updatedAt: f.updated ? jiraIso(f.updated) : new Date(0).toISOString(),
    attachments: (f.attachment ?? []).map(toRemoteAttachment),
  };
  const page = f.comment;
  // The embedded page may be cut short [§5.2]: only a complete one stands for the whole conversation.
  if (page && (page.total === undefined || page.total <= page.comments.length) && (page.startAt ?? 0) === 0) {
    ticket.comments = page.comments.map(toRemoteComment).sort(byCreated);
  }
  return ticket;
}

export const byCreated = (a: RemoteComment, b: RemoteComment) => a.createdAt.localeCompare(b.createdAt) || Number(a.id) - Number(b.id);

/** Field names this connector writes itself (not as custom fields). */
export const SYSTEM_FIELDS = new Set(['status', 'priority', 'issuetype', 'resolution']);

/**
 * The `fields` of an edit or create body for the given values: priority by id, custom fields as given
 * (an option field takes `{value}`, the rest the plain value). Status is not here: it changes only
 * through a transition [§5.3].
 */
export type CustomKind = 'option' | 'adf';

/** Plain text as an ADF document, one paragraph per line. */
export function textToAdf(text: string): { type: 'doc'; version: 1; content: unknown[] } {
  const lines = text.split(/\r?\n/).filter((l, i, all) => l.trim() !== '' || (i > 0 && i < all.length - 1));
  return {
    type: 'doc',
    version: 1,
    content: lines.map((l) => (l.trim() === '' ? { type: 'paragraph' } : { type: 'paragraph', content: [{ type: 'text', text: l }] })),
  };
}

export function editFields(values: Record<string, FieldValue>, kinds: ReadonlyMap<string, CustomKind> = new Map()): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (name === 'priority') {
      if (value !== null && value !== '') out.priority = { id: String(value) };
    } else if (name.startsWith('customfield_')) {
      const kind = kinds.get(name);
      out[name] = value === null || value === '' ? null : kind === 'option' ? { value: String(value) } : kind === 'adf' ? textToAdf(String(value)) : value;
    }
  }
  return out;
}
