import { z } from 'zod';
import {
  PlatformError,
  type CommentCreate,
  type FileContent,
  type RemoteAttachment,
  type RemoteComment,
  type RemoteRequester,
  type RemoteTicket,
  type TicketChange,
  type TicketConnector,
} from '../../core/connector.ts';
import type { WorkspaceChoice } from '../../core/sync-config.ts';
import type { HttpClient } from '../../connector-kit/http.ts';
import { timeFeed } from '../../connector-kit/time-feed.ts';
import { MAX_CONVERSATION_LISTING_BYTES, type PlatformLimits } from '../../connector-kit/limits.ts';
import type { BudgetWaitListener, RateGate } from '../../connector-kit/rate-gate.ts';
import type { RetryPolicy } from '../../connector-kit/retry.ts';
import type { AddressPolicy } from '../../connector-kit/ssrf.ts';
import { FreshserviceApi } from './api.ts';
import { downloadAttachment, MAX_TICKET_ATTACHMENT_BYTES, type Resolver } from './attachments.ts';
import { toFieldDefinitions } from './form-fields.ts';
import {
  AgentEnvelope,
  AgentListEnvelope,
  ConversationEnvelope,
  ConversationListEnvelope,
  FormFieldsEnvelope,
  RequesterEnvelope,
  RequesterListEnvelope,
  TicketEnvelope,
  TicketListEnvelope,
  TicketViewEnvelope,
  type FsAttachment,
  type FsConversation,
} from './payloads.ts';
import type { FreshserviceCredentials } from './test-connection.ts';
import { iso, toRemoteComment, toRemoteTicket, toTicketAttributes, withTextFilled } from './ticket-mapping.ts';
import { freshserviceManifest } from './manifest.ts';
import { inScope, listWorkspaces, mergeFieldLists, workspaceScope } from './workspaces.ts';

/** How many conversations a ticket view embeds at most [spec 5.4]: fewer means that is all of them. */
const EMBEDDED_CONVERSATIONS = 10;

export interface FreshserviceConnectorOptions {
  timeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
  retryPolicy?: Partial<RetryPolicy>;
  http?: HttpClient;
  /** DNS resolver for the redirect check of attachment downloads (tests). */
  resolve?: Resolver;
  /** The shared API budget (see FsApiOptions); without one, requests are not gated. */
  rateGate?: RateGate;
  onBudgetWait?: BudgetWaitListener;
  /** Where requests may go (SSRF guard, see connector-kit/ssrf.ts); unchecked without one. */
  addressPolicy?: AddressPolicy;
  /** The budget account requests spend (see FsApiOptions). */
  budgetAccount?: string;
  /** Ends every request of this connector (see FsApiOptions). */
  signal?: AbortSignal;
  /** Pages per listing and bytes per attachment (connector-kit/limits.ts); the defaults without. */
  limits?: Partial<PlatformLimits>;
  /** The workspaces to work in (see workspaces.ts); absent = the primary, no workspace_id sent. */
  workspaces?: WorkspaceChoice | undefined;
}

/** Markers are `sf-` plus letters/digits (dashes/underscores tolerated): safe inside a filter query's quotes. */
const MARKER = /^sf-[A-Za-z0-9_-]{1,64}$/;
/** How far before `createdAfter` the fallback search starts (clock skew between us and Freshservice). */
const FALLBACK_SKEW_MS = 2 * 60_000;

/** The visible footer that carries a comment's marker, so an interrupted copy can be found again. */
export function markerFooter(marker: string): string {
  return `<p style="color:#888;font-size:11px">Support Fusion ref ${marker}</p>`;
}

