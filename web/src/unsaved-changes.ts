import { useEffect } from 'react';

/**
 * Forms with edits not yet saved, so leaving never loses them silently: in-app navigation asks first
 * (use-route.ts calls confirmLeave), and closing or reloading the tab gets the browser's own prompt.
 */
const unsaved = new Map<symbol, string>();

/** What is unsaved, e.g. ["the configuration"]; empty when nothing is. */
export function unsavedWork(): string[] {
  return [...new Set(unsaved.values())];
}

/** True when the visitor may leave: nothing is unsaved, or they said to leave without saving. */
export function confirmLeave(): boolean {
  const what = unsavedWork();
  if (what.length === 0) return true;
  const ok = window.confirm(`You have unsaved changes to ${what.join(' and ')}. Leave this page without saving them?`);
  if (ok) unsaved.clear();
  return ok;
}

function onBeforeUnload(e: BeforeUnloadEvent) {
  if (unsaved.size === 0) return;
  e.preventDefault();
  // Older browsers show the prompt only when returnValue is set.
  e.returnValue = '';
}

/** Marks `what` (e.g. "the field mappings") unsaved while `dirty` is true and the form is shown. */
export function useUnsavedChanges(dirty: boolean, what: string): void {
  useEffect(() => {
    if (!dirty) return;
    const key = Symbol(what);
    unsaved.set(key, what);
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      unsaved.delete(key);
      if (unsaved.size === 0) window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [dirty, what]);
}

/** Same value, whatever the order of object keys (drafts are rebuilt by spreading; the server may order keys differently). */
export function sameValue(a: unknown, b: unknown): boolean {
  return stable(a) === stable(b);
}

function stable(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0)))
      : x,
  );
}
