/** Display helpers for dates, durations and counts (the browser's locale and time zone). */

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDate(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? d.toLocaleDateString(undefined, { dateStyle: 'medium' }) : '—';
}

export function formatDateTime(iso: string | null | undefined): string {
  const d = parse(iso);
  return d ? d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—';
}

/** "4 s", "2 min 5 s", "1 h 3 min"; a running run counts up to now. */
export function formatDuration(startIso: string, endIso: string | null, now = Date.now()): string {
  const start = parse(startIso);
  if (!start) return '—';
  const end = parse(endIso)?.getTime() ?? now;
  const s = Math.max(0, Math.round((end - start.getTime()) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

/** The local calendar date `days` ago, as an <input type="date"> value (YYYY-MM-DD). */
export function localDateDaysAgo(days: number, now = new Date()): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() - days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export const todayLocalDate = () => localDateDaysAgo(0);

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