export function mentionsMarker(text: string, marker: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_-])${marker}($|[^A-Za-z0-9_-])`).test(text);
}

/** Freshservice timestamps: `YYYY-MM-DDTHH:MM:SSZ` (fractional seconds are not in the documented formats). */
function fsTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function checkMarker(marker: string): void {
  if (!MARKER.test(marker)) throw new PlatformError('validation', `"${marker}" is not a Support Fusion marker (sf- followed by letters and digits).`);
}

function numericId(id: string, what: string): number {
  const n = Number(id);
  if (!/^\d+$/.test(id) || !Number.isSafeInteger(n)) throw new PlatformError('not_found', `"${id}" is not a Freshservice ${what} id.`);
  return n;
}

function formWith(fields: Record<string, string>, files: FileContent[]): FormData {
  const total = files.reduce((n, f) => n + f.data.byteLength, 0);
  if (total > MAX_TICKET_ATTACHMENT_BYTES)
    throw new PlatformError('validation', `The files add up to ${total} bytes, more than Freshservice's 40 MB per ticket.`);
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  for (const f of files) form.append('attachments[]', new Blob([new Uint8Array(f.data)], { type: f.contentType || 'application/octet-stream' }), f.name);
  return form;
}

/** A conversation's channel (the manifest's ids): replies, and notes by their privacy; other entries have none. */
function withChannel(c: RemoteComment): RemoteComment {
  const channel = c.kind === 'reply' ? 'reply' : c.kind === 'note' ? (c.private ? 'private_note' : 'public_note') : undefined;
  return channel ? { ...c, channel } : c;
}

/** The channel a comment is written into: the one named (its visibility must match), else the note of its visibility. */
function commentChannel(input: CommentCreate): string {
  if (input.channel === undefined) return input.private ? 'private_note' : 'public_note';
  const channel = freshserviceManifest.capabilities.comments.channels.find((c) => c.id === input.channel);
  if (!channel)
    throw new PlatformError(
      'validation',
      `Freshservice has no comment channel "${input.channel}"; its channels are ${freshserviceManifest.capabilities.comments.channels.map((c) => c.id).join(', ')}.`,
    );
  if ((channel.visibility === 'internal') !== input.private)
    throw new PlatformError(
      'validation',
      `A ${input.private ? 'private' : 'public'} comment cannot go into the ${channel.visibility} channel "${channel.id}".`,
    );
  return channel.id;
}

/**
 * Freshservice's docs mark a requester's last_name mandatory [spec 7.4]; a requester whose name is one
 * word (or unknown) gets this placeholder, which is left out wherever the connector reads a name back.
 */
const NO_LAST_NAME = '-';

const fullName = (first: string | null | undefined, last: string | null | undefined) =>
  [first, last === NO_LAST_NAME ? null : last].filter(Boolean).join(' ') || null;

