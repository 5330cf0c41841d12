import {
  type ChangePage,
  PlatformError,
  type CommentCreate,
  type FieldValue,
  type FileContent,
  type RemoteAttachment,
  type RemoteComment,
  type RemoteRequester,
  type RemoteTicket,
  type TicketConnector,
  type TicketCreate,
  type TicketWrite,
} from '../../core/connector.ts';
import type { Side } from '../field-mapping.ts';
import { newCapState, type CapState } from './budget-cap.ts';

/** A file the engine would send: its name and size (no bytes were fetched). */
export interface PlannedFile {
  name: string;
  size: number;
}

/** One write the engine asked a platform for, in a dry run: recorded, never sent. */
export type PlannedWrite =
  | { kind: 'createTicket'; side: Side; id: string; input: Omit<TicketCreate, 'marker' | 'tags'> }
  | { kind: 'updateTicket'; side: Side; ticketId: string; patch: TicketWrite }
  | { kind: 'addComment'; side: Side; ticketId: string; body: string; private: boolean; attachments: PlannedFile[] }
  | { kind: 'addAttachments'; side: Side; ticketId: string; files: PlannedFile[] }
  | { kind: 'createRequester'; side: Side; id: string; email: string; name: string | null };

/** Thrown at the start of a ticket once the dry run has read as many tickets (or as long) as it may. */
export const LIMIT_MESSAGE = 'The dry run reached its limit; the rest is not previewed';

/** Ids the recorder makes up for things that were not created: never a platform id. */
export const isDryId = (id: string) => id.startsWith('dry-');

/**
 * What the recording connectors of one dry run share: the writes planned for the ticket in hand, the
 * tickets read, the requesters seen, and the limit on how many tickets the dry run reads.
 *
 * Tickets are counted where the engine starts one: its first read (a ticket, its conversation or a
 * requester) after the previous one was done (`itemDone`, told by the memory store, or by the engine
 * once it has screened a ticket against the filters). Past `maxTickets` or `deadline`, that read throws
 * an account-wide PlatformError, which ends the engine's run; `truncated` then says so.
 */
export class DryRunRecorder {
  private writes: PlannedWrite[] = [];
  private seq = 0;
  private inItem = false;
  private started = 0;
  truncated = false;
  /** Why it stopped at its own limits: tickets started, or time. */
  stopReason: 'tickets' | 'time' | null = null;
  /** Its share of each side's API budget (budget-cap.ts): spent so far, and where it stopped, if it did. */
  readonly cap: CapState = newCapState();
  /** Tickets read, by `${side}:${id}` (the last version read). */
  readonly tickets = new Map<string, RemoteTicket>();
  /** Requesters the engine got back, by `${side}:${id}`: e-mail and whether this dry run made them up. */
  readonly requesters = new Map<string, { email: string | null; created: boolean }>();
  /** Sizes of the files handed out instead of downloads (a FileContent carries no size of its own). */
  readonly fileSizes = new WeakMap<FileContent, number>();
  /** Markers of create intents and comment copies opened by this dry run: nothing carries them yet. */
  readonly dryMarkers = new Set<string>();
  /** Tickets "created" by this dry run, as the engine was told they look. */
  readonly dryTickets = new Map<string, RemoteTicket>();
  /** Updates planned for real tickets, by `${side}:${id}`: later reads see them, as they would after a real write. */
  readonly patches = new Map<string, TicketWrite>();

  constructor(private readonly limits: { maxTickets: number; deadline: number; now?: () => number }) {}

  nextId(kind: string): string {
    return `dry-${kind}-${++this.seq}`;
  }

  record(w: PlannedWrite): void {
    this.writes.push(w);
  }

  /** The writes since the last call: those of the ticket just done. */
  takeWrites(): PlannedWrite[] {
    const out = this.writes;
    this.writes = [];
    return out;
  }

  /** The engine is done with a ticket (the store saw it cleared from, or put in, the retry set). */
  itemDone(): void {
    this.inItem = false;
  }

