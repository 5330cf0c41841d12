import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import { CopyField } from './sync/WebhookCard.tsx';

interface Props {
  title: ReactNode;
  /** The heading's id: it takes the focus when the panel appears. */
  titleId: string;
  /** The secret's field label, e.g. "API token". */
  label: string;
  value: string;
  /** What the reader must know: expiry, who may use it, that it is shown only now. */
  facts: ReactNode[];
  hideLabel: string;
  onDone: () => void;
}

/** A secret shown once (only its hash is kept), with a Copy button; it takes focus so it is not missed. */
export function ShownOncePanel({ title, titleId, label, value, facts, hideLabel, onDone }: Props) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <section className="card code-panel" aria-labelledby={titleId}>
      <h2 id={titleId} ref={heading} tabIndex={-1}>
        {title}
      </h2>
      <CopyField label={label} value={value} />
      <ul className="code-panel__facts">
        {facts.map((fact, i) => (
          <li key={i}>{fact}</li>
        ))}
      </ul>
      <div className="actions">
        <button type="button" className="btn btn--small btn--ghost" onClick={onDone}>
          {hideLabel}
        </button>
      </div>
    </section>
  );
}