export function createFreshserviceConnector(creds: FreshserviceCredentials, opts: FreshserviceConnectorOptions): TicketConnector {
  const api = new FreshserviceApi(creds.apiUrl, creds.apiKey, opts);
  const scope = workspaceScope(opts.workspaces);
  /** One query per chosen workspace (one without workspace_id when none was chosen). */
  const perWorkspace = (query: Record<string, string | number>) => (scope.ids ?? [null]).map((ws) => (ws === null ? query : { ...query, workspace_id: ws }));
  /** A copy looked for by its marker may be in any workspace (0 = all [spec 5.5]) once workspaces are chosen. */
  const markerScope: Record<string, number> = scope.ids ? { workspace_id: 0 } : {};
  /** Hosts Freshservice named in attachment_url: the only other hosts a download redirect may go to. */
  const attachmentHosts = new Set<string>();
  const remember = (atts: FsAttachment[] | null | undefined) => {
    for (const a of atts ?? []) {
      try {
        if (a.attachment_url) attachmentHosts.add(new URL(a.attachment_url).hostname.toLowerCase());
      } catch {
        // not a URL: nothing to trust
      }
    }
  };
  const ticketOf = (env: z.infer<typeof TicketEnvelope>): RemoteTicket => {
    remember(env.ticket.attachments);
    return toRemoteTicket(env.ticket);
  };

  const commentsOf = (all: FsConversation[]): RemoteComment[] => {
    for (const c of all) remember(c.attachments);
    return all.map((c) => withChannel(toRemoteComment(c))).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || Number(a.id) - Number(b.id));
  };

  async function getTicket(id: string): Promise<RemoteTicket | null> {
    if (!/^\d+$/.test(id)) return null;
    // The view embeds up to 10 conversations: for most tickets that is all of them, and the separate
    // conversation list (one more call against the rate limit) is not needed.
    const env = await api.json('GET', `/tickets/${id}`, TicketViewEnvelope, {
      what: `read ticket ${id}`,
      query: { include: 'tags,requester,conversations' },
      allow404: true,
    });
    // A ticket in the trash is deleted for the sync, as for the list (which leaves it out), though the view still shows it.
    if (env === null || env.ticket.deleted === true) return null;
    // Tickets of workspaces this side did not choose never travel (a webhook hint may name one).
    if (!inScope(scope, env.ticket.workspace_id)) return null;
    const ticket = ticketOf(env);
    const embedded = env.ticket.conversations;
    if (embedded && embedded.length < EMBEDDED_CONVERSATIONS) ticket.comments = commentsOf(embedded);
    return ticket;
  }

  async function listComments(ticketId: string): Promise<RemoteComment[]> {
    const id = numericId(ticketId, 'ticket');
    const what = `list the conversations of ticket ${id}`;
    return commentsOf(
      await api.allPages(`/tickets/${id}/conversations`, {}, ConversationListEnvelope, (e) => e.conversations, what, {
        maxBytes: MAX_CONVERSATION_LISTING_BYTES,
      }),
    );
  }

  async function findRequesterByEmail(email: string): Promise<RemoteRequester | null> {
    const what = `look up the requester ${email}`;
    const req = (await api.json('GET', '/requesters', RequesterListEnvelope, { what, query: { email } })).requesters[0];
    if (req) return { id: String(req.id), email: req.primary_email ?? null, name: fullName(req.first_name, req.last_name) };
    // Agents are users too and may be requesters; /requesters lists them only with include_agents (needs more rights).
    const agent = (await api.json('GET', '/agents', AgentListEnvelope, { what: `look up the agent ${email}`, query: { email } })).agents[0];
    return agent ? { id: String(agent.id), email: agent.email ?? null, name: fullName(agent.first_name, agent.last_name) } : null;
  }

  return {
    platform: 'freshservice',
    manifest: freshserviceManifest,
    // POST /tickets creates Incidents only; service requests are raised through the service catalogue [spec 5.1].
    creatableTypes: ['Incident'],

    async whoAmI() {
      const { agent } = await api.json('GET', '/agents/me', AgentEnvelope, { what: 'read the integration agent' });
      return { id: String(agent.id), name: fullName(agent.first_name, agent.last_name) ?? agent.email ?? `Agent ${agent.id}`, email: agent.email ?? '' };
    },

    async listChangedTickets(since) {
      // updated_since switches off the list's default 30-day creation window [spec 5.3].
      const from = Math.floor(since.getTime() / 1000) * 1000;
      // Only id and date of each listed ticket are kept, page by page (subjects and the rest are let go).
      const byId = new Map<number, TicketChange>();
      for (const query of perWorkspace({ updated_since: fsTime(from), order_type: 'asc' })) {
        const what = query.workspace_id === undefined ? 'list changed tickets' : `list changed tickets of workspace ${query.workspace_id}`;
        await api.eachPage(
          '/tickets',
          query,
          TicketListEnvelope,
          (e) => e.tickets,
          what,
          (page) => {
            for (const t of page) {
              const change = { id: String(t.id), updatedAt: iso(t.updated_at) };
              const prev = byId.get(t.id);
              if (Date.parse(change.updatedAt) >= from && (!prev || prev.updatedAt < change.updatedAt)) byId.set(t.id, change);
            }
          },
        );
      }
      // The API orders by creation; the engine wants change order.
      return [...byId.values()].sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || Number(a.id) - Number(b.id));
    },

    changes(cursor, opts) {
      return timeFeed((since) => this.listChangedTickets(since), cursor, opts);
    },

    getTicket,
    listComments,

    async createTicket(input) {
      checkMarker(input.marker);
      const requesterId = numericId(input.requesterId, 'requester');
      const attrs = toTicketAttributes({ ...(input.fields ? { fields: input.fields } : {}), tags: [...(input.tags ?? []), input.marker] });
      const body = {
        status: 2,
        priority: 1,
        ...attrs,
        subject: input.subject,
        description: input.description,
        type: input.type,
        requester_id: requesterId,
        ...(scope.createIn !== null ? { workspace_id: scope.createIn } : {}),
      };
      // Not retried on 5xx/timeout (see retry.ts): the engine looks for the marker before creating again.
      return ticketOf(
        await api.json('POST', '/tickets', TicketEnvelope, { what: `create a ticket ("${input.subject}")`, body: withTextFilled(body), idempotent: false }),
      );
    },

    async updateTicket(id, patch) {
      const n = numericId(id, 'ticket');
      const attrs = toTicketAttributes(patch);
      if (Object.keys(attrs).length === 0) {
        const t = await getTicket(id);
        if (!t) throw new PlatformError('not_found', `Freshservice ticket ${id} does not exist (anymore).`, { status: 404 });
        return t;
      }
      return ticketOf(await api.json('PUT', `/tickets/${n}`, TicketEnvelope, { what: `update ticket ${n}`, body: withTextFilled(attrs) }));
    },

    async findTicketByMarker(marker, hint) {
      checkMarker(marker);
      const check = async (id: number) => {
        const t = await getTicket(String(id));
        return t && t.tags.includes(marker) ? t : null;
      };
      let ids: number[] = [];
      try {
        const env = await api.json('GET', '/tickets/filter', TicketListEnvelope, {
          what: `search tickets tagged ${marker}`,
          query: { query: `"tag:'${marker}'"`, ...markerScope },
        });
        ids = env.tickets.map((t) => t.id).sort((a, b) => a - b);
      } catch (err) {
        if (!(err instanceof PlatformError && err.kind === 'validation')) throw err;
      }
      for (const id of ids) {
        const t = await check(id);
        if (t) return t;
      }
      // The filter reads a search index that may lag: list what changed since the create and compare subjects.
      const from = hint.createdAfter.getTime() - FALLBACK_SKEW_MS;
      const candidates: number[] = [];
      await api.eachPage(
        '/tickets',
        { updated_since: fsTime(from), order_type: 'asc', ...markerScope },
        TicketListEnvelope,
        (e) => e.tickets,
        `look for the ticket marked ${marker}`,
        (page) => {
          for (const t of page) if ((t.subject ?? '') === hint.subject && !ids.includes(t.id) && !candidates.includes(t.id)) candidates.push(t.id);
        },
      );
      for (const id of candidates) {
        const t = await check(id);
        if (t) return t;
      }
      return null;
    },

    async addComment(ticketId, input) {
      checkMarker(input.marker);
      const id = numericId(ticketId, 'ticket');
      const channel = commentChannel(input);
      const body = `${input.body}${markerFooter(input.marker)}`;
      const files = input.attachments ?? [];
      if (channel === 'reply') {
        // Only when asked for by name: a reply e-mails the requester, so copies default to notes.
        const payload = files.length > 0 ? { form: formWith({ body }, files) } : { body: { body } };
        const what = `reply on ticket ${id}`;
        const env = await api.json('POST', `/tickets/${id}/reply`, ConversationEnvelope, { what, ...payload, idempotent: false });
        remember(env.conversation.attachments);
        return withChannel(toRemoteComment(env.conversation, 'reply'));
      }
      const what = `add a ${input.private ? 'private' : 'public'} note to ticket ${id}`;
      const payload = files.length > 0 ? { form: formWith({ body, private: String(input.private) }, files) } : { body: { body, private: input.private } };
      const env = await api.json('POST', `/tickets/${id}/notes`, ConversationEnvelope, { what, ...payload, idempotent: false });
      remember(env.conversation.attachments);
      return withChannel(toRemoteComment(env.conversation, 'note'));
    },

    async findCommentByMarker(ticketId, marker) {
      checkMarker(marker);
      const comments = await listComments(ticketId);
      return comments.find((c) => mentionsMarker(c.body, marker) || mentionsMarker(c.bodyText, marker)) ?? null;
    },

    downloadAttachment(att: RemoteAttachment, options?: { maxBytes?: number }) {
      const maxBytes = Math.min(api.limits.maxAttachmentBytes, options?.maxBytes ?? Infinity);
      return downloadAttachment(api, att, attachmentHosts, { resolve: opts.resolve ?? opts.addressPolicy?.resolve, maxBytes });
    },

    async addAttachments(ticketId, files) {
      const id = numericId(ticketId, 'ticket');
      if (files.length === 0) return [];
      const before = await api.json('GET', `/tickets/${id}`, TicketEnvelope, { what: `read ticket ${id}` });
      const known = new Set((before.ticket.attachments ?? []).map((a) => a.id));
      const form = formWith({}, files);
      // Adding files is not idempotent: only a 429 (nothing done) is retried.
      const after = ticketOf(
        await api.json('PUT', `/tickets/${id}`, TicketEnvelope, { what: `attach ${files.length} file(s) to ticket ${id}`, form, idempotent: false }),
      );
      return after.attachments.filter((a) => !known.has(Number(a.id)));
    },

    findRequesterByEmail,

    // The agent portal's page of the ticket; the number is the id (INC-34 is ticket 34).
    ticketUrl: (ticket) => (/^\d+$/.test(ticket.id) ? new URL(`/a/tickets/${ticket.id}`, api.baseUrl).toString() : null),

    async findPersonById(id) {
      if (!/^\d+$/.test(id)) return null;
      // Notes are mostly written by agents, replies by requesters: agents first. Lookups the agent may not
      // make (limited roles answer 403) leave the person unknown rather than failing the comment.
      const quiet = async <T>(p: Promise<T>): Promise<T | null> =>
        p.catch((err: unknown) => {
          if (err instanceof PlatformError && (err.kind === 'permission' || err.kind === 'not_found')) return null;
          throw err;
        });
      const agent = await quiet(api.json('GET', `/agents/${id}`, AgentEnvelope, { what: `read the agent ${id}`, allow404: true }));
      if (agent) return { id, email: agent.agent.email ?? null, name: fullName(agent.agent.first_name, agent.agent.last_name) };
      const req = await quiet(api.json('GET', `/requesters/${id}`, RequesterEnvelope, { what: `read the requester ${id}`, allow404: true }));
      return req ? { id, email: req.requester.primary_email ?? null, name: fullName(req.requester.first_name, req.requester.last_name) } : null;
    },

    async createRequester({ email, name }) {
      const [first, ...rest] = (name ?? '').trim().split(/\s+/).filter(Boolean);
      const body = { first_name: first ?? (email.split('@')[0] || email), last_name: rest.length > 0 ? rest.join(' ') : NO_LAST_NAME, primary_email: email };
      try {
        const { requester } = await api.json('POST', '/requesters', RequesterEnvelope, { what: `create the requester ${email}`, body, idempotent: false });
        return { id: String(requester.id), email: requester.primary_email ?? null, name: fullName(requester.first_name, requester.last_name) };
      } catch (err) {
        // Already there (a concurrent or interrupted create): use it.
        if (err instanceof PlatformError && err.details.fieldErrors?.some((e) => e.code === 'duplicate_value')) {
          const found = await findRequesterByEmail(email);
          if (found) return found;
        }
        throw err;
      }
    },

    // Freshservice's form fields are per workspace, not per ticket type: `ticketType` does not narrow them.
    async fieldDefinitions() {
      const lists = [];
      for (const query of perWorkspace({})) {
        const what = query.workspace_id === undefined ? 'read the ticket form fields' : `read the ticket form fields of workspace ${query.workspace_id}`;
        const env = await api.json('GET', '/ticket_form_fields', FormFieldsEnvelope, { what, ...(query.workspace_id === undefined ? {} : { query }) });
        lists.push(toFieldDefinitions(env.ticket_fields));
      }
      return lists.length === 1 ? lists[0]! : mergeFieldLists(lists);
    },

    listWorkspaces: () => listWorkspaces(api),
  };
}
