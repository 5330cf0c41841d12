/**
 * What the sync engine needs from a helpdesk platform. The engine knows platforms only through this
 * interface; a connector knows nothing of the database or the queue.
 *
 * Ids are strings so that platforms with non-numeric ids (32-hex sys_ids, ...) fit the same shape.
 * Field names are the platform's own form-field names (`status`, `priority`, `group`, custom names ...);
 * the engine finds the ones it must understand by `FieldDefinition.role`.
 */
import type { FieldRole, PlatformManifest, StatusCategory } from './platform-manifest.ts';

export type FieldValue = string | number | boolean | null;

export interface RemoteRequester {
  id: string;
  email: string | null;
  name: string | null;
}

export interface RemoteAttachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
}

/** One entry of an incremental change list: enough to decide whether to fetch the ticket. */
export interface TicketChange {
  id: string;
  updatedAt: string; // ISO 8601
}

/**
 * One page of a change feed. `cursor` is opaque (a time with a tie-break, or the platform's own cursor):
 * handed back to `changes`, the feed goes on after this page. The engine saves it only once the page's
 * work is durable, so a crash between pages reads the unfinished page again rather than skipping it.
 */
export interface ChangePage {
  changes: TicketChange[];
  /** Tickets the platform reports deleted (where it does: `capabilities.changeFeed.reportsDeletes`). */
  deleted: string[];
  cursor: string;
}

export interface RemoteTicket {
  /**
   * Opaque, issued by the connector: a platform whose tickets live in several tables puts the
   * table into it, and `kind` says which.
   */
  id: string;
  /** The ticket's kind where the platform stores kinds apart (a table); absent where one store holds all. */
  kind?: string;
  /** Human-readable reference, e.g. "INC-34". */
  displayId: string;
  /** Ticket type, e.g. "Incident" or "Service Request". */
  type: string;
  subject: string;
  /** HTML. */
  description: string;
  /** Form-field values by field name, including status, priority, urgency, impact, group and custom fields. */
  fields: Record<string, FieldValue>;
  tags: string[];
  /**
   * The create marker this ticket carries (`TicketCreate.marker`), read back by the connector wherever its
   * platform keeps it (a tag, an external id, a property, a footer): a copy made by Support Fusion. The
   * engine never looks for markers in tags or text itself. Absent or null: none.
   */
  marker?: string | null;
  requester: RemoteRequester | null;
  createdAt: string;
  updatedAt: string;
  attachments: RemoteAttachment[];
  /**
   * The whole conversation, oldest first, when reading the ticket brought all of it along (a platform
   * that embeds comments in the ticket read); absent when it has to be listed with `listComments`.
   */
  comments?: RemoteComment[];
}

export interface RemoteComment {
  id: string;
  /** HTML. */
  body: string;
  bodyText: string;
  /** Private (internal) note: never leaves its organisation unless that side allows it. */
  private: boolean;
  /** The platform's channel (`capabilities.comments.channels[].id`); its visibility is `private`. */
  channel?: string;
  /** The marker a comment copy carries (`CommentCreate.marker`), read back by the connector (footer, property). Absent or null: none. */
  marker?: string | null;
  /** Replies and notes are conversation; status/meta/feedback entries are not carried. */
  kind: 'reply' | 'note' | 'other';
  authorId: string | null;
  createdAt: string;
  attachments: RemoteAttachment[];
}

export interface FileContent {
  name: string;
  contentType: string;
  data: Uint8Array;
}

export interface TicketWrite {
  subject?: string;
  description?: string;
  /** Form-field values by field name; the connector turns them into the platform's attributes. */
  fields?: Record<string, FieldValue>;
  tags?: string[];
}

export interface TicketCreate extends TicketWrite {
  type: string;
  subject: string;
  description: string;
  requesterId: string;
  /** A findable reference, so a create interrupted before its link was stored can be found again. */
  marker: string;
}

export interface CommentCreate {
  body: string;
  private: boolean;
  /** The channel to write into; absent: the platform's first channel of the matching visibility. */
  channel?: string;
  /** Included in the body so an interrupted copy can be found again; see findCommentByMarker. */
  marker: string;
  attachments?: FileContent[];
}

export interface FieldChoice {
  value: string | number;
  label: string;
  /** Status choices only: where the status stands, so closure and default mappings work on every platform. */
  category?: StatusCategory;
  /** Dependent picklists: the parent field's value this choice belongs to (a status of one board). */
  parent?: string | number;
}

export interface FieldDefinition {
  name: string;
  label: string;
  kind: 'picklist' | 'text' | 'number' | 'boolean' | 'date' | 'reference' | 'other';
  /** A rank role's choices (priority, urgency, impact) are listed least urgent first, whatever the platform's own order. */
  choices: FieldChoice[];
  requiredForClosure: boolean;
  /** The platform refuses to create (or update) a ticket without a value for it (`required_for_agents` and the like). */
  requiredForAgents?: boolean;
  /**
   * Every ticket has a value for it without the engine giving one (subject, description, requester, or a
   * value the connector or the platform fills in on create): it needs no default to satisfy `requiredForAgents`.
   */
  alwaysFilled?: boolean;
  /** What the field means whatever it is called here (status, priority...): found by role, never by name. */
  role?: FieldRole;
  /** Dependent picklists: the field whose value decides this one's choices (`FieldChoice.parent`). */
  dependsOn?: string;
}

