import type { FieldValue } from '../core/connector.ts';
import type { Mappings, SideConfiguration } from '../core/sync-config.ts';
import type { RunSteps } from '../db/repositories/run-steps.ts';

/**
 * What the sync engine stores, as small ports the engine owns and the data layer implements
 * (src/db/repositories/sync-store.ts): links between tickets, create intents, comment and attachment
 * ledgers, the retry set, change-feed cursors, runs with their details and progress, webhook hints and the
 * ticket timeline. The engine never writes SQL; the dry run implements the same ports in memory.
 */
export type Side = 'source' | 'target';
export type Snapshot = Record<string, FieldValue>;

export interface SideState {
  organisationId: string;
  organisationName: string;
  configuration: SideConfiguration;
  /** The newest change time handled (shown to people; a time cursor when no opaque one was saved yet). */
  cursorAt: Date | null;
  /** The side's change-feed cursor as its connector issued it (opaque); null before the first one is saved. */
  cursor?: string | null;
}

export interface ConnectionForSync {
  id: string;
  contractName: string;
  status: string;
  syncState: string;
  mappings: Mappings;
  sides: Record<Side, SideState>;
}

export interface TicketLink {
  id: string;
  originSide: Side;
  ticketIds: Record<Side, string>;
  snapshots: Record<Side, Snapshot>;
  writtenAt: Record<Side, string | null>;
  closureBlocked: string | null;
}

export interface CreateIntent {
  id: string;
  originSide: Side;
  originTicketId: string;
  marker: string;
  createdAt: Date;
  /** True when the intent was already there: a previous attempt may have created the ticket. */
  resumed: boolean;
}

export interface CommentLedgerEntry {
  id: string;
  originSide: Side;
  originCommentId: string;
  copyCommentId: string | null;
  marker: string;
}

export interface RunDetail {
  originSide: Side;
  sourceTicketId: string | null;
  targetTicketId: string | null;
  outcome: 'created' | 'updated' | 'closed' | 'failed';
  error: string | null;
  failedComments: number;
  failedAttachments: number;
  /**
   * The ticket failed before its side's filters had admitted it, so it may be one they keep back: the
   * row is shown only to the organisation whose ticket it is and counts in none of the run's totals.
   */
  ownerOnly?: boolean;
  /** The worked ticket's subject (plain, clipped), when it was read. */
  subject?: string | null;
}

export type RunStatus = 'running' | 'success' | 'partial' | 'failed' | 'no_tickets';

/** What a running run is doing: its phase and how many tickets it has to work and has worked. */
export type RunPhase = 'listing changes' | 'screening tickets' | 'syncing tickets' | 'saving cursors';
export interface RunProgress {
  phase: RunPhase;
  ticketsSeen: number;
  ticketsDone: number;
  /** Planned and done by step (run-steps.ts); stored in sync_runs.progress_steps (0020). */
  steps?: RunSteps;
}

/** One platform call the engine made for a ticket: `Acme getTicket #42 → found (120 ms)`. */
export interface RequestSummary {
  side: Side;
  call: string;
  /** The ticket (or comment, file) the call was about, if any. */
  ref: string | null;
  ok: boolean;
  /** What came back, in a few words; for a failure the error. */
  result: string;
  ms: number;
}

/** One step of the ticket timeline (src/sync/ticket-events.ts lists the kinds). */
export interface TicketEvent {
  kind: string;
  summary: string;
  /** The calls made since the previous step: the ones this step needed. */
  requests: RequestSummary[];
  at: Date;
}

/** One ticket's pass in a run: its events, the ticket they concern and its counterpart on the other side. */
export interface TicketEventBatch {
  connectionId: string;
  runId: string | null;
  side: Side;
  ticketId: string;
  linkedTicketId: string | null;
  events: TicketEvent[];
  /** The pass's outcome (the run detail's, or `unchanged` when nothing was written). */
  outcome: string | null;
  /** The worked ticket's subject (plain, clipped), when it was read. */
  subject?: string | null;
}

/** The connection a run works, with both sides' configuration and cursors. */
export interface ConnectionPort {
  loadConnection(connectionId: string): Promise<ConnectionForSync | null>;
  markReadyForAutomaticSync(connectionId: string): Promise<void>;
}

/** Links between a ticket and its copy, with the last synced values of each. */
export interface LinkPort {
  findLink(connectionId: string, side: Side, ticketId: string): Promise<TicketLink | null>;
  saveLinkState(
    linkId: string,
    patch: { snapshots?: Partial<Record<Side, Snapshot>>; writtenAt?: Partial<Record<Side, string>>; closureBlocked?: string | null },
  ): Promise<void>;
}

