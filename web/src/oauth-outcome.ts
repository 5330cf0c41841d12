/** The OAuth callback returns the browser to Settings with `?oauth=connected` or `?oauth=error&reason=...`. */
export type OauthOutcome = { ok: true } | { ok: false; reason: string | null };

export function oauthOutcomeOf(search: string): OauthOutcome | null {
  const q = new URLSearchParams(search);
  const v = q.get('oauth');
  if (v === 'connected') return { ok: true };
  if (v === 'error') return { ok: false, reason: q.get('reason')?.trim().slice(0, 300) || null };
  return null;
}

/** The address without the outcome, so a reload does not say it again. */
export function withoutOauthOutcome(href: string): string {
  const u = new URL(href);
  u.searchParams.delete('oauth');
  u.searchParams.delete('reason');
  return u.pathname + u.search + u.hash;
}
