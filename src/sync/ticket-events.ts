import type { RemoteAttachment, RemoteComment, RemoteRequester, RemoteTicket, TicketConnector } from '../core/connector.ts';
import { plainSubject } from '../core/sanitize-html.ts';
import type { RequestSummary, TicketEvent, TicketEventBatch } from './ports.ts';
import type { Side } from './field-mapping.ts';

export type { RequestSummary, TicketEventBatch };

/**
 * The ticket timeline: what the engine did with one ticket in one run, step by step, with a summary of
 * each platform call it made for it. Collected in memory while the ticket is worked and stored in one
 * statement at its end (TimelinePort.recordTicketEvents), so the cost per ticket is one insert.
 */
export type TicketEventKind =
  | 'read'
  | 'mapped'
  | 'written'
  | 'comment_copied'
  | 'attachment_copied'
  | 'retried'
  | 'failed'
  | 'skipped_unchanged'
  | 'skipped_echo'
  | 'skipped_filtered'
  | 'skipped_missing'
  | 'requested';

export const TICKET_EVENT_KINDS: readonly TicketEventKind[] = [
  'read',
  'mapped',
  'written',
  'comment_copied',
  'attachment_copied',
  'retried',
  'failed',
  'skipped_unchanged',
  'skipped_echo',
  'skipped_filtered',
  'skipped_missing',
  'requested',
];

const MAX_EVENTS_PER_PASS = 50;
const MAX_REQUESTS_PER_EVENT = 30;
const MAX_SUMMARY = 500;

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Subjects kept beside run details and timeline steps: enough to recognise a ticket, no more. */
export const RECORDED_SUBJECT_MAX = 200;

/** A ticket's subject as it is recorded: plain text on one line, clipped; null when empty. */
export function recordedSubject(subject: string | null | undefined): string | null {
  if (typeof subject !== 'string') return null;
  // Subjects are text (a literal "<b>" is what the agent typed): kept as such, whitespace folded; the UI escapes it.
  const plain = plainSubject(subject).replace(/\s+/g, ' ').trim();
  return plain === '' ? null : clip(plain, RECORDED_SUBJECT_MAX);
}

/** The events of one ticket's pass, gathered while the engine works it. */
export class TicketEventLog {
  readonly events: Array<TicketEvent & { kind: TicketEventKind }> = [];
  private pending: RequestSummary[] = [];
  linkedTicketId: string | null = null;
  /** The ticket's subject, once it was read in this pass (recordedSubject). */
  subject: string | null = null;
  dropped = 0;

  constructor(
    readonly side: Side,
    readonly ticketId: string,
  ) {}

  /** A platform call made for this ticket (by the traced connectors); it joins the next event. */
  request(r: RequestSummary): void {
    if (this.pending.length < MAX_REQUESTS_PER_EVENT) this.pending.push(r);
    else this.dropped++;
  }

  add(kind: TicketEventKind, summary: string): void {
    const requests = this.pending;
    this.pending = [];
    if (this.events.length >= MAX_EVENTS_PER_PASS) {
      // A ticket with hundreds of comments: the last slot says how much was left out.
      this.dropped++;
      return;
    }
    this.events.push({ kind, summary: clip(summary, MAX_SUMMARY), requests, at: new Date() });
  }

  /** Calls not followed by any event (a pass that ended without a decision): kept on the last event. */
  settle(): void {
    if (this.pending.length === 0) return;
    const last = this.events.at(-1);
    if (last) last.requests.push(...this.pending.splice(0));
  }

  batch(connectionId: string, runId: string | null, outcome: string | null): TicketEventBatch | null {
    this.settle();
    if (this.events.length === 0) return null;
    if (this.dropped > 0) this.events.at(-1)!.summary = clip(`${this.events.at(-1)!.summary} (${this.dropped} more steps or calls not recorded)`, MAX_SUMMARY);
    return {
      connectionId,
      runId,
      side: this.side,
      ticketId: this.ticketId,
      linkedTicketId: this.linkedTicketId,
      events: this.events,
      outcome,
      subject: this.subject,
    };
  }
}

/** Where the traced connectors report to: the log of the ticket being worked, if any. */
export interface EventSink {
  current: TicketEventLog | null;
}

type Describe = (args: unknown[], result: unknown) => { ref: string | null; result: string };

const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
const ticketRef = (t: RemoteTicket | null | undefined) => (t ? `#${t.id}` : 'not found');
const idArg = (args: unknown[]) => (args[0] === undefined ? null : `#${String(args[0])}`);

