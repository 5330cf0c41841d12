import { useState } from 'react';

interface Props {
  label: string;
  /** The question shown in place of the button, e.g. "Revoke Acme support?". */
  question: string;
  confirmLabel: string;
  onConfirm: () => Promise<void> | void;
  busyLabel?: string;
}

/** A destructive action that asks first, inline (no browser dialog). */
export function ConfirmButton({ label, question, confirmLabel, onConfirm, busyLabel }: Props) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking)
    return (
      <button type="button" className="btn btn--small btn--danger-ghost" onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span className="confirm__question">{question}</span>
      <button
        type="button"
        className="btn btn--small btn--danger"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          try {
            await onConfirm();
          } finally {
            setBusy(false);
            setAsking(false);
          }
        }}
      >
        {busy ? (busyLabel ?? 'Working…') : confirmLabel}
      </button>
      <button type="button" className="btn btn--small" disabled={busy} onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
