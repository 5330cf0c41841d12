import { useId, useRef, useState } from 'react';
import { api } from '../../api.ts';
import type { Connection, PlatformConfig, WebhookInfo } from '../../api.ts';
import { useResource } from '../../hooks/use-api.ts';
import { useApiMutation } from '../../hooks/use-api-mutation.ts';
import { ConfirmButton } from '../ConfirmButton.tsx';
import { Link } from '../Link.tsx';
import { LoadState } from '../LoadState.tsx';
import { guidePath } from '../../guide-path.ts';
import { platformName, usePlatform } from '../../platforms.ts';

/** "just now", "2 minutes ago", "3 hours ago", "4 days ago". */
export function timeAgo(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 45) return 'just now';
  const unit = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'} ago`;
  if (s < 3600) return unit(Math.max(1, Math.round(s / 60)), 'minute');
  if (s < 86_400) return unit(Math.round(s / 3600), 'hour');
  return unit(Math.round(s / 86_400), 'day');
}

/** Whether the platform's calls arrive: the card's answer to "did my set-up work?". */
function LastEvent({ event, platform }: { event: WebhookInfo['lastEvent']; platform: string }) {
  if (!event) {
    return (
      <p className="webhook__last muted" data-testid="webhook-last-event">
        Last event: No event yet. Finish the set-up in {platform} and change a ticket to see one here.
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
 * Near-real-time updates: the URL this organisation sets up on its platform (steps from the API), so a change
 * reaches the partner within seconds instead of at the next scheduled run. The URL holds a secret
 * token of this organisation; the partner has its own.
 */
export function WebhookCard({ connection }: { connection: Connection }) {
  const active = connection.status === 'active';
  const path = `/connections/${encodeURIComponent(connection.id)}/webhook`;
  const res = useResource<WebhookInfo>(active ? path : null);
  // Its agent is the one whose own changes must not call the webhook (the workflow's condition).
  const platform = useResource<PlatformConfig>(active ? '/platform' : null);
  const info = usePlatform(platform.data?.platform);
  const name = platformName(info, platform.data?.platform);
  const guide = guidePath(info?.setupGuide?.path, 'webhook');
  const lastTest = platform.data?.lastTest;
  const agent = lastTest && lastTest.ok ? lastTest.agent : null;
  const rotation = useApiMutation({
    mutationFn: () => api.post<WebhookInfo>(`${path}/rotate`),
    // The answer is the new URL (and secret): shown at once, without loading it again.
    onSuccess: (info) => res.setData(info),
  });
  const rotated = rotation.isSuccess;
  const rotateError = rotation.error?.message ?? null;
  const rotate = () =>
    rotation.mutateAsync().then(
      () => undefined,
      () => undefined,
    );

  const unreadable = res.error?.code === 'webhook_unreadable';
  return (
    <section className="card" aria-labelledby="webhook-title">
      <div className="card__header">
        <h2 id="webhook-title">Real-time updates (webhook)</h2>
        <p className="muted">
          Let {name} tell Support Fusion when a ticket changes: the change reaches {connection.partner?.name ?? 'your partner'} within seconds. Scheduled syncs
          keep running as a safety net.
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
          {res.data.signingSecret ? (
            <CopyField
              label="Signing secret"
              value={res.data.signingSecret}
              help="Enter it where the platform asks for the webhook's secret: calls it signs with another are refused."
            />
          ) : null}
          {res.data.unreachable ? (
            <p className="notice notice--error" role="alert" data-testid="webhook-unreachable">
              {res.data.unreachable}
            </p>
          ) : null}
          <LastEvent event={res.data.lastEvent ?? null} platform={name} />
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
              New URL created. Put it in place of the old one in {name}: the previous URL no longer works.
            </p>
          ) : null}
          {rotateError ? (
            <p className="notice notice--error" role="alert">
              The URL was not rotated: {rotateError}
            </p>
          ) : null}
          <div className="subsection">
            <h3>Set it up in {name}</h3>
            <WebhookSteps setup={res.data.setup ?? null} agent={agent} guide={guide} />
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

/** The platform's own steps (GET .../webhook `setup`), the body to type in, and the guide's section. */
function WebhookSteps({ setup, agent, guide }: { setup: WebhookInfo['setup'] | null; agent: { name: string; email: string } | null; guide: string | null }) {
  const more = guide ? (
    <p className="muted">
      More in the <Link href={guide}>setup guide</Link>.
    </p>
  ) : null;
  if (!setup?.steps.length) {
    return (
      <>
        <p>Have your platform send a POST to the URL above whenever a ticket changes.</p>
        {more}
      </>
    );
  }
  return (
    <>
      <ol className="steps">
        {setup.steps.map((step, i) => (
          <li key={i}>{step}</li>
        ))}
      </ol>
      {setup.body ? <CopyField label="Content" value={setup.body} help="The request body, exactly as here." /> : null}
      {agent ? (
        <p className="muted" data-testid="webhook-agent">
          Support Fusion writes as{' '}
          <strong>
            {agent.name} ({agent.email})
          </strong>
          : changes made by this account need not call the webhook.
        </p>
      ) : null}
      {more}
    </>
  );
}
