import { PlatformError, type PlatformErrorKind, type RemoteTicket, type TicketConnector } from '../core/connector.ts';
import type { BudgetWaitListener } from '../connector-kit/rate-gate.ts';
import type { EngineEvent, RunDetail, RunStatus, SyncStore } from './ports.ts';
import type { Side } from './field-mapping.ts';
import { screenTicket, syncTicket, type Screening, type SideRuntime, type TicketSyncContext } from './ticket-sync.ts';
import { budgetWaitText } from './budget-wait.ts';
import { fieldDefsOf } from './mandatory-check.ts';
import { resolveSideSettings, SideSettingError } from './side-settings.ts';
import { runProgress } from './progress.ts';
import { recordedSubject, TicketEventLog, tracedConnector, type EventSink } from './ticket-events.ts';

export interface EngineDeps {
  /** The engine's ports (ports.ts) with the job queue's view of runs (coordinator.ts, jobs.ts). */
  store: SyncStore;
  /** The connector for one side of a connection, or a reason why there is none. `onBudgetWait`: its requests wait for API budget. */
  connectorFor(
    connectionId: string,
    side: Side,
    hooks?: {
      onBudgetWait?: BudgetWaitListener;
      signal?: AbortSignal;
      /** The side's per-side settings as the engine resolved them (configured ones plus single choices), instead of the configured ones. */
      sideSettings?: Record<string, string>;
    },
  ): Promise<TicketConnector | { error: string }>;
  log?: (msg: string, data?: Record<string, unknown>) => void;
  afterRemoteCreate?: TicketSyncContext['afterRemoteCreate'];
  /** See TicketSyncContext.lostCreateSettleMs (engineDeps: twice the platform timeout). */
  lostCreateSettleMs?: number;
  /**
   * Told about every listed ticket the run screens (filters, reverse sync, echoes) before it counts
   * anything: whether it travels and, when it does not, why. The dry run uses it to leave out what the
   * partner must not see.
   */
  onScreened?: (side: Side, ticketId: string, verdict: { travels: boolean; reason?: string }) => void;
  /** Progress counts are written at most this often (default 500 ms); the dry run wants every one (0). */
  progressIntervalMs?: number;
  /**
   * A side's platform rejected its API key during the run: the owning organisation's Settings test is
   * stale (engineDeps marks it so its Settings page says to test again). Failures here never fail the run twice.
   */
  onCredentialsRejected?: (r: { connectionId: string; side: Side; runId: string; at: Date }) => Promise<void>;
  /** Told what the run does (each ticket's outcome, deletions, the run's end): metrics and logs listen here. A listener that throws is ignored. */
  onEvent?: (e: EngineEvent) => void;
}

export interface RunRequest {
  runId: string;
  connectionId: string;
  /** `ticket`: a person asked for a Retry or Resync of tickets; like `webhook`, the run works only hinted and retried tickets. */
  trigger: 'manual' | 'automatic' | 'webhook' | 'ticket';
  /** Manual runs read changes from this date; others from the stored cursor. */
  since: Date | null;
  /** Dry runs: work at most this many of the listed tickets (oldest change first); `truncated` says so. */
  maxTickets?: number;
  /**
   * Aborted when the run must stop (its time limit, see coordinator.ts): every platform request and wait
   * ends, and the run is Failed with the signal's reason as its error.
   */
  signal?: AbortSignal;
}

export interface RunOutcome {
  status: Exclude<RunStatus, 'running'>;
  error: string | null;
  /** More tickets were listed than `maxTickets`. */
  truncated?: boolean;
  /** A failed run: the side at fault and how, when known. */
  fault?: RunFault;
}

/** Which side a run failed on and how (`not_configured`: the side has no usable credentials). */
export interface RunFault {
  side: Side;
  kind: PlatformErrorKind | 'not_configured';
}

interface WorkItem {
  side: Side;
  id: string;
  updatedAt: string;
  /** The change-feed page that listed it: the page's cursor is saved once all of its tickets are done. */
  page?: PageMark;
}

/** One page of a side's change feed, and how many of its tickets are not done yet. */
interface PageMark {
  cursor: string;
  remaining: number;
  /** The page's newest change (or the manual run's start when the page is empty): the time shown as synced up to. */
  changedUpTo: Date | null;
}