/** A part of one platform account that holds its own tickets, groups and fields (workspaces). */
export interface PlatformWorkspace {
  id: string;
  name: string;
  /** The workspace the platform uses when none is named. */
  primary: boolean;
}

export interface TicketConnector {
  /** The platform id (the manifest's); kept beside it because stored rows and metrics carry it. */
  readonly platform: string;
  /** What the platform is and can do: the engine reads capabilities here, never a platform's name. */
  readonly manifest: PlatformManifest;

  /**
   * Ticket types this platform's API can create, the first being the one used instead of any other
   * (a platform may create only incidents: service requests come from its catalogue). Absent: any type.
   */
  readonly creatableTypes?: readonly string[];

  whoAmI(): Promise<{ id: string; name: string; email: string }>;

  /**
   * Tickets changed at or after `since` (inclusive), every page, oldest change first. Never relies on a
   * platform's default time window.
   */
  listChangedTickets(since: Date): Promise<TicketChange[]>;

  /**
   * The change feed, page by page, oldest change first: from `cursor` (a page's cursor handed back), else
   * from `since` (inclusive), else from the beginning. Never relies on a platform's default time window;
   * a change in the same unit of the feed's granularity as the cursor is read again rather than lost.
   */
  changes(cursor: string | null, opts: { since?: Date }): AsyncIterable<ChangePage>;

  /**
   * The values a per-side setting (`manifest.sideSettings`) can take on this account, e.g. its projects.
   * `unusable`: a value the account sees but a create would refuse (read for the value the connector's settings
   * name), saying why and how to fix it; saving it is refused with these words.
   */
  sideSettingChoices?(name: string): Promise<Array<{ value: string; label: string; unusable?: string }>>;

  /** The full ticket, or null when it does not exist (deleted) for this agent. */
  getTicket(id: string): Promise<RemoteTicket | null>;

  /** Every comment (all pages), oldest first. */
  listComments(ticketId: string): Promise<RemoteComment[]>;

  createTicket(input: TicketCreate): Promise<RemoteTicket>;
  updateTicket(id: string, patch: TicketWrite): Promise<RemoteTicket>;

  /** The ticket created with `marker`, if any; `hint` narrows the search where the platform's index lags. */
  findTicketByMarker(marker: string, hint: { subject: string; createdAfter: Date }): Promise<RemoteTicket | null>;

  addComment(ticketId: string, input: CommentCreate): Promise<RemoteComment>;
  findCommentByMarker(ticketId: string, marker: string): Promise<RemoteComment | null>;

  /**
   * The file's bytes. `maxBytes`: the most the caller will hold; the download is stopped (and fails) once
   * more than that has arrived, whatever size the platform declared. Connectors also apply their own bound.
   */
  downloadAttachment(attachment: RemoteAttachment, options?: { maxBytes?: number }): Promise<FileContent>;
  /** Adds files to the ticket (keeps existing ones) and returns the new attachments in order. */
  addAttachments(ticketId: string, files: FileContent[]): Promise<RemoteAttachment[]>;

  findRequesterByEmail(email: string): Promise<RemoteRequester | null>;
  createRequester(input: { email: string; name: string | null }): Promise<RemoteRequester>;

  /** Form fields with their picklist choices, loaded live (never typed by hand). */
  fieldDefinitions(ticketType?: string): Promise<FieldDefinition[]>;

  /**
   * The address at which people of this platform's account open the ticket (shown to the partner as a
   * reference when the side shares links); absent when the platform has no such page.
   */
  ticketUrl?(ticket: { id: string; displayId: string }): string | null;

  /** A person (agent or requester) by id, e.g. a comment's author; null when unknown or not visible to this agent. */
  findPersonById?(id: string): Promise<RemoteRequester | null>;

  /**
   * The account's workspaces, for platforms that have them; empty when the account has none (an older
   * account). Which ones a connector works in is part of its options, not of each call.
   */
  listWorkspaces?(): Promise<PlatformWorkspace[]>;
}

export type PlatformErrorKind =
  'authentication' | 'permission' | 'not_found' | 'validation' | 'rate_limited' | 'server' | 'network' | 'timeout' | 'unexpected_response';

/**
 * A platform call that failed after the connector's own bounded retries. `status` is the HTTP status
 * when there was one; `fieldErrors` carries the platform's per-field validation errors.
 */
export class PlatformError extends Error {
  constructor(
    readonly kind: PlatformErrorKind,
    message: string,
    readonly details: { status?: number; fieldErrors?: Array<{ field: string; message: string; code?: string }>; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'PlatformError';
  }

  /** Errors about the whole account (not one record): the run cannot go on. */
  get isAccountWide(): boolean {
    return this.kind === 'authentication' || this.kind === 'network' || this.kind === 'timeout';
  }
}
