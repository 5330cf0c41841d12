import type { RunEndFacts } from '../db/repositories/notifications.ts';

/**
 * What a notification says, built once per recipient organisation when a connection's failure episode
 * starts or ends, and rendered per channel (e-mail, Slack, Teams, webhook JSON). Pure: tested beside.
 *
 * Everything in it is what the recipient's side may see anyway: the connection's name, the partner's
 * name, the run's error (the engine words run errors for both organisations: a platform message about a
 * ticket one side's filters keep back never reaches it) and the run's totals (which leave out rows kept
 * to one side). No ticket, comment or partner configuration is ever part of it.
 */

export type NotificationKind = 'connection.failing' | 'connection.recovered' | 'test';
export type Side = 'source' | 'target';

export interface Notification {
  /** Stable per event and recipient: a receiver that gets a retried delivery twice can tell. */
  id: string;
  kind: NotificationKind;
  occurredAt: string;
  organisation: { id: string; name: string };
  connection: { id: string; name: string; yourSide: Side; partner: string } | null;
  run: {
    id: string;
    status: string;
    trigger: string;
    error: string | null;
    finishedAt: string | null;
    counts: { created: number; updated: number; closed: number; failed: number };
    /** The run's page (SF_PUBLIC_URL + /sync/:id); null when the instance has no public URL configured. */
    url: string | null;
  } | null;
  /** Where the error lies, when the run's error names a side: the recipient's own platform or the partner's. */
  fault: 'your_side' | 'partner_side' | null;
  title: string;
  /** The message in words, one paragraph per line. */
  text: string;
}

/** Which side a run error names: the engine prefixes account-wide failures with "<organisation> (<side>)". */
export function faultSide(error: string | null, names: Record<Side, string>): Side | null {
  if (!error) return null;
  const named = (['source', 'target'] as const).filter((side) => error.includes(`${names[side]} (${side})`));
  return named.length === 1 ? named[0]! : null;
}

const STATUS_WORDS: Record<string, string> = {
  success: 'Success',
  no_tickets: 'No tickets (nothing to sync)',
  partial: 'Partial (some tickets failed and will be retried)',
  failed: 'Failed',
};

export function runStatusWords(status: string): string {
  return STATUS_WORDS[status] ?? status;
}

/**
 * The notification for the organisation on `recipient`'s side of the connection. `kind` is what the
 * claimed transition was: the connection went Failing (its last run failed) or recovered (a run
 * finished without failing after it was Failing).
 */
export function buildNotification(facts: RunEndFacts, kind: Exclude<NotificationKind, 'test'>, recipient: Side, publicUrl: string | undefined): Notification {
  const own = facts.sides[recipient];
  const partnerSide: Side = recipient === 'source' ? 'target' : 'source';
  const partner = facts.sides[partnerSide].organisationName;
  const names = { source: facts.sides.source.organisationName, target: facts.sides.target.organisationName };
  // The engine records the side at fault when it knows (older runs: read from the error's wording).
  const at = facts.run.failure?.side ?? faultSide(facts.run.error, names);
  const fault = kind === 'connection.failing' && at ? (at === recipient ? 'your_side' : 'partner_side') : null;
  const url = publicUrl ? `${publicUrl}/sync/${encodeURIComponent(facts.run.id)}` : null;
  const lines: string[] = [];
  let title: string;
  if (kind === 'connection.failing') {
    title = `Sync failing: ${facts.contractName}`;
    lines.push(
      `The last sync run of the connection “${facts.contractName}” with ${partner} failed, so the connection is now Failing. Tickets are not synced until a run succeeds again.`,
    );
    if (fault === 'your_side')
      lines.push(`Where: on your side — ${own.organisationName}'s platform (your platform settings or this connection's API override).`);
    else if (fault === 'partner_side')
      lines.push(`Where: on your partner's side — ${partner}'s platform. They need to fix it; Support Fusion retries on the next scheduled run.`);
    else lines.push('Where: not known from the error.');
    lines.push(`Error: ${facts.run.error ?? 'no reason was recorded'}`);
    if (fault) lines.push(`What to do: ${whatToDo(fault === 'your_side', facts.run.failure?.kind ?? null)}`);
    lines.push('You will not be told again while the connection keeps failing; you will be told once when it recovers.');
  } else {
    title = `Sync recovered: ${facts.contractName}`;
    lines.push(`The connection “${facts.contractName}” with ${partner} is no longer Failing: its last run finished with ${runStatusWords(facts.run.status)}.`);
    const c = facts.run.counts;
    lines.push(`That run: ${c.created} created, ${c.updated} updated, ${c.closed} closed, ${c.failed} failed.`);
  }
  lines.push(url ? `Run details: ${url}` : `Run details: open Sync in Support Fusion (run ${facts.run.id}).`);
  return {
    id: `${kind}:${facts.run.id}:${own.organisationId}`,
    kind,
    occurredAt: (facts.run.finishedAt ?? new Date()).toISOString(),
    organisation: { id: own.organisationId, name: own.organisationName },
    connection: { id: facts.connectionId, name: facts.contractName, yourSide: recipient, partner },
    run: {
      id: facts.run.id,
      status: facts.run.status,
      trigger: facts.run.trigger,
      error: facts.run.error,
      finishedAt: facts.run.finishedAt ? facts.run.finishedAt.toISOString() : null,
      counts: facts.run.counts,
      url,
    },
    fault,
    title,
    text: lines.join('\n'),
  };
}

