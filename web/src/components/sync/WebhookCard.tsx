import { useId, useRef, useState } from 'react';
import { api } from '../../api.ts';
import type { Connection, PlatformConfig, WebhookInfo } from '../../api.ts';
import { useApiCall, useResource } from '../../hooks/use-api.ts';
import { ConfirmButton } from '../ConfirmButton.tsx';
import { Link } from '../Link.tsx';
import { LoadState } from '../LoadState.tsx';
import { guidePath } from '../../guide-path.ts';

/**
 * Advanced (JSON) content of the Trigger Webhook action. {{ticket.id}} renders as a label ("#INC-123"),
 * which is not a JSON number: Freshservice's call then fails with 400, visible only in its workflow log.
 */
export const WEBHOOK_CONTENT = '{"ticket_id": "{{ticket.id_numeric}}"}';

/** "just now", "2 minutes ago", "3 hours ago", "4 days ago". */
export function timeAgo(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 45) return 'just now';
  const unit = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'} ago`;
  if (s < 3600) return unit(Math.max(1, Math.round(s / 60)), 'minute');
  if (s < 86_400) return unit(Math.round(s / 3600), 'hour');
  return unit(Math.round(s / 86_400), 'day');
}

/** Whether Freshservice's calls arrive: the card's answer to "did my workflow work?". */
function LastEvent({ event }: { event: WebhookInfo['lastEvent'] }) {
  if (!event) {
    return (
      <p className="webhook__last muted" data-testid="webhook-last-event">
        Last event: No event yet. Save the workflow in Freshservice and change a ticket to see one here.
      </p>
    );
  }
  const when = (
    <time dateTime={event.receivedAt} title={new Date(event.receivedAt).toLocaleString()}>
      {timeAgo(event.receivedAt)}
    </time>
  );
  return event.accepted ? (
    <p className="webhook__last notice notice--ok" data-testid="webhook-last-event">
      Last event: {when}, accepted
    </p>
  ) : (
    <p className="webhook__last notice notice--error" data-testid="webhook-last-event">
      Last event: {when}, rejected: {event.reason ?? 'no reason recorded'}
    </p>
  );
}

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
        <input
          id={id}
          ref={input}
          readOnly
          value={value}
          className={mono ? 'input--mono' : undefined}
          spellCheck={false}
          onFocus={(e) => e.currentTarget.select()}
          aria-describedby={help ? `${id}-help` : undefined}
        />
        <button
          type="button"
          className="btn"
          aria-label={`Copy ${label}`}
          onClick={async () => {
            const ok = await copyText(value);
            if (!ok) input.current?.select();
            setCopied(ok);
            if (ok) window.setTimeout(() => setCopied(null), 2500);
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p role="status" className="copy-field__status">
        {copied === false ? 'Could not copy automatically: the text is selected, press Ctrl+C (⌘C on a Mac).' : null}
      </p>
      {help ? (
        <p className="field__help" id={`${id}-help`}>
          {help}
        </p>
      ) : null}
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
  // Its agent is the one whose own changes must not call the webhook (the workflow's condition).
  const platform = useResource<PlatformConfig>(active ? '/platform' : null);
  const lastTest = platform.data?.lastTest;
  const agent = lastTest && lastTest.ok ? lastTest.agent : null;
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
          Let Freshservice tell Support Fusion when a ticket changes: the change reaches {connection.partner?.name ?? 'your partner'} within seconds. Scheduled
          syncs keep running as a safety net.
        </p>
      </div>
      {!active ? (
        <p className="notice notice--info">The webhook URL is available once your partner has accepted the connection.</p>
      ) : res.data ? (
        <>
          <CopyField
            label="Webhook URL"
            value={res.data.url}
            help="Only your organisation sees this URL; your partner sets up its own. Treat it like a password: anyone who has it can ask for syncs of your tickets."
          />
          {res.data.unreachable ? (
            <p className="notice notice--error" role="alert" data-testid="webhook-unreachable">
              {res.data.unreachable}
            </p>
          ) : null}
          <LastEvent event={res.data.lastEvent ?? null} />
          <div className="actions">
            <button type="button" className="btn" onClick={() => void res.reload({ quiet: true })}>
              Check for events
            </button>
          </div>
          <div className="actions">
            <ConfirmButton
              label="Rotate"
              question="Replace this URL? The current one stops working at once."
              confirmLabel="Rotate URL"
              busyLabel="Rotating…"
              onConfirm={rotate}
            />
            <span className="muted webhook__rotate-help">Rotate if the URL may have been seen by someone else.</span>
          </div>
          {rotated ? (
            <p className="notice notice--ok" role="status">
              New URL created. Paste it as the Callback URL in your Freshservice workflow: the previous URL no longer works.
            </p>
          ) : null}
          {rotateError ? (
            <p className="notice notice--error" role="alert">
              The URL was not rotated: {rotateError}
            </p>
          ) : null}
          <div className="subsection">
            <h3>Set it up in Freshservice</h3>
            <ol className="steps">
              <li>
                In Freshservice, go to <strong>Admin → Workflow Automator</strong> and create a new <strong>Ticket</strong> workflow.
              </li>
              <li>
                Set its events to <strong>Ticket is raised</strong>, <strong>Ticket is updated</strong>, <strong>Reply is sent</strong> and{' '}
                <strong>Note is added</strong> (if only one event can be chosen, make one workflow per event).
              </li>
              <li>
                In the event, set <strong>Performed by</strong> to <strong>is not</strong>{' '}
                {agent ? (
                  <>
                    <strong>{agent.name}</strong> ({agent.email})
                  </>
                ) : (
                  <strong>your integration agent</strong>
                )}
                : Support Fusion’s own writes then do not call the webhook again.
              </li>
              <li>
                Add a <strong>Trigger Webhook</strong> action: <strong>Request type</strong> POST, <strong>Callback URL</strong> the URL above,{' '}
                <strong>Encoding</strong> JSON, <strong>Content</strong> Advanced (JSON).
              </li>
              <li>
                As the content, enter exactly (with the quotes: <code>{'{{ticket.id}}'}</code> renders as <code>#INC-123</code>, which is not valid JSON):
                <CopyField label="Content" value={WEBHOOK_CONTENT} />
              </li>
              <li>
                Save and activate the workflow. Test it by adding a note to a synced ticket: it appears on your partner’s side within seconds, and{' '}
                <strong>Last event</strong> above says accepted.
              </li>
            </ol>
            <p className="muted">
              More in the <Link href={guidePath('webhook')}>setup guide</Link>.
            </p>
          </div>
        </>
      ) : unreadable ? (
        <>
          <p className="notice notice--error" role="alert">
            {res.error!.message}
          </p>
          <div className="actions">
            <ConfirmButton
              label="Rotate"
              question="Create a new URL? The saved one cannot be shown again."
              confirmLabel="Rotate URL"
              busyLabel="Rotating…"
              onConfirm={rotate}
            />
          </div>
          {rotateError ? (
            <p className="notice notice--error" role="alert">
              The URL was not rotated: {rotateError}
            </p>
          ) : null}
        </>
      ) : (
        <LoadState loading={res.loading} error={res.error} what="webhook URL" onRetry={() => void res.reload()} />
      )}
    </section>
  );
}
