/**
 * The fewest API calls a sync could make for a workload (see bench/README.md, "How the minimum is
 * computed"). Keys are what the call is for; values are calls.
 */
export interface Workload {
  /** Source tickets changed (all new in an initial sync). */
  tickets: number;
  /** Tickets that have at least one comment (their conversations must be read once). */
  ticketsWithComments: number;
  /** Comments the configuration sends, in all. */
  commentsSent: number;
  /** Ticket attachments to copy. */
  attachments: number;
  /** Distinct requester e-mail addresses among the tickets. */
  requesters: number;
  /** Of those, how many do not exist on the receiving side yet (match_or_create creates them). */
  requestersMissing: number;
}

export interface Minimum {
  source: Record<string, number>;
  target: Record<string, number>;
  total: number;
}

export const PAGE = 100;

export function minimumCalls(w: Workload): Minimum {
  const source = {
    'list changed tickets (1 per 100)': Math.max(1, Math.ceil(w.tickets / PAGE)),
    'read conversations (1 per ticket with comments)': w.ticketsWithComments,
    'download attachment (1 each)': w.attachments,
  };
  const target = {
    'list changed tickets (1 per run)': 1,
    'create ticket (1 each)': w.tickets,
    'write comment (1 each)': w.commentsSent,
    'write attachment (1 each)': w.attachments,
    'look up requester (1 per distinct e-mail)': w.requesters,
    'create requester (1 per missing)': w.requestersMissing,
  };
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  return { source, target, total: sum(source) + sum(target) };
}

export const sumValues = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
