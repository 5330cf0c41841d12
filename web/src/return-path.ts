/**
 * Where Log in returns to: the page that sent the visitor there, carried as /login?next=<path>.
 * Only a path of this app is followed — never another site (//evil.example, https://evil, /\evil) — and
 * never the auth pages themselves.
 */
const BASE = 'http://support-fusion.invalid';
const AUTH_PAGES = new Set(['/login', '/signup']);

export function safeReturnPath(next: string | null | undefined): string | null {
  if (!next || next.length > 2048) return null;
  // A single leading slash: "//host" and "/\host" are other sites to a browser.
  if (!next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return null;
  if (/[\u0000-\u001f\u007f]/.test(next)) return null;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  if (AUTH_PAGES.has(url.pathname) || url.pathname.startsWith('/invite/')) return null;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The Log in address for a visitor who was on `from` (home needs no return: log-in lands on the Dashboard). */
export function loginPathFrom(from: string): string {
  const safe = safeReturnPath(from);
  return safe && safe !== '/' ? `/login?next=${encodeURIComponent(safe)}` : '/login';
}

/** The page to return to after log-in, from the Log in page's query string; null: the Dashboard. */
export function returnPathOf(search: string): string | null {
  return safeReturnPath(new URLSearchParams(search).get('next'));
}

export const currentLocation = () => `${window.location.pathname}${window.location.search}${window.location.hash}`;
