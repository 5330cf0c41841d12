import { createHmac, timingSafeEqual } from 'node:crypto';
import type { HookReading, InboundHook, WebhookReceiver } from '../platform-definition.ts';

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/**
 * Jira admin webhooks [§13]: with a secret, Jira signs the raw body with HMAC-SHA256 and sends
 * `X-Hub-Signature: sha256=<hex>`. Without a secret configured on our side nothing is accepted: an
 * unsigned call could come from anyone who learned the URL.
 */
export function verifyJiraSignature(hook: InboundHook, secret: string | null): boolean {
  if (!secret) return false;
  const header = hook.headers['x-hub-signature']?.trim() ?? '';
  const m = SIGNATURE.exec(header);
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(hook.rawBody).digest();
  const given = Buffer.from(m[1]!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The one event that says an issue is gone [§13]: JQL cannot see deleted issues, so this is the only report of one. */
const ISSUE_DELETED = 'jira:issue_deleted';

/**
 * Issue and comment events carry `issue: {id, key, ...}`; a webhook is only a hint, the issue is read again.
 * `jira:issue_deleted` also reports the issue deleted (a comment_deleted that follows it is about a comment only).
 */
export function readJiraHook(hook: InboundHook): HookReading {
  const body = hook.json;
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return { ok: false, message: 'The call carried no JSON body: in Jira\'s webhook settings, untick "Exclude body".' };
  const b = body as Record<string, unknown>;
  const issue = b.issue as Record<string, unknown> | undefined;
  const id = issue?.id;
  const idString = typeof id === 'string' || typeof id === 'number' ? String(id) : null;
  if (idString && /^\d{1,18}$/.test(idString))
    return b.webhookEvent === ISSUE_DELETED ? { ok: true, ticketIds: [idString], deleted: [idString] } : { ok: true, ticketIds: [idString] };
  const event = typeof b.webhookEvent === 'string' ? b.webhookEvent.slice(0, 60) : 'unknown';
  return {
    ok: false,
    message: `The Jira event "${event}" names no issue: the webhook should send only issue and comment events (Issue created/updated/deleted, Comment created/updated/deleted).`,
  };
}

export const jiraWebhook: WebhookReceiver = { verify: verifyJiraSignature, read: readJiraHook };
