import { createHash, randomBytes } from 'node:crypto';

/** Freshservice timestamps: UTC, whole seconds, `YYYY-MM-DDTHH:MM:SSZ`. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : iso(ms);
}

export function wholeSeconds(d: Date): number {
  return Math.floor(d.getTime() / 1000) * 1000;
}

/** Deterministic per account + profile so demos and tests can hard-code keys. */
export function apiKeyFor(account: string, profile: string): string {
  return createHash('sha256').update(`${account}:${profile}`).digest('hex').slice(0, 20);
}

export function randomToken(): string {
  return randomBytes(12).toString('hex');
}

const looksLikeHtml = /<[a-z][\s\S]*>/i;

/** Plain text is stored wrapped in a div, as Freshservice's editor does; HTML is kept as sent. */
export function toHtml(text: string): string {
  if (looksLikeHtml.test(text)) return text;
  return `<div>${escapeHtml(text).replace(/\r?\n/g, '<br>')}</div>`;
}

export function htmlToText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<\/(div|p|li|h\d)>/gi, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Accepted date inputs per the docs: date, date-time with optional seconds and zone; no zone = UTC.
 * Fractional seconds are tolerated (not in the docs' list) because JS clients send toISOString().
 */
export function parseApiDate(input: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/.exec(input.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', zone = 'Z'] = m;
  let z = zone;
  if (z !== 'Z') {
    const sign = z[0];
    const digits = z.slice(1).replace(':', '');
    z = `${sign}${digits.slice(0, 2)}:${digits.slice(2, 4) || '00'}`;
  }
  const ms = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${z}`);
  return Number.isNaN(ms) ? null : ms;
}
