import type { KeyboardEvent } from 'react';

/** Ticket types as tabs (arrow keys move between them). */
export function TypeTabs({ types, selected, onSelect }: { types: string[]; selected: string; onSelect: (t: string) => void }) {
  function onKey(e: KeyboardEvent<HTMLButtonElement>, i: number) {
    const by = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!by) return;
    e.preventDefault();
    const next = types[(i + by + types.length) % types.length]!;
    onSelect(next);
    (e.currentTarget.parentElement?.querySelectorAll('button')[types.indexOf(next)] as HTMLButtonElement | undefined)?.focus();
  }
  return (
    <div role="tablist" aria-label="Ticket type" className="segmented">
      {types.map((t, i) => (
        <button
          key={t}
          type="button"
          role="tab"
          aria-selected={t === selected}
          tabIndex={t === selected ? 0 : -1}
          className="segmented__item"
          onClick={() => onSelect(t)}
          onKeyDown={(e) => onKey(e, i)}
        >
          {t}
        </button>
      ))}
    </div>
  );
}
