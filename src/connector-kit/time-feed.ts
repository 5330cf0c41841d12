import type { ChangePage, TicketChange } from '../core/connector.ts';

/**
 * A change feed for platforms that list by "updated since" (inclusive): pages of changes in change order,
 * each with a time cursor. A resumed feed starts at the cursor's time again, inclusive, so a change made in
 * the same second (or minute) as the last one handled is read again rather than lost; the engine skips what
 * it already handled.
 */
const PREFIX = 'time:';

export function timeCursor(at: Date | string): string {
  return PREFIX + new Date(at).toISOString();
}

/** The time a cursor stands at; a cursor this feed did not issue is refused, not read as "from the start". */
export function timeOfCursor(cursor: string): Date {
  const at = cursor.startsWith(PREFIX) ? new Date(cursor.slice(PREFIX.length)) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) throw new Error(`Not a change-feed cursor of this platform: ${JSON.stringify(cursor.slice(0, 80))}`);
  return at;
}

export async function* timeFeed(
  list: (since: Date) => Promise<TicketChange[]>,
  cursor: string | null,
  opts: { since?: Date; pageSize?: number },
): AsyncIterable<ChangePage> {
  const from = cursor ? timeOfCursor(cursor) : (opts.since ?? new Date(0));
  const all = (await list(from)).slice().sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id.localeCompare(b.id));
  const size = Math.max(1, opts.pageSize ?? 100);
  if (all.length === 0) {
    yield { changes: [], deleted: [], cursor: timeCursor(from) };
    return;
  }
  for (let i = 0; i < all.length; i += size) {
    const changes = all.slice(i, i + size);
    yield { changes, deleted: [], cursor: timeCursor(changes[changes.length - 1]!.updatedAt) };
  }
}