const describe = (side: Side, names: Record<Side, string>) => `${names[side]} (${side})`;

async function fieldLabels(rt: SideRuntime): Promise<NonNullable<SideRuntime['describe']>> {
  const labels: Record<string, string> = { subject: 'Subject', ticket_type: 'Type' };
  const choiceLabels: Record<string, Record<string, string>> = {};
  for (const f of await fieldDefsOf(rt)) {
    labels[f.name] = f.label;
    if (f.choices.length > 0) choiceLabels[f.name] = Object.fromEntries(f.choices.map((c) => [String(c.value), c.label]));
  }
  return { labels, choiceLabels };
}

/**
 * The side's per-side settings when the engine must add to the configured ones (a required setting left out
 * whose account offers exactly one value); null when the connector as built already has what it needs.
 */
async function settingsFor(c: TicketConnector, configured: Record<string, string> | undefined, organisationName: string) {
  const settings = c.manifest.sideSettings;
  if (!settings.some((s) => s.required)) return null;
  return resolveSideSettings(settings, configured, c.sideSettingChoices ? (name) => c.sideSettingChoices!(name) : undefined, {
    organisationName,
    platformName: c.manifest.name,
  });
}

/** Tickets read while screening that are kept for their pass (each at most a few hundred kB). */
const SCREENED_READS_KEPT = 200;

/** A run that cannot go on (credentials, unreachable platform): the run is Failed, not Partial. `fault`: whose side. */
class RunAbort extends Error {
  constructor(
    message: string,
    readonly fault?: RunFault,
  ) {
    super(message);
  }
}

const faultOf = (side: Side, err: unknown): RunFault | undefined => (err instanceof PlatformError ? { side, kind: err.kind } : undefined);

/**
 * The run error for an account-wide failure while a ticket was screened. The run's error is shown to both
 * organisations, and the platform's message names the ticket ("read ticket 123"), which may be one the
 * filters keep back: the ticket's own timeline (its organisation's only) keeps the platform's words.
 */
function screeningAbort(where: string, err: PlatformError, side: Side): RunAbort {
  const what = err.kind === 'authentication' ? 'rejected the API key' : `did not answer (${err.kind})`;
  return new RunAbort(
    `${where}: the platform ${what} while a changed ticket was checked against the sync filters (that organisation's ticket timeline has the platform's message)`,
    { side, kind: err.kind },
  );
}

/**
 * One sync run of a connection: reads the changes of both sides, applies them ticket by ticket in the
 * order they happened, records a detail row for each ticket touched, and moves each side's cursor
 * only after the run has covered every change up to it. One ticket's failure is recorded and put in
 * the retry set; the others go on. Re-running is always safe: every write is checked against links,
 * ledgers and snapshots first.
 */