  /** Before every ticket read: the first read after a ticket was done starts the next one. */
  beforeRead(): void {
    if (this.inItem) return;
    const now = (this.limits.now ?? Date.now)();
    if (this.started >= this.limits.maxTickets || now > this.limits.deadline) {
      this.truncated = true;
      this.stopReason = now > this.limits.deadline ? 'time' : 'tickets';
      throw new PlatformError('network', LIMIT_MESSAGE);
    }
    this.inItem = true;
    this.started++;
  }

  get ticketsStarted(): number {
    return this.started;
  }
}

const key = (side: Side, id: string) => `${side}:${id}`;
const nowIso = () => new Date().toISOString();

function patched(t: RemoteTicket, patch: TicketWrite): RemoteTicket {
  const fields: Record<string, FieldValue> = { ...t.fields, ...(patch.fields ?? {}) };
  return {
    ...t,
    ...(patch.subject !== undefined ? { subject: patch.subject } : {}),
    ...(patch.description !== undefined ? { description: patch.description } : {}),
    fields,
    updatedAt: nowIso(),
  };
}

/**
 * A connector for a dry run: reads go to the real platform; writes are recorded and answered with a
 * plausible result (made-up `dry-…` ids, the written values echoed, updated now) and never sent.
 * Attachments are not downloaded: the engine gets an empty file and the recorder keeps its size.
 * Lookups by a marker this dry run made up answer "not found" without asking (nothing carries it).
 */
