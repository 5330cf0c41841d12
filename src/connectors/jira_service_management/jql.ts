/**
 * JQL for the change feed [jira-api.md §7]: date literals have minute precision and are read in the time
 * zone of the account running the query (its profile setting, /myself timeZone), not in UTC.
 */

/** A JQL string literal: quoted, with quotes and backslashes escaped. */
export function jqlString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function parts(at: Date, timeZone: string): Record<string, string> {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
}

/** `yyyy/MM/dd HH:mm` of an instant in a time zone (an unknown zone: UTC, which the caller widens for). */
export function jqlMinute(at: Date, timeZone: string): string {
  let p: Record<string, string>;
  try {
    p = parts(at, timeZone);
  } catch {
    p = parts(at, 'UTC');
  }
  return `${p.year}/${p.month}/${p.day} ${p.hour}:${p.minute}`;
}

/** The zone's offset from UTC at an instant, in minutes. */
export function offsetMinutes(at: Date, timeZone: string): number {
  const p = parts(at, timeZone);
  const local = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
  return Math.round((local - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}

export function isKnownZone(timeZone: string | null | undefined): timeZone is string {
  if (!timeZone) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * The literal for an inclusive lower bound at `from`: truncated to the minute, one minute earlier (a change
 * in the same minute as the last one seen is read again, never lost [§7]), and one hour earlier still
 * where the zone's clock goes back within the next hour (a wall-clock minute that happens twice).
 * Without a known zone, 14 hours earlier: no zone is further ahead of UTC than that.
 */
export function lowerBoundLiteral(from: Date, timeZone: string | null | undefined): string {
  const minute = Math.floor(from.getTime() / 60_000) * 60_000 - 60_000;
  if (!isKnownZone(timeZone)) return jqlMinute(new Date(minute - 14 * 3_600_000), 'UTC');
  // In the hour before the clocks go back, Jira may read the literal as its second (later) occurrence.
  const ambiguous = offsetMinutes(new Date(minute + 3_600_000), timeZone) < offsetMinutes(new Date(minute), timeZone);
  return jqlMinute(new Date(ambiguous ? minute - 3_600_000 : minute), timeZone);
}

/** The change feed's query: bounded (Jira refuses unbounded JQL), ordered by change then key [§15]. */
export function changesJql(project: string | undefined, from: Date, timeZone: string | null | undefined): string {
  const scope = project ? `project = ${jqlString(project)} AND ` : '';
  return `${scope}updated >= ${jqlString(lowerBoundLiteral(from, timeZone))} ORDER BY updated ASC, key ASC`;
}

const CURSOR = 'jira:';

export function feedCursor(at: Date): string {
  return CURSOR + at.toISOString();
}

/** The time a cursor stands at; a cursor this feed did not issue is refused, not read as "from the start". */
export function timeOfFeedCursor(cursor: string): Date {
  const at = cursor.startsWith(CURSOR) ? new Date(cursor.slice(CURSOR.length)) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) throw new Error(`Not a Jira change-feed cursor: ${JSON.stringify(cursor.slice(0, 80))}`);
  return at;
}

/**
 * Where a page's cursor stands: at its last change, but never later than `settleBefore` (the search
 * index may still add changes made just before the query [§4.1]) and never before the feed's start.
 */
export function pageCursorTime(from: Date, lastChange: Date | null, settleBefore: Date): Date {
  const candidate = lastChange === null ? settleBefore : new Date(Math.min(lastChange.getTime(), settleBefore.getTime()));
  return new Date(Math.max(from.getTime(), candidate.getTime()));
}
