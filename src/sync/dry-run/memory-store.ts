import { newMarker } from '../../db/repositories/sync-store.ts';
import type {
  CommentLedgerEntry,
  ConnectionForSync,
  CreateIntent,
  RunDetail,
  RunProgress,
  Side,
  Snapshot,
  SyncStore,
  TicketEventBatch,
  TicketLink,
} from '../ports.ts';

/** The read-only part of the real store: all a dry run may ask the database. */
export type SyncStoreReads = Pick<SyncStore, 'loadConnection' | 'findLink' | 'pendingIntents' | 'commentLedger' | 'attachmentLedger' | 'retries' | 'hints'>;

/** Only the read methods of a store, so that nothing else can be called on it, not even by mistake. */
export function readsOf(store: SyncStore): SyncStoreReads {
  return {
    loadConnection: (id) => store.loadConnection(id),
    findLink: (id, side, ticketId) => store.findLink(id, side, ticketId),
    pendingIntents: (id) => store.pendingIntents(id),
    commentLedger: (linkId) => store.commentLedger(linkId),
    attachmentLedger: (linkId) => store.attachmentLedger(linkId),
    retries: (id, side) => store.retries(id, side),
    hints: (id) => store.hints(id),
  };
}

export interface MemoryStoreEvents {
  /** The engine is done with a ticket: it cleared it from, or put it in, the retry set. */
  itemDone?(side: Side, ticketId: string): void;
  /** The detail row the engine would record for a ticket. */
  detail?(d: RunDetail): void;
  /** A marker made up by this dry run (create intent or comment copy). */
  marker?(marker: string): void;
  /** The engine's progress (listed, screened, worked), each time it reports it. */
  progress?(p: RunProgress): void;
}

type AttachmentEntry = { originSide: Side; originAttachmentId: string; copyAttachmentId: string | null };

const clone = <T>(v: T): T => structuredClone(v);
const key = (side: Side, id: string) => `${side}:${id}`;

/**
 * A SyncStore that keeps every change in memory, over a read-only view of the real one: what the
 * engine reads comes from the database the first time (then from memory, with the dry run's own
 * changes on top), and nothing it writes ever reaches the database — no links, intents, ledgers,
 * retries, hints cleared, cursors, run rows or sync state. Reads are lazy so a connection with many
 * links costs only the links the dry run touches.
 */