export function recordingConnector(inner: TicketConnector, side: Side, rec: DryRunRecorder): TicketConnector {
  const noteRequester = (r: RemoteRequester | null, created = false) => {
    if (r) rec.requesters.set(key(side, r.id), { email: r.email, created });
    return r;
  };
  const planned = (files: FileContent[] | undefined): PlannedFile[] =>
    (files ?? []).map((f) => ({ name: f.name, size: rec.fileSizes.get(f) ?? f.data.byteLength }));
  const fakeAttachments = (files: PlannedFile[], contentTypes: string[]): RemoteAttachment[] =>
    files.map((f, i) => ({ id: rec.nextId('attachment'), name: f.name, size: f.size, contentType: contentTypes[i] ?? 'application/octet-stream' }));

  return {
    platform: inner.platform,
    manifest: inner.manifest,
    ...(inner.creatableTypes ? { creatableTypes: inner.creatableTypes } : {}),
    // Past the limit the platform "does not answer" at all, so the engine ends the run (see runSync).
    whoAmI: () => (rec.truncated ? Promise.reject(new PlatformError('network', LIMIT_MESSAGE)) : inner.whoAmI()),
    async listChangedTickets(since) {
      // Requests made while listing are pages of the list (budget-cap.ts says which page it stopped at).
      rec.cap.listing = side;
      try {
        return await inner.listChangedTickets(since);
      } finally {
        rec.cap.listing = null;
      }
    },
    async *changes(cursor, opts) {
      // Only the requests made while a page is read are listing (not the work done between pages).
      const pages = inner.changes(cursor, opts)[Symbol.asyncIterator]();
      for (;;) {
        rec.cap.listing = side;
        let next: IteratorResult<ChangePage>;
        try {
          next = await pages.next();
        } finally {
          rec.cap.listing = null;
        }
        if (next.done) return;
        yield next.value;
      }
    },
    ...(inner.sideSettingChoices ? { sideSettingChoices: (name: string) => inner.sideSettingChoices!(name) } : {}),
    fieldDefinitions: (ticketType) => inner.fieldDefinitions(ticketType),
    // Reads that shape what is written (the partner reference link, comment authors): as a real sync's.
    ...(inner.ticketUrl ? { ticketUrl: (t: { id: string; displayId: string }) => (isDryId(t.id) ? null : inner.ticketUrl!(t)) } : {}),
    ...(inner.findPersonById ? { findPersonById: (id: string) => inner.findPersonById!(id) } : {}),

    async getTicket(id) {
      if (isDryId(id)) return rec.dryTickets.get(id) ?? null;
      rec.beforeRead();
      rec.cap.lastTicket[side] = id;
      // Read once per dry run: the engine screens a ticket against the filters before it works it.
      const known = rec.tickets.get(key(side, id));
      const read = known ? structuredClone(known) : await inner.getTicket(id);
      if (!read) return null;
      rec.tickets.set(key(side, id), read);
      // A ticket this dry run "wrote" earlier looks written: otherwise the engine would see its own
      // write missing and plan to send the old value back.
      const patch = rec.patches.get(key(side, id));
      return patch ? patched(read, patch) : read;
    },

    // A ticket the engine screened is handed to its pass without a second read: its first read of
    // anything else starts it.
    async listComments(ticketId) {
      if (isDryId(ticketId)) return [];
      rec.beforeRead();
      return inner.listComments(ticketId);
    },

    async findRequesterByEmail(email) {
      rec.beforeRead();
      return noteRequester(await inner.findRequesterByEmail(email));
    },

    async createRequester(input) {
      const id = rec.nextId('requester');
      rec.record({ kind: 'createRequester', side, id, email: input.email, name: input.name });
      return noteRequester({ id, email: input.email, name: input.name }, true)!;
    },

    async createTicket(input) {
      const id = rec.nextId('ticket');
      const { marker: _marker, tags: _tags, ...visible } = input;
      rec.record({ kind: 'createTicket', side, id, input: visible });
      const requester = rec.requesters.get(key(side, input.requesterId));
      const t: RemoteTicket = {
        id,
        displayId: 'new',
        type: input.type,
        subject: input.subject,
        description: input.description,
        fields: { ...(input.fields ?? {}) },
        tags: [...(input.tags ?? [])],
        marker: input.marker,
        requester: { id: input.requesterId, email: requester?.email ?? null, name: null },
        createdAt: nowIso(),
        updatedAt: nowIso(),
        attachments: [],
      };
      rec.dryTickets.set(id, t);
      return t;
    },

    async updateTicket(id, patch) {
      rec.record({ kind: 'updateTicket', side, ticketId: id, patch });
      // The engine keeps what the ticket looks like after its write: the ticket as it is, patched.
      const current = isDryId(id) ? rec.dryTickets.get(id) : await inner.getTicket(id);
      if (!current) throw new PlatformError('not_found', `Ticket ${id} does not exist (anymore).`, { status: 404 });
      if (isDryId(id)) {
        const t = patched(current, patch);
        rec.dryTickets.set(id, t);
        return t;
      }
      const before = rec.patches.get(key(side, id));
      const all: TicketWrite = { ...before, ...patch, fields: { ...before?.fields, ...patch.fields } };
      rec.patches.set(key(side, id), all);
      return patched(current, all);
    },

    async findTicketByMarker(marker, hint) {
      // Only a marker from an earlier, interrupted real run can be on a ticket: look that one up.
      return rec.dryMarkers.has(marker) ? null : inner.findTicketByMarker(marker, hint);
    },

    async findCommentByMarker(ticketId, marker) {
      return isDryId(ticketId) || rec.dryMarkers.has(marker) ? null : inner.findCommentByMarker(ticketId, marker);
    },

    async addComment(ticketId, input: CommentCreate): Promise<RemoteComment> {
      const files = planned(input.attachments);
      rec.record({ kind: 'addComment', side, ticketId, body: input.body, private: input.private, attachments: files });
      return {
        id: rec.nextId('comment'),
        body: input.body,
        bodyText: input.body,
        private: input.private,
        ...(input.channel ? { channel: input.channel } : {}),
        marker: input.marker,
        kind: 'note',
        authorId: null,
        createdAt: nowIso(),
        attachments: fakeAttachments(
          files,
          (input.attachments ?? []).map((f) => f.contentType),
        ),
      };
    },

    async downloadAttachment(attachment) {
      // Never fetched: the engine gets an empty file of the same name; the plan shows the real size.
      const file: FileContent = { name: attachment.name, contentType: attachment.contentType, data: new Uint8Array(0) };
      rec.fileSizes.set(file, attachment.size);
      return file;
    },

    async addAttachments(ticketId, files) {
      const list = planned(files);
      rec.record({ kind: 'addAttachments', side, ticketId, files: list });
      return fakeAttachments(
        list,
        files.map((f) => f.contentType),
      );
    },
  };
}