/** One line of advice by whose side failed and how (the run's `failure.kind`: a PlatformError kind or not_configured). */
export function whatToDo(yours: boolean, kind: string | null): string {
  if (!yours) return 'nothing on your side; your partner has to fix their platform connection. Syncing resumes by itself once they have.';
  switch (kind) {
    case 'authentication':
      return "the API key was rejected: Test Connection in Settings and save a new API key if it fails (or the key of this connection's API override, if it has one).";
    case 'permission':
      return 'the integration agent was refused access: check its roles and group access, then Test Connection in Settings.';
    case 'not_configured':
      return 'save the API URL and API Key in Settings, then Test Connection.';
    case 'network':
    case 'timeout':
      return 'your platform did not answer: check that it is reachable and your subscription active, then Test Connection in Settings.';
    default:
      return "Test Connection in Settings; the error above has the platform's message.";
  }
}

/** What the Test button sends: says plainly that nothing is wrong. */
export function testNotification(organisation: { id: string; name: string }, channelName: string, now = new Date()): Notification {
  return {
    id: `test:${now.getTime()}:${organisation.id}`,
    kind: 'test',
    occurredAt: now.toISOString(),
    organisation,
    connection: null,
    run: null,
    fault: null,
    title: 'Support Fusion test notification',
    text: `This is a test of the notification channel “${channelName}” of ${organisation.name}. Nothing is wrong: when a connection starts failing or recovers, its message arrives here.`,
  };
}

/** Slack mrkdwn: &, < and > are escaped, so text from a platform cannot make a link or an @channel mention. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A Slack incoming-webhook message: `text` for notifications and clients without blocks, the same in a section. */
export function slackPayload(n: Notification): Record<string, unknown> {
  const body = `*${slackEscape(n.title)}*\n${slackEscape(n.text)}`;
  return { text: body, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: body } }] };
}

/**
 * A Microsoft Teams message with an Adaptive Card, the format both Teams workflow webhooks ("Post to a
 * channel when a webhook request is received") and the older incoming-webhook connectors accept.
 */
export function teamsPayload(n: Notification): Record<string, unknown> {
  const body: unknown[] = [{ type: 'TextBlock', text: n.title, weight: 'Bolder', size: 'Medium', wrap: true }];
  for (const line of n.text.split('\n')) body.push({ type: 'TextBlock', text: line, wrap: true });
  const card: Record<string, unknown> = { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', body };
  if (n.run?.url) card.actions = [{ type: 'Action.OpenUrl', title: 'Open the run', url: n.run.url }];
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}

/** The generic webhook's JSON body (docs/operations.md "Failure notifications" documents it). */
export function webhookPayload(n: Notification): Record<string, unknown> {
  return { ...n };
}

/** E-mail subject and plain-text body; the subject is one line whatever the names contain. */
export function emailContent(n: Notification): { subject: string; text: string } {
  return { subject: n.title.replace(/[\r\n]+/g, ' ').slice(0, 200), text: `${n.text}\n\n— Support Fusion (notification settings: Settings → Notifications)\n` };
}
