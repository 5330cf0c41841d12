import type { Check } from '../api.ts';

const ICON: Record<Check['status'], { glyph: string; label: string }> = {
  passed: { glyph: '✓', label: 'Passed' },
  failed: { glyph: '✗', label: 'Failed' },
  skipped: { glyph: '–', label: 'Skipped' },
};

export function Checklist({ checks }: { checks: Check[] }) {
  if (!checks.length) return null;
  return (
    <div className="result__section">
      <h4>Checks</h4>
      <ul className="checklist">
        {checks.map((c) => {
          const icon = ICON[c.status] ?? ICON.skipped;
          return (
            <li key={c.id} className={`check check--${c.status}`}>
              <span className="check__icon" aria-hidden="true">
                {icon.glyph}
              </span>
              <span className="check__body">
                <span className="check__label">
                  {c.label}
                  <span className="visually-hidden"> — {icon.label}</span>
                </span>
                {c.detail ? <span className="check__detail">{c.detail}</span> : null}
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
