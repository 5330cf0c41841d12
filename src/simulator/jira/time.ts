// Jira formats times in the caller's profile time zone and reads JQL date literals in that zone too
// [spec 5.2, 7]; the simulator does both with Intl so a connector that assumes UTC is caught.

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsIn(ms: number, timeZone: string): Record<string, number> {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(ms))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** Offset of `timeZone` from UTC at instant `ms`, in minutes. */
export function offsetMinutes(ms: number, timeZone: string): number {
  const p = partsIn(ms, timeZone);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

/** `2026-04-28T15:33:15.438+0200`: milliseconds, offset without a colon, in `timeZone` [Seen]. */
export function jiraTime(ms: number, timeZone: string): string {
  const off = offsetMinutes(ms, timeZone);
  const d = new Date(ms + off * 60_000);
  const sign = off < 0 ? '-' : '+';
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `.${pad(d.getUTCMilliseconds(), 3)}${sign}${pad(Math.trunc(Math.abs(off) / 60))}${pad(Math.abs(off) % 60)}`
  );
}

/** JSM DateDTO [spec 9.2]. */
export function jsmDate(ms: number, timeZone: string): { iso8601: string; jira: string; friendly: string; epochMillis: number } {
  const jira = jiraTime(ms, timeZone);
  return { iso8601: jira.replace(/\.\d{3}/, ''), jira, friendly: jira.slice(0, 16).replace('T', ' '), epochMillis: ms };
}

/** A wall-clock time in `timeZone` → instant (the two-pass offset guess handles DST edges well enough). */
export function zonedToMs(y: number, mo: number, d: number, h: number, mi: number, timeZone: string): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const first = guess - offsetMinutes(guess, timeZone) * 60_000;
  return guess - offsetMinutes(first, timeZone) * 60_000;
}

/**
 * JQL date literal → instant: `yyyy-MM-dd HH:mm`, `yyyy/MM/dd HH:mm`, `yyyy-MM-dd`, `yyyy/MM/dd` in the
 * caller's zone (no seconds: minute precision [spec 7]), or relative `-5m`, `-1d`, `-2h`, `-1w` from now.
 * null when the literal is none of these.
 */
export function parseJqlDate(literal: string, timeZone: string, nowMs: number): number | null {
  const abs = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:\s+(\d{1,2}):(\d{2}))?$/.exec(literal.trim());
  if (abs) {
    const [, y, mo, d, h = '0', mi = '0'] = abs;
    const [Y, M, D, H, MI] = [y, mo, d, h, mi].map(Number) as [number, number, number, number, number];
    if (M < 1 || M > 12 || D < 1 || D > 31 || H > 23 || MI > 59) return null;
    return zonedToMs(Y, M, D, H, MI, timeZone);
  }
  const rel = /^([-+]?)(\d+)([mhdw])$/.exec(literal.trim());
  if (rel) {
    const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[rel[3] as 'm' | 'h' | 'd' | 'w'];
    return nowMs + (rel[1] === '-' ? -1 : 1) * Number(rel[2]) * unit;
  }
  return null;
}