/** Create intents: opened before a copy is created, settled with its link in one transaction. */
export interface CreateIntentPort {
  openCreateIntent(connectionId: string, originSide: Side, originTicketId: string): Promise<CreateIntent>;
  pendingIntents(connectionId: string): Promise<CreateIntent[]>;
  dropCreateIntent(intentId: string): Promise<void>;
  completeCreate(
    connectionId: string,
    intent: CreateIntent,
    copyTicketId: string,
    snapshots: Record<Side, Snapshot>,
    writtenAt: Record<Side, string | null>,
  ): Promise<TicketLink>;
}

export interface AttachmentLedgerEntry {
  originSide: Side;
  originAttachmentId: string;
  copyAttachmentId: string | null;
}

/** Which comments and files of a link were copied (or are being copied) and as what. */
export interface LedgerPort {
  commentLedger(linkId: string): Promise<CommentLedgerEntry[]>;
  openCommentCopy(linkId: string, originSide: Side, originCommentId: string): Promise<CommentLedgerEntry & { resumed: boolean }>;
  completeCommentCopy(entryId: string, copyCommentId: string): Promise<void>;
  attachmentLedger(linkId: string): Promise<AttachmentLedgerEntry[]>;
  recordAttachmentCopies(linkId: string, originSide: Side, pairs: Array<{ originId: string; copyId: string | null }>): Promise<void>;
}

/** Tickets that failed and are worked again by the next run. */
export interface RetryPort {
  retries(connectionId: string, side: Side): Promise<string[]>;
  markRetry(connectionId: string, side: Side, ticketId: string, error: string): Promise<void>;
  clearRetry(connectionId: string, side: Side, ticketId: string): Promise<void>;
}

/** Where each side's change feed goes on from. */
export interface CursorPort {
  /** Moves the time shown as "synced up to" forward (never back). */
  advanceCursor(connectionId: string, side: Side, at: Date): Promise<void>;
  /**
   * Saves the side's opaque change-feed cursor, called once a page's tickets are durable; `changedUpTo`
   * (the page's newest change) also moves the time cursor forward.
   */
  saveCursor(connectionId: string, side: Side, cursor: string, changedUpTo: Date | null): Promise<void>;
}

/** Tickets named by webhooks since they were last processed. */
export interface HintPort {
  /** `deleted`: the webhook reported the ticket deleted, a claim the engine confirms by reading it (absent: a change). */
  hints(connectionId: string): Promise<Array<{ side: Side; ticketId: string; createdAt: Date; deleted?: boolean }>>;
  clearHint(connectionId: string, side: Side, ticketId: string, seenAt: Date): Promise<void>;
}

/** A run's row: its details (one per ticket touched), progress, budget waits and end. */
export interface RunPort {
  addDetail(runId: string, d: RunDetail): Promise<void>;
  reportProgress(runId: string, p: RunProgress): Promise<void>;
  markWaiting(runId: string, until: Date, reason: string): Promise<void>;
  clearWaiting(runId: string): Promise<void>;
  finishRun(runId: string, status: Exclude<RunStatus, 'running'>, error: string | null, fault?: { side: Side; kind: string } | null): Promise<void>;
}

/** The ticket timeline: what a run did with each ticket, in steps. */
export interface TimelinePort {
  recordTicketEvents(b: TicketEventBatch): Promise<void>;
  pruneTicketEvents(connectionId: string, before: Date): Promise<void>;
}

/** Runs as the job queue and scheduler see them (src/sync/jobs.ts, coordinator.ts). */
export interface RunSchedulePort {
  adoptOrStartRun(
    connectionId: string,
    trigger: string,
    worker: string,
    mayStart: boolean,
  ): Promise<{ runId: string; trigger: string; since: Date | null; adopted: boolean } | null>;
  dueForAutomaticSync(startedBefore: Date): Promise<string[]>;
  recordFailedRun(connectionId: string, trigger: string, error: string): Promise<void>;
  heartbeat(runId: string): Promise<void>;
}

/** Everything one run needs stored. */
export type EngineStore = ConnectionPort & LinkPort & CreateIntentPort & LedgerPort & RetryPort & CursorPort & HintPort & RunPort & TimelinePort;

/** The engine's store together with the job queue's view of runs: what the data layer implements. */
export type SyncStore = EngineStore & RunSchedulePort;

/** What a run tells its listeners (metrics, logs): the engine's events, never patched store methods. */
export type EngineEvent =
  | { kind: 'ticket'; runId: string; connectionId: string; outcome: RunDetail['outcome']; ownerOnly: boolean }
  | { kind: 'run_finished'; runId: string; connectionId: string; status: Exclude<RunStatus, 'running'> }
  | { kind: 'deleted'; runId: string; connectionId: string; side: Side; ticketId: string };
