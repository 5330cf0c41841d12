import { useId, useRef, useState } from 'react';
import { api } from '../../api.ts';
import type { Connection, WebhookInfo } from '../../api.ts';
import { useApiCall, useResource } from '../../hooks/use-api.ts';
import { ConfirmButton } from '../ConfirmButton.tsx';
import { LoadState } from '../LoadState.tsx';

export const WEBHOOK_CONTENT = '{"ticket_id": {{ticket.id}}}';

async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false; // not a secure context, or permission refused: the text stays selectable
  }
}

/** A value to paste elsewhere: read-only, selected on focus, with a Copy button. */
export function CopyField({ label, value, help, mono = true }: { label: string; value: string; help?: string; mono?: boolean }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-field">
        <input id={id} ref={input} readOnly value={value} className={mono ? 'input--mono' : undefined} spellCheck={false}
          onFocus={(e) => e.currentTarget.select()} aria-describedby={help ? `${id}-help` : undefined} />
        <button type="button" className="btn" aria-label={`Copy ${label}`}
          onClick={async () => {
            const ok = await copyText(value);
            if (!ok) input.current?.select();
            setCopied(ok);
            if (ok) window.setTimeout(() => setCopied(null), 2500);
          }}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p role="status" className="copy-field__status">{copied === false ? 'Could not copy automatically: the text is selected, press Ctrl+C (⌘C on a Mac).' : null}</p>
      {help ? <p className="field__help" id={`${id}-help`}>{help}</p> : null}
    </div>
  );
}

/**
 * Near-real-time updates: the URL this organisation pastes into a Freshservice workflow, so a change
 * reaches the partner within seconds instead of at the next scheduled run. The URL holds a secret
 * token of this organisation; the partner has its own.
 */
export function WebhookCard({ connection }: { connection: Connection }) {
  const active = connection.status === 'active';
  const path = `/connections/${encodeURIComponent(connection.id)}/webhook`;
  const res = useResource<WebhookInfo>(active ? path : null);
  const call = useApiCall();
  const [rotated, setRotated] = useState(false);
  const [rotateError, setRotateError] = useState<string | null>(null);

  async function rotate() {
    setRotated(false);
    setRotateError(null);
    const r = await call(() => api.post<WebhookInfo>(`${path}/rotate`));
    if (r.ok) {
      res.setData(r.data);
      setRotated(true);
    } else if (r.error) setRotateError(r.error.message);
  }

  const unreadable = res.error?.code === 'webhook_unreadable';
  return (
    <section className="card" aria-labelledby="webhook-title">
      <div className="card__header">
        <h2 id="webhook-title">Real-time updates (webhook)</h2>
        <p className="muted">
          Let Freshservice tell Support Fusion when a ticket changes: the change reaches {connection.partner?.name ?? 'your partner'} within seconds.
          Scheduled syncs keep running as a safety net.
        </p>
      </div>
      {!active ? (
        <p className="notice notice--info">The webhook URL is available once your partner has accepted the connection.</p>
      ) : res.data ? (
        <>
          <CopyField label="Webhook URL" value={res.data.url}
            help="Only your organisation sees this URL; your partner sets up its own. Treat it like a password: anyone who has it can ask for syncs of your tickets." />
          <div className="actions">
            <ConfirmButton label="Rotate" question="Replace this URL? The current one stops working at once." confirmLabel="Rotate URL" busyLabel="Rotating…" onConfirm={rotate} />
            <span className="muted webhook__rotate-help">Rotate if the URL may have been seen by someone else.</span>
          </div>
          {rotated ? (
            <p className="notice notice--ok" role="status">
              New URL created. Paste it as the Callback URL in your Freshservice workflow: the previous URL no longer works.
            </p>
          ) : null}
          {rotateError ? <p className="notice notice--error" role="alert">The URL was not rotated: {rotateError}</p> : null}
          <div className="subsection">
            <h3>Set it up in Freshservice</h3>
            <ol className="steps">
              <li>In Freshservice, go to <strong>Admin → Workflow Automator</strong> and create a new <strong>Ticket</strong> workflow.</li>
              <li>Set its events to <strong>Ticket is raised</strong>, <strong>Ticket is updated</strong> and <strong>Note is added</strong> (if only one event can be chosen, make one workflow per event).</li>
              <li>Add a <strong>Trigger Webhook</strong> action: <strong>Request type</strong> POST, <strong>Callback URL</strong> the URL above, <strong>Encoding</strong> JSON.</li>
              <li>As <strong>Content</strong>, enter:
                <CopyField label="Content" value={WEBHOOK_CONTENT} />
              </li>
              <li>Save and activate the workflow. Test it by adding a note to a synced ticket: it appears on your partner’s side within seconds.</li>
            </ol>
          </div>
        </>
      ) : unreadable ? (
        <>
          <p className="notice notice--error" role="alert">{res.error!.message}</p>
          <div className="actions">
            <ConfirmButton label="Rotate" question="Create a new URL? The saved one cannot be shown again." confirmLabel="Rotate URL" busyLabel="Rotating…" onConfirm={rotate} />
          </div>
          {rotateError ? <p className="notice notice--error" role="alert">The URL was not rotated: {rotateError}</p> : null}
        </>
      ) : (
        <LoadState loading={res.loading} error={res.error} what="webhook URL" onRetry={() => void res.reload()} />
      )}
    </section>
  );
}
