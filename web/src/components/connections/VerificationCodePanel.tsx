import { useEffect, useRef, useState } from 'react';
import type { CreatedConnection } from '../../api.ts';
import { formatDateTime } from '../../format.ts';
import { ROLE_LABEL } from '../../labels.ts';

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false; // not a secure context, or permission refused: the code stays selectable
  }
}

/** The code to hand to the partner, shown once, big and easy to copy. */
export function VerificationCodePanel({ created, onDone }: { created: CreatedConnection; onDone: () => void }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // The panel appears below the forms: bring it into view and move focus to it (screen readers too).
  useEffect(() => {
    heading.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <section className="card code-panel" aria-labelledby="code-title">
      <h2 id="code-title" ref={heading} tabIndex={-1}>
        Verification code for “{created.contractName}”
      </h2>
      <div className="code-panel__row">
        <output className="code-panel__code" aria-label="Your verification code" data-testid="verification-code">
          {created.verificationCode}
        </output>
        <button type="button" className="btn" onClick={async () => setCopied(await copyText(created.verificationCode))}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p role="status" className="code-panel__status">
        {copied === false ? 'Could not copy automatically: select the code and copy it.' : null}
      </p>
      <ul className="code-panel__facts">
        <li>
          Expires on <strong>{formatDateTime(created.expiresAt)}</strong>.
        </li>
        <li>
          Hand it to your partner: they enter it under <strong>Accept a connection</strong> in their Support Fusion.
        </li>
        <li>
          It works once. Your organisation is the <strong>{ROLE_LABEL[created.role]}</strong> of this connection.
        </li>
      </ul>
      <div className="actions">
        <button type="button" className="btn btn--small btn--ghost" onClick={onDone}>
          Hide code
        </button>
      </div>
    </section>
  );
}
