import { useSyncExternalStore } from 'react';
import { confirmLeave } from './unsaved-changes.ts';

const listeners = new Set<() => void>();

const here = () => window.location.pathname + window.location.search;
/** The location the app shows: browser back/forward to elsewhere is taken back when unsaved edits stay. */
let shown = typeof window === 'undefined' ? '' : here();

function notify(): void {
  for (const l of listeners) l();
}

function onPopState(): void {
  const next = here();
  if (next !== shown && !confirmLeave()) {
    // The browser has already moved: put the page's address back (the form is still shown).
    window.history.pushState(null, '', shown);
    return;
  }
  shown = next;
  notify();
}

function subscribe(listener: () => void): () => void {
  if (listeners.size === 0) window.addEventListener('popstate', onPopState);
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.removeEventListener('popstate', onPopState);
  };
}

function getPath(): string {
  // Other code may replace the query (filters): what is rendered is what back/forward returns to.
  if (listeners.size > 0 && window.location.pathname === shown.split('?')[0]) shown = here();
  return window.location.pathname;
}

/**
 * Client-side navigation. A move the visitor asked for first asks to leave unsaved edits (see
 * unsaved-changes.ts); `replace` is for redirects (log-in, home), which never ask.
 */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === here()) return;
  if (!opts.replace && !confirmLeave()) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  shown = here();
  notify();
}

/** Current pathname, re-rendering on pushState (through navigate) and browser back/forward. */
export function useRoute(): string {
  return useSyncExternalStore(subscribe, getPath, getPath);
}
