import type { FieldValue, RemoteAttachment, RemoteComment, RemoteTicket, TicketWrite } from '../../core/connector.ts';
import type { FsAttachment, FsConversation, FsTicket } from './payloads.ts';

// Freshservice ticket ⇄ canonical shapes. `fields` keys are ticket_form_fields names; the API's own
// attribute names differ for a few of them (group → group_id, agent → responder_id, ...).

/** Numeric picklists stored as their choice id. */
const NUMERIC_FIELDS = ['status', 'priority', 'urgency', 'impact', 'source'] as const;
/** Reference fields: string ids in `fields`, numbers (above 2^31, still safe integers) in the API. */
const ID_FIELDS = { group: 'group_id', agent: 'responder_id', department: 'department_id' } as const;
/** Category levels: the ticket stores the choice label. */
const TEXT_FIELDS = ['category', 'sub_category', 'item_category'] as const;
/** Form-field name → API attribute, where they differ. */
const API_ATTRIBUTE: Record<string, string> = { ...ID_FIELDS, ticket_type: 'type', requester: 'requester_id' };

export function iso(s: string): string {
  return new Date(s).toISOString();
}

export function displayIdOf(type: string | null | undefined, id: number): string {
  if (type === 'Service Request') return `SR-${id}`;
  if (type === 'Incident' || type === 'Major Incident') return `INC-${id}`;
  return `#${id}`;
}

const idString = (v: number | null | undefined): string | null => (v === null || v === undefined ? null : String(v));

function fieldValue(v: unknown): FieldValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v); // multi-select or other structured custom values: kept readable, not dropped
}

export function ticketFields(t: FsTicket): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {};
  for (const [name, value] of Object.entries(t.custom_fields ?? {})) fields[name] = fieldValue(value);
  // Default fields win over a custom field of the same name.
  for (const name of NUMERIC_FIELDS) fields[name] = t[name] ?? null;
  fields.group = idString(t.group_id);
  fields.agent = idString(t.responder_id);
  fields.department = idString(t.department_id);
  fields.ticket_type = t.type ?? null;
  for (const name of TEXT_FIELDS) fields[name] = t[name] ?? null;
  return fields;
}

export function toRemoteAttachment(a: FsAttachment): RemoteAttachment {
  return { id: String(a.id), name: a.name, contentType: a.content_type ?? 'application/octet-stream', size: a.size ?? 0 };
}

/** Create markers are tags (`sf-` and 16 hex digits); comment markers sit in the copy's footer (`sf-c…`). */
const TICKET_MARKER = /^sf-[0-9a-f]{16}$/;
const COMMENT_MARKER = /\bsf-c[0-9a-f]{16}\b/;

export function toRemoteTicket(t: FsTicket): RemoteTicket {
  const marker = (t.tags ?? []).find((tag) => TICKET_MARKER.test(tag));
  const requester = t.requester
    ? { id: String(t.requester.id), email: t.requester.email ?? null, name: t.requester.name ?? null }
    : t.requester_id !== null && t.requester_id !== undefined
      ? { id: String(t.requester_id), email: null, name: null }
      : null;
  return {
    id: String(t.id),
    displayId: displayIdOf(t.type, t.id),
    type: t.type ?? '',
    subject: t.subject ?? '',
    description: t.description ?? '',
    fields: ticketFields(t),
    tags: [...(t.tags ?? [])],
    ...(marker ? { marker } : {}),
    requester,
    createdAt: iso(t.created_at),
    updatedAt: iso(t.updated_at),
    attachments: (t.attachments ?? []).map(toRemoteAttachment),
  };
}

/** Conversation source codes [spec 6.1]: 0 reply (e-mail), 2 note; status/meta/feedback/forward are "other". */
export function toRemoteComment(c: FsConversation, kindWhenNoSource: RemoteComment['kind'] = 'other'): RemoteComment {
  const kind = c.source === undefined || c.source === null ? kindWhenNoSource : c.source === 0 ? 'reply' : c.source === 2 ? 'note' : 'other';
  const marker = COMMENT_MARKER.exec(c.body ?? '')?.[0];
  return {
    id: String(c.id),
    body: c.body ?? '',
    bodyText: c.body_text ?? '',
    private: c.private ?? false,
    kind,
    ...(marker ? { marker } : {}),
    authorId: idString(c.user_id),
    createdAt: iso(c.created_at),
    attachments: (c.attachments ?? []).map(toRemoteAttachment),
  };
}

function toNumber(v: FieldValue): FieldValue {
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return v; // anything else goes as given; Freshservice's own validation names the problem
}

function toId(v: FieldValue): FieldValue {
  if (v === null || v === '') return null;
  return toNumber(v);
}

/** TicketWrite → the attributes of a create/update body. Only the given attributes are included. */
export function toTicketAttributes(write: TicketWrite): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const custom: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(write.fields ?? {})) {
    if ((NUMERIC_FIELDS as readonly string[]).includes(name) || name === 'workspace_id' || name === 'requester') {
      body[API_ATTRIBUTE[name] ?? name] = toNumber(value);
    } else if (name in ID_FIELDS) {
      body[ID_FIELDS[name as keyof typeof ID_FIELDS]] = toId(value);
    } else if (name === 'ticket_type') {
      if (value !== null) body.type = String(value);
    } else if ((TEXT_FIELDS as readonly string[]).includes(name)) {
      body[name] = value === null || value === '' ? null : String(value);
    } else if (name === 'subject' || name === 'description') {
      if (value !== null) body[name] = String(value);
    } else {
      custom[name] = value;
    }
  }
  if (Object.keys(custom).length > 0) body.custom_fields = custom;
  if (write.subject !== undefined) body.subject = write.subject;
  if (write.description !== undefined) body.description = write.description;
  if (write.tags !== undefined) body.tags = [...new Set(write.tags)];
  return body;
}

/** An API attribute named in a 400 (`group_id`, `custom_fields.x`) → the form-field name the engine knows. */
export function formFieldOf(apiField: string): string {
  if (apiField.startsWith('custom_fields.')) return apiField.slice('custom_fields.'.length);
  const entry = Object.entries(API_ATTRIBUTE).find(([, attr]) => attr === apiField);
  return entry ? entry[0] : apiField;
}

/** What a copy says where the original had no subject or description: Freshservice refuses them blank [spec 2.3]. */
export const NO_SUBJECT = '(no subject)';
export const NO_DESCRIPTION = '<div>(no description)</div>';

/** The body with a blank subject or description (when it carries one) replaced by the placeholders above. */
export function withTextFilled<T extends Record<string, unknown>>(body: T): T {
  const out: Record<string, unknown> = { ...body };
  if (typeof out.subject === 'string' && out.subject.trim() === '') out.subject = NO_SUBJECT;
  if (typeof out.description === 'string' && out.description.trim() === '') out.description = NO_DESCRIPTION;
  return out as T;
}