export function createMemorySyncStore(reads: SyncStoreReads, events: MemoryStoreEvents = {}) {
  let seq = 0;
  const nextId = (kind: string) => `dry-${kind}-${++seq}`;
  const connections = new Map<string, ConnectionForSync | null>();
  const links = new Map<string, TicketLink>();
  /** `${connectionId}:${side}:${ticketId}` → link id, or null when known to have no link. */
  const linkIndex = new Map<string, string | null>();
  const intents = new Map<string, Map<string, CreateIntent>>(); // per connection, by `${side}:${ticketId}`
  const commentLedgers = new Map<string, CommentLedgerEntry[]>();
  const attachmentLedgers = new Map<string, AttachmentEntry[]>();
  const retrySets = new Map<string, Set<string>>(); // `${connectionId}:${side}`
  const hintLists = new Map<string, Array<{ side: Side; ticketId: string; createdAt: Date }>>();

  /** What the dry run would have stored: for inspection (tests), never written anywhere. */
  const recorded = {
    details: [] as RunDetail[],
    retries: [] as Array<{ side: Side; ticketId: string; error: string }>,
    cursors: [] as Array<{ side: Side; at: Date | null; cursor?: string }>,
    clearedHints: [] as Array<{ side: Side; ticketId: string }>,
    readyForAutomaticSync: false,
    finished: null as { status: string; error: string | null } | null,
    /** The ticket timeline events the run would store. */
    ticketEvents: [] as TicketEventBatch[],
  };

  const remember = (connectionId: string, link: TicketLink) => {
    links.set(link.id, link);
    linkIndex.set(`${connectionId}:${key('source', link.ticketIds.source)}`, link.id);
    linkIndex.set(`${connectionId}:${key('target', link.ticketIds.target)}`, link.id);
    return link;
  };

  async function intentsOf(connectionId: string): Promise<Map<string, CreateIntent>> {
    let m = intents.get(connectionId);
    if (!m) {
      const real = await reads.pendingIntents(connectionId);
      m = intents.get(connectionId) ?? new Map(real.map((i) => [key(i.originSide, i.originTicketId), clone(i)]));
      intents.set(connectionId, m);
    }
    return m;
  }

  async function retrySet(connectionId: string, side: Side): Promise<Set<string>> {
    const k = `${connectionId}:${side}`;
    let s = retrySets.get(k);
    if (!s) {
      const real = await reads.retries(connectionId, side);
      s = retrySets.get(k) ?? new Set(real);
      retrySets.set(k, s);
    }
    return s;
  }

  async function commentLedgerOf(linkId: string): Promise<CommentLedgerEntry[]> {
    let l = commentLedgers.get(linkId);
    if (!l) {
      const real = linkId.startsWith('dry-') ? [] : await reads.commentLedger(linkId);
      l = commentLedgers.get(linkId) ?? real.map(clone);
      commentLedgers.set(linkId, l);
    }
    return l;
  }

  async function attachmentLedgerOf(linkId: string): Promise<AttachmentEntry[]> {
    let l = attachmentLedgers.get(linkId);
    if (!l) {
      const real = linkId.startsWith('dry-') ? [] : await reads.attachmentLedger(linkId);
      l = attachmentLedgers.get(linkId) ?? real.map(clone);
      attachmentLedgers.set(linkId, l);
    }
    return l;
  }

  async function hintsOf(connectionId: string) {
    let h = hintLists.get(connectionId);
    if (!h) {
      const real = await reads.hints(connectionId);
      h = hintLists.get(connectionId) ?? real.map(clone);
      hintLists.set(connectionId, h);
    }
    return h;
  }

  const store: SyncStore = {
    async loadConnection(connectionId) {
      if (!connections.has(connectionId)) connections.set(connectionId, await reads.loadConnection(connectionId));
      const c = connections.get(connectionId) ?? null;
      return c ? clone(c) : null;
    },

    async findLink(connectionId, side, ticketId) {
      const k = `${connectionId}:${key(side, ticketId)}`;
      if (!linkIndex.has(k)) {
        const real = await reads.findLink(connectionId, side, ticketId);
        if (!linkIndex.has(k)) {
          if (real && !links.has(real.id)) remember(connectionId, clone(real));
          else linkIndex.set(k, real?.id ?? null);
        }
      }
      const id = linkIndex.get(k);
      const link = id ? links.get(id) : undefined;
      return link ? clone(link) : null;
    },

    async saveLinkState(linkId, patch) {
      const link = links.get(linkId);
      if (!link) return; // the engine found it through findLink first; an unknown id changes nothing, as in SQL
      if (patch.snapshots?.source) link.snapshots.source = clone(patch.snapshots.source);
      if (patch.snapshots?.target) link.snapshots.target = clone(patch.snapshots.target);
      if (patch.writtenAt?.source) link.writtenAt.source = patch.writtenAt.source;
      if (patch.writtenAt?.target) link.writtenAt.target = patch.writtenAt.target;
      if (patch.closureBlocked !== undefined) link.closureBlocked = patch.closureBlocked;
    },

    async openCreateIntent(connectionId, originSide, originTicketId) {
      const m = await intentsOf(connectionId);
      const existing = m.get(key(originSide, originTicketId));
      if (existing) return { ...clone(existing), resumed: true };
      const marker = newMarker('ticket');
      events.marker?.(marker);
      const intent: CreateIntent = { id: nextId('intent'), originSide, originTicketId, marker, createdAt: new Date(), resumed: false };
      m.set(key(originSide, originTicketId), intent);
      return clone(intent);
    },

    async pendingIntents(connectionId) {
      return [...(await intentsOf(connectionId)).values()].map((i) => ({ ...clone(i), resumed: true }));
    },

    async dropCreateIntent(intentId) {
      for (const m of intents.values()) for (const [k, i] of m) if (i.id === intentId) m.delete(k);
    },

    async completeCreate(connectionId, intent, copyTicketId, snapshots, writtenAt) {
      const ids: Record<Side, string> =
        intent.originSide === 'source' ? { source: intent.originTicketId, target: copyTicketId } : { source: copyTicketId, target: intent.originTicketId };
      const link: TicketLink = {
        id: nextId('link'),
        originSide: intent.originSide,
        ticketIds: ids,
        snapshots: clone(snapshots) as Record<Side, Snapshot>,
        writtenAt: { ...writtenAt },
        closureBlocked: null,
      };
      remember(connectionId, link);
      (await intentsOf(connectionId)).delete(key(intent.originSide, intent.originTicketId));
      return clone(link);
    },

    async commentLedger(linkId) {
      return (await commentLedgerOf(linkId)).map(clone);
    },

    async openCommentCopy(linkId, originSide, originCommentId) {
      const l = await commentLedgerOf(linkId);
      const existing = l.find((e) => e.originSide === originSide && e.originCommentId === originCommentId);
      if (existing) return { ...clone(existing), resumed: true };
      const marker = newMarker('comment');
      events.marker?.(marker);
      const entry: CommentLedgerEntry = { id: nextId('comment-entry'), originSide, originCommentId, copyCommentId: null, marker };
      l.push(entry);
      return { ...clone(entry), resumed: false };
    },

    async completeCommentCopy(entryId, copyCommentId) {
      for (const l of commentLedgers.values()) {
        const e = l.find((x) => x.id === entryId);
        if (e) e.copyCommentId = copyCommentId;
      }
    },

    async attachmentLedger(linkId) {
      return (await attachmentLedgerOf(linkId)).map(clone);
    },

    async recordAttachmentCopies(linkId, originSide, pairs) {
      const l = await attachmentLedgerOf(linkId);
      for (const p of pairs) {
        const e = l.find((x) => x.originSide === originSide && x.originAttachmentId === p.originId);
        if (e) e.copyAttachmentId = p.copyId;
        else l.push({ originSide, originAttachmentId: p.originId, copyAttachmentId: p.copyId });
      }
    },

    async retries(connectionId, side) {
      return [...(await retrySet(connectionId, side))];
    },

    async markRetry(connectionId, side, ticketId, error) {
      (await retrySet(connectionId, side)).add(ticketId);
      recorded.retries.push({ side, ticketId, error });
      events.itemDone?.(side, ticketId);
    },

    async clearRetry(connectionId, side, ticketId) {
      (await retrySet(connectionId, side)).delete(ticketId);
      events.itemDone?.(side, ticketId);
    },

    async advanceCursor(_connectionId, side, at) {
      recorded.cursors.push({ side, at });
    },

    async saveCursor(_connectionId, side, cursor, changedUpTo) {
      recorded.cursors.push({ side, at: changedUpTo, cursor });
    },

    async markReadyForAutomaticSync() {
      recorded.readyForAutomaticSync = true;
    },

    async addDetail(_runId, d) {
      recorded.details.push({ ...d });
      events.detail?.({ ...d });
    },

    async hints(connectionId) {
      return (await hintsOf(connectionId)).map(clone);
    },

    async clearHint(connectionId, side, ticketId, seenAt) {
      const h = await hintsOf(connectionId);
      hintLists.set(
        connectionId,
        h.filter((x) => !(x.side === side && x.ticketId === ticketId && x.createdAt <= seenAt)),
      );
      recorded.clearedHints.push({ side, ticketId });
    },

    async finishRun(_runId, status, error) {
      recorded.finished = { status, error };
    },

    async recordTicketEvents(b) {
      recorded.ticketEvents.push(clone(b));
    },
    async pruneTicketEvents() {},

    async markWaiting() {},
    async clearWaiting() {},
    async heartbeat() {},
    async reportProgress(_runId, p) {
      events.progress?.(p);
    },

    // Scheduling and run rows are the job engine's, never a dry run's.
    async adoptOrStartRun() {
      throw new Error('A dry run does not start runs');
    },
    async dueForAutomaticSync() {
      throw new Error('A dry run does not schedule');
    },
    async recordFailedRun() {
      throw new Error('A dry run does not record runs');
    },
  };

  return { store, recorded };
}