/** How each call is summarised: what it was about and what came back, never a body or an e-mail address. */
const CALLS: Record<string, Describe> = {
  getTicket: (a, r) => ({ ref: idArg(a), result: r ? 'found' : 'not found' }),
  // Not how many: the partner may read this timeline, and private notes are counted among them.
  listComments: (a) => ({ ref: idArg(a), result: 'conversation read' }),
  createTicket: (_a, r) => ({ ref: null, result: `created ${ticketRef(r as RemoteTicket)}` }),
  updateTicket: (a) => ({ ref: idArg(a), result: 'updated' }),
  findTicketByMarker: (_a, r) => ({ ref: null, result: r ? `found ${ticketRef(r as RemoteTicket)}` : 'no copy found' }),
  addComment: (a, r) => ({ ref: idArg(a), result: `comment #${(r as RemoteComment).id} added` }),
  findCommentByMarker: (a, r) => ({ ref: idArg(a), result: r ? `found comment #${(r as RemoteComment).id}` : 'no copy found' }),
  downloadAttachment: (a, r) => ({ ref: (a[0] as RemoteAttachment | undefined)?.name ?? null, result: `${(r as { data: Uint8Array }).data.byteLength} bytes` }),
  addAttachments: (a, r) => ({ ref: idArg(a), result: `${count((r as RemoteAttachment[]).length, 'file')} added` }),
  findRequesterByEmail: (_a, r) => ({ ref: null, result: r ? `found requester #${(r as RemoteRequester).id}` : 'not found' }),
  createRequester: (_a, r) => ({ ref: null, result: `created requester #${(r as RemoteRequester).id}` }),
  whoAmI: () => ({ ref: null, result: 'answered' }),
};

/**
 * The connector as the engine uses it, reporting each per-ticket call (method, what it was about, the
 * outcome and its duration) to the log of the ticket being worked. Only the engine's view: the connector
 * itself knows nothing of this, and calls outside a ticket's pass are not recorded.
 */
export function tracedConnector(connector: TicketConnector, side: Side, sink: EventSink): TicketConnector {
  return new Proxy(connector, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      const describe = typeof prop === 'string' ? CALLS[prop] : undefined;
      if (typeof value !== 'function' || !describe) return value;
      const call = prop as string;
      return async (...args: unknown[]) => {
        const log = sink.current;
        const started = Date.now();
        try {
          const r = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (log) {
            // The worked ticket's own read brings its subject, for the run detail and the timeline.
            if (call === 'getTicket' && side === log.side && r && (r as RemoteTicket).id === log.ticketId)
              log.subject = recordedSubject((r as RemoteTicket).subject) ?? log.subject;
            let d: { ref: string | null; result: string };
            try {
              d = describe(args, r);
            } catch {
              d = { ref: null, result: 'done' };
            }
            log.request({ side, call, ref: d.ref, ok: true, result: d.result, ms: Date.now() - started });
          }
          return r;
        } catch (err) {
          if (log) {
            let ref: string | null;
            try {
              ref = describe(args, null).ref;
            } catch {
              ref = null;
            }
            log.request({ side, call, ref, ok: false, result: clip((err as Error)?.message ?? String(err), 300), ms: Date.now() - started });
          }
          throw err;
        }
      };
    },
  });
}

/** Field labels and picklist display values of the side whose fields the values are (its form fields). */
export interface FieldText {
  labels: Record<string, string>;
  choiceLabels: Record<string, Record<string, string>>;
}

const BUILT_IN_LABELS: Record<string, string> = { type: 'Type', ticket_type: 'Type', subject: 'Subject' };

/**
 * The mapped step's values, shortened: `Status: Pending, Priority: Low` with the side's labels (picklist
 * values by their display name), or `status = 4, priority = 2` when the side's fields could not be read.
 */
export function describeValues(values: Record<string, unknown>, text?: FieldText): string {
  const keys = Object.keys(values);
  if (keys.length === 0) return 'nothing';
  const shown = keys.map((k) => {
    const v = values[k];
    const choice = v === null || v === undefined ? undefined : text?.choiceLabels[k]?.[String(v)];
    const shownValue =
      choice !== undefined
        ? choice
        : v === null || v === undefined
          ? 'empty'
          : typeof v === 'string'
            ? `"${clip(
                v
                  .replace(/<[^>]*>/g, ' ')
                  .replace(/\s+/g, ' ')
                  .trim(),
                40,
              )}"`
            : String(v);
    if (!text) return `${k} = ${shownValue}`;
    return `${text.labels[k] ?? BUILT_IN_LABELS[k] ?? k}: ${shownValue}`;
  });
  return shown.join(', ');
}