export async function runSync(deps: EngineDeps, req: RunRequest): Promise<RunOutcome> {
  const { store } = deps;
  const emit = (e: EngineEvent) => {
    try {
      deps.onEvent?.(e);
    } catch (err) {
      deps.log?.('an engine event listener failed', { error: (err as Error).message });
    }
  };
  // Every detail row is one ticket's outcome: listeners (metrics) hear of it from the engine, not from the store.
  const addDetail = async (detail: RunDetail) => {
    await store.addDetail(req.runId, detail);
    emit({ kind: 'ticket', runId: req.runId, connectionId: req.connectionId, outcome: detail.outcome, ownerOnly: detail.ownerOnly === true });
  };
  const finish = async (status: Exclude<RunStatus, 'running'>, error: string | null, fault: RunFault | null) => {
    await store.finishRun(req.runId, status, error, fault);
    emit({ kind: 'run_finished', runId: req.runId, connectionId: req.connectionId, status });
  };
  const progress = runProgress(store, req.runId, deps.progressIntervalMs !== undefined ? { minIntervalMs: deps.progressIntervalMs } : {});
  let details = 0;
  let failed = 0;
  // The traced connectors report each call to the timeline of the ticket being worked.
  const sink: EventSink = { current: null };
  // One statement per ticket; a timeline that cannot be written never fails the sync.
  const recordEvents = async (events: TicketEventLog, outcome: string) => {
    const batch = events.batch(req.connectionId, req.runId, outcome);
    if (batch) await store.recordTicketEvents(batch).catch((e: unknown) => deps.log?.('ticket events not recorded', { error: (e as Error).message }));
  };
  try {
    const conn = await store.loadConnection(req.connectionId);
    if (!conn || conn.status !== 'active') throw new RunAbort('The connection is not active (revoked or not yet accepted)');
    const names = { source: conn.sides.source.organisationName, target: conn.sides.target.organisationName };
    const sides = {} as Record<Side, SideRuntime>;
    for (const side of ['source', 'target'] as const) {
      const onBudgetWait: BudgetWaitListener = (w) => {
        // In words, by the organisation whose account it is (hosts and credit counts are for operators).
        const reason = budgetWaitText({
          platformName: sides[side]?.connector.manifest.name ?? null,
          organisationName: names[side],
          usedPercent: w.usedPercent,
        });
        void store.markWaiting(req.runId, w.until, reason).catch(() => {});
      };
      const hooks = { onBudgetWait, ...(req.signal ? { signal: req.signal } : {}) };
      let c = await deps.connectorFor(req.connectionId, side, hooks);
      if ('error' in c) throw new RunAbort(`${describe(side, names)}: ${c.error}`, { side, kind: 'not_configured' });
      // Per-side settings its platform needs (a project, a board): one the account offers alone is used without asking.
      const sideSettings = await settingsFor(c, conn.sides[side].configuration.sideSettings, names[side]).catch((err: unknown) => {
        if (err instanceof SideSettingError) throw new RunAbort(`${describe(side, names)}: ${err.message}`, { side, kind: 'not_configured' });
        throw new RunAbort(`Reading the settings choices of ${describe(side, names)} failed: ${(err as Error).message}`, faultOf(side, err));
      });
      if (sideSettings) {
        c = await deps.connectorFor(req.connectionId, side, { ...hooks, sideSettings });
        if ('error' in c) throw new RunAbort(`${describe(side, names)}: ${c.error}`, { side, kind: 'not_configured' });
      }
      sides[side] = { side, connector: tracedConnector(c, side, sink), config: conn.sides[side].configuration, organisationName: names[side] };
    }

    if (Object.values(conn.mappings.types).some((m) => m.descriptionBuilder.fields.length > 0)) {
      try {
        sides.source.describe = await fieldLabels(sides.source);
      } catch (err) {
        throw new RunAbort(`Loading the ticket fields of ${describe('source', names)} failed: ${(err as Error).message}`, faultOf('source', err));
      }
    }

    await progress.phase('listing changes');
    const work: WorkItem[] = [];
    const pages: Record<Side, PageMark[]> = { source: [], target: [] };
    // `events`: a deletion a webhook reported, with the read that confirmed it (a change feed's is taken as is).
    const deleted: Array<{ side: Side; id: string; events?: TicketEventLog }> = [];
    // A webhook run looks only at the tickets it was told about; the schedule is the safety net.
    const readChanges = req.trigger !== 'webhook' && req.trigger !== 'ticket';
    const retrying = new Set<string>();
    for (const side of ['source', 'target'] as const) {
      if (readChanges) {
        // A manual run's start date wins; else the saved cursor; else (saved before cursors were opaque) the
        // time cursor, read from that time on, which is what a time feed's cursor means.
        const { cursor, cursorAt } = conn.sides[side];
        const from = req.since ? { cursor: null, since: req.since } : cursor ? { cursor, since: null } : cursorAt ? { cursor: null, since: cursorAt } : null;
        if (!from) throw new RunAbort('This connection has not had its first manual sync yet; run a manual sync with a start date');
        try {
          for await (const page of sides[side].connector.changes(from.cursor, from.since ? { since: from.since } : {})) {
            const newest = page.changes.reduce<string | null>((m, ch) => (m === null || ch.updatedAt > m ? ch.updatedAt : m), null);
            const mark: PageMark = { cursor: page.cursor, remaining: page.changes.length, changedUpTo: newest ? new Date(newest) : req.since };
            pages[side].push(mark);
            for (const ch of page.changes) work.push({ side, id: ch.id, updatedAt: ch.updatedAt, page: mark });
            for (const id of page.deleted) deleted.push({ side, id });
          }
        } catch (err) {
          throw new RunAbort(`Reading changes from ${describe(side, names)} failed: ${(err as Error).message}`, faultOf(side, err));
        }
      }
      const listed = new Set(work.filter((w) => w.side === side).map((w) => w.id));
      for (const id of await store.retries(req.connectionId, side)) {
        retrying.add(`${side}:${id}`);
        if (!listed.has(id)) work.push({ side, id, updatedAt: '' });
      }
    }
    const hints = await store.hints(req.connectionId);
    for (const h of hints) {
      if (h.deleted) {
        if (deleted.some((d) => d.side === h.side && d.id === h.ticketId)) continue;
        // A webhook's word is not the platform's state (a forged call with a valid signature, or a stale one):
        // one read confirms the deletion. Only gone is reported deleted; a ticket still there is worked as a
        // change, and a read that fails leaves the ticket to its pass, which reads it again.
        const events = new TicketEventLog(h.side, h.ticketId);
        sink.current = events;
        const read = await sides[h.side].connector.getTicket(h.ticketId).then(
          (t) => (t ? 'readable' : 'gone'),
          () => 'failed',
        );
        sink.current = null;
        if (read === 'gone') {
          deleted.push({ side: h.side, id: h.ticketId, events });
          continue;
        }
        if (read === 'readable') {
          events.add('read', `A webhook reported ticket #${h.ticketId} deleted on ${names[h.side]}, but it can still be read: not deleted, synced as a change`);
          await recordEvents(events, 'unchanged');
        }
      }
      if (!work.some((w) => w.side === h.side && w.id === h.ticketId)) work.push({ side: h.side, id: h.ticketId, updatedAt: '' });
    }
    // Interrupted creates are finished first, whatever the cursor says.
    for (const intent of await store.pendingIntents(req.connectionId)) {
      if (!work.some((w) => w.side === intent.originSide && w.id === intent.originTicketId))
        work.unshift({ side: intent.originSide, id: intent.originTicketId, updatedAt: '' });
    }
    work.sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : 0));
    // Listed before a dry run's cut, so it can say how many of them it previewed.
    for (const side of ['source', 'target'] as const) await progress.listed(side, work.filter((w) => w.side === side).length);
    const truncated = req.maxTickets !== undefined && work.length > req.maxTickets;
    if (truncated) work.length = req.maxTickets!;
    // Tickets the platform reports deleted: noted on their own timeline; the partner's copy is never deleted.
    for (const d of deleted) {
      const events = d.events ?? new TicketEventLog(d.side, d.id);
      const link = await store.findLink(req.connectionId, d.side, d.id);
      if (link) events.linkedTicketId = link.ticketIds[d.side === 'source' ? 'target' : 'source'];
      const why = d.events ? 'its webhook says so, and it can no longer be read' : 'its change feed says so';
      events.add('skipped_missing', `Ticket #${d.id} was deleted on ${names[d.side]} (${why})${link ? `: its copy #${events.linkedTicketId} is kept` : ''}`);
      await recordEvents(events, 'unchanged');
      emit({ kind: 'deleted', runId: req.runId, connectionId: req.connectionId, side: d.side, ticketId: d.id });
    }
    // A page's cursor is saved once every ticket it listed is done (written, or failed into the retry set),
    // in page order: a run that stops between pages reads the unfinished page again, never past it.
    const saveDonePages = async (side: Side) => {
      while (pages[side][0]?.remaining === 0) {
        const mark = pages[side].shift()!;
        await store.saveCursor(req.connectionId, side, mark.cursor, mark.changedUpTo);
      }
    };
    const itemDone = async (item: WorkItem) => {
      if (!item.page) return;
      item.page.remaining--;
      await saveDonePages(item.side);
    };
    for (const side of ['source', 'target'] as const) await saveDonePages(side);
    await progress.phase('screening tickets');

    const tctx: TicketSyncContext = {
      connectionId: req.connectionId,
      store,
      mappings: conn.mappings,
      sides,
      afterRemoteCreate: deps.afterRemoteCreate,
      lostCreateSettleMs: deps.lostCreateSettleMs ?? 0,
      onConversation: (kind, delta) => progress.conversation(kind, delta),
    };
    // What a side's filters keep back never reaches the partner: tickets are screened before the run
    // counts them (progress), and one that cannot travel gets no detail row and only its own timeline.
    const travelling: WorkItem[] = [];
    // Tickets screening had to read are handed to their pass rather than read again (the platform's rate
    // budget counts every read), up to a bound so a long listing is not held in memory; the rest are re-read.
    const screenedReads = new Map<string, RemoteTicket>();
    for (const item of work) {
      req.signal?.throwIfAborted();
      const events = new TicketEventLog(item.side, item.id);
      sink.current = events;
      tctx.events = events;
      let verdict: Screening;
      try {
        verdict = await screenTicket(tctx, item.side, item);
      } catch (err) {
        // A stopped run is not this ticket's fault: nothing is recorded against it.
        if (req.signal?.aborted) throw req.signal.reason;
        const message = err instanceof Error ? err.message : String(err);
        events.add('failed', message);
        sink.current = null;
        tctx.events = undefined;
        if (err instanceof PlatformError && err.isAccountWide) {
          if (err.kind === 'authentication') {
            await recordEvents(events, 'failed');
            throw screeningAbort(describe(item.side, names), err, item.side);
          }
          for (const side of ['source', 'target'] as const) {
            const down = await sides[side].connector.whoAmI().then(
              () => null,
              (e: unknown) => e,
            );
            if (down) {
              await recordEvents(events, 'failed');
              throw screeningAbort(describe(side, names), err, side);
            }
          }
        }
        // Not known to be admitted: a failure only its own organisation sees, counted nowhere.
        deps.log?.('ticket failed before its filters were checked', { side: item.side, ticket: item.id, error: message });
        await store.markRetry(req.connectionId, item.side, item.id, message);
        await addDetail({
          originSide: item.side,
          sourceTicketId: item.side === 'source' ? item.id : null,
          targetTicketId: item.side === 'target' ? item.id : null,
          outcome: 'failed',
          error: message,
          failedComments: 0,
          failedAttachments: 0,
          ownerOnly: true,
          subject: events.subject,
        });
        await recordEvents(events, 'failed');
        deps.onScreened?.(item.side, item.id, { travels: false, reason: message });
        await progress.screened(item.side, false);
        await itemDone(item);
        continue;
      }
      sink.current = null;
      tctx.events = undefined;
      deps.onScreened?.(item.side, item.id, verdict.travels ? { travels: true } : { travels: false, reason: verdict.reason });
      await progress.screened(item.side, verdict.travels);
      if (verdict.travels) {
        travelling.push(item);
        if (verdict.read && screenedReads.size < SCREENED_READS_KEPT) screenedReads.set(`${item.side}:${item.id}`, verdict.read);
        continue;
      }
      await store.clearRetry(req.connectionId, item.side, item.id);
      await recordEvents(events, 'unchanged');
      await itemDone(item);
    }

    // The timeline names values written into a side by that side's labels (Status: Pending, not status = 3):
    // its form fields are read once per run, only for sides that may receive a write; without them, raw values.
    for (const to of new Set(travelling.map((w) => (w.side === 'source' ? 'target' : 'source') as Side))) {
      if (!sides[to].describe) sides[to].describe = await fieldLabels(sides[to]).catch(() => undefined);
    }
    await progress.phase('syncing tickets', travelling.length);
    for (const item of travelling) {
      req.signal?.throwIfAborted();
      const events = new TicketEventLog(item.side, item.id);
      sink.current = events;
      tctx.events = events;
      if (retrying.has(`${item.side}:${item.id}`)) events.add('retried', 'In the retry set after an earlier failure: worked again');
      let passOutcome = 'unchanged';
      try {
        const read = screenedReads.get(`${item.side}:${item.id}`);
        screenedReads.delete(`${item.side}:${item.id}`);
        if (read) events.subject = recordedSubject(read.subject);
        const outcome = await syncTicket(tctx, item.side, item, read);
        await store.clearRetry(req.connectionId, item.side, item.id);
        if (outcome) {
          passOutcome = outcome.outcome;
          if (outcome.outcome === 'failed' || outcome.failedComments + outcome.failedAttachments > 0) events.add('failed', outcome.error ?? 'failed');
          details++;
          await addDetail({ originSide: item.side, ...outcome, subject: events.subject });
          if (outcome.outcome === 'failed' || outcome.failedComments + outcome.failedAttachments > 0) {
            failed++;
            if (outcome.failedComments + outcome.failedAttachments > 0) await store.markRetry(req.connectionId, item.side, item.id, outcome.error ?? 'failed');
          }
        }
      } catch (err) {
        passOutcome = 'failed';
        events.add('failed', err instanceof Error ? err.message : String(err));
        // A stopped run is not this ticket's fault: it does not go to the retry set as failed.
        if (req.signal?.aborted) throw req.signal.reason;
        if (err instanceof PlatformError && err.isAccountWide) {
          // One request that timed out or lost its connection is not an outage: the run stops only when a
          // side does not answer a harmless read either. Otherwise this ticket fails and is retried later.
          if (err.kind === 'authentication') throw new RunAbort(`${describe(item.side, names)}: ${err.message}`, { side: item.side, kind: 'authentication' });
          for (const side of ['source', 'target'] as const) {
            const down = await sides[side].connector.whoAmI().then(
              () => null,
              (e: unknown) => e,
            );
            if (down) throw new RunAbort(`${describe(side, names)}: ${err.message}`, faultOf(side, down) ?? { side, kind: err.kind });
          }
        }
        const message = err instanceof Error ? err.message : String(err);
        deps.log?.('ticket failed', { side: item.side, ticket: item.id, error: message });
        details++;
        failed++;
        await store.markRetry(req.connectionId, item.side, item.id, message);
        const link = await store.findLink(req.connectionId, item.side, item.id);
        if (link && !events.linkedTicketId) events.linkedTicketId = link.ticketIds[item.side === 'source' ? 'target' : 'source'];
        await addDetail({
          originSide: item.side,
          sourceTicketId: item.side === 'source' ? item.id : (link?.ticketIds.source ?? null),
          targetTicketId: item.side === 'target' ? item.id : (link?.ticketIds.target ?? null),
          outcome: 'failed',
          error: message,
          failedComments: 0,
          failedAttachments: 0,
          subject: events.subject,
        });
      } finally {
        sink.current = null;
        tctx.events = undefined;
        await recordEvents(events, passOutcome);
      }
      await progress.ticketDone(passOutcome === 'failed');
      await itemDone(item);
    }

    req.signal?.throwIfAborted();
    await progress.phase('saving cursors');
    for (const h of hints) await store.clearHint(req.connectionId, h.side, h.ticketId, h.createdAt);
    for (const side of ['source', 'target'] as const) await saveDonePages(side);
    const status: RunOutcome['status'] = details === 0 ? 'no_tickets' : failed > 0 ? 'partial' : 'success';
    if (req.trigger === 'manual') await store.markReadyForAutomaticSync(req.connectionId);
    await finish(status, null, null);
    return { status, error: null, ...(truncated ? { truncated } : {}) };
  } catch (err) {
    // Whatever a stopped run was doing when it stopped, the reason is that it was stopped.
    const stopped: unknown = req.signal?.aborted ? req.signal.reason : undefined;
    const message =
      stopped !== undefined
        ? stopped instanceof Error
          ? stopped.message
          : String(stopped)
        : err instanceof RunAbort
          ? err.message
          : `Unexpected error: ${(err as Error).message}`;
    if (stopped === undefined && !(err instanceof RunAbort)) deps.log?.('run crashed', { error: (err as Error).stack });
    const fault = stopped === undefined && err instanceof RunAbort ? err.fault : undefined;
    if (fault?.kind === 'authentication' && deps.onCredentialsRejected) {
      await deps
        .onCredentialsRejected({ connectionId: req.connectionId, side: fault.side, runId: req.runId, at: new Date() })
        .catch((e: unknown) => deps.log?.('could not mark the rejected key in Settings', { error: (e as Error).message }));
    }
    await finish('failed', message, fault ?? null);
    return { status: 'failed', error: message, ...(fault ? { fault } : {}) };
  }
}
