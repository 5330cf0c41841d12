import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import { createHttpClient, NetworkError, type HttpResponse } from '../connector-kit/http.ts';
import { BlockedDestinationError, checkDestination, type Resolver } from '../connector-kit/ssrf.ts';
import type { ChannelKind } from '../db/repositories/notifications.ts';
import type { ChannelSecrets, EmailSettings } from './channel-settings.ts';
import { emailContent, slackPayload, teamsPayload, webhookPayload, type Notification } from './message.ts';
import { SIGNATURE_HEADER, signatureHeader } from './signature.ts';

/**
 * Sends one notification through one channel. Every destination is an address an organisation typed in,
 * so it gets the same server-side request forgery guard as platform URLs (connector-kit/ssrf.ts): the
 * host is resolved and checked (no private, loopback, link-local or metadata addresses unless
 * SF_ALLOW_PRIVATE_PLATFORM_URLS=1, never this instance's own ports) and the connection goes to the
 * checked address only; HTTP redirects are not followed; time and answer size are bounded.
 */

export interface DeliveryPolicy {
  allowPrivate: boolean;
  timeoutMs: number;
  resolve?: Resolver | undefined;
}

export type DeliveryResult = { ok: true; detail: string } | { ok: false; error: string; retryable: boolean };

export interface OpenChannel {
  kind: ChannelKind;
  settings: Record<string, unknown>;
  secrets: ChannelSecrets;
}

/** The HTTP bound of a notification request: Slack, Teams and receivers answer in a few seconds or not at all. */
export const DELIVERY_TIMEOUT_MS = 15_000;

export async function deliver(channel: OpenChannel, n: Notification, policy: DeliveryPolicy): Promise<DeliveryResult> {
  if (channel.kind === 'email') return sendEmail(channel.settings as unknown as EmailSettings, channel.secrets, n, policy);
  const body = channel.kind === 'slack' ? slackPayload(n) : channel.kind === 'teams' ? teamsPayload(n) : webhookPayload(n);
  const headers: Record<string, string> = {};
  if (channel.kind === 'webhook') {
    // Signed over exactly the bytes sent: the client serialises `body` with the same JSON.stringify.
    headers[SIGNATURE_HEADER] = signatureHeader(channel.secrets.signingSecret!, JSON.stringify(body));
    headers['x-support-fusion-event'] = n.kind;
    headers['x-support-fusion-delivery'] = n.id;
  }
  return postJson(channel.kind, channel.secrets.url!, body, headers, policy);
}

const WHO: Record<Exclude<ChannelKind, 'email'>, string> = { slack: 'Slack', teams: 'Microsoft Teams', webhook: 'The webhook receiver' };

async function postJson(
  kind: Exclude<ChannelKind, 'email'>,
  url: string,
  body: unknown,
  headers: Record<string, string>,
  policy: DeliveryPolicy,
): Promise<DeliveryResult> {
  const client = createHttpClient({
    // The whole URL as the base: metrics label requests by their path below the base, and these paths and
    // queries hold the webhook's token (Slack, Teams workflow signatures), so they must count as "/".
    baseUrl: url,
    auth: { kind: 'none' },
    timeoutMs: Math.min(policy.timeoutMs, DELIVERY_TIMEOUT_MS),
    maxBodyBytes: 64 * 1024,
    addressPolicy: { allowPrivate: policy.allowPrivate, resolve: policy.resolve },
    platform: `notification-${kind}`,
    userAgent: 'SupportFusion-Notifications/0.3',
  });
  let res: HttpResponse;
  try {
    res = await client.request('POST', url, { body, headers });
  } catch (err) {
    return networkFailure(new URL(url).host, err);
  }
  return httpResult(WHO[kind], res);
}

/** An HTTP answer in words, and whether trying again later may help. */
export function httpResult(who: string, res: { status: number; text: string; headers: Headers }): DeliveryResult {
  const said = res.text.trim().replace(/\s+/g, ' ').slice(0, 200);
  const because = said ? `: “${said}”` : '';
  const s = res.status;
  if (s >= 200 && s < 300) return { ok: true, detail: `${who} accepted the message (${s})` };
  if (s >= 300 && s < 400) {
    return {
      ok: false,
      retryable: false,
      error: `${who} answered ${s}, a redirect to ${res.headers.get('location') ?? 'another address'}; redirects are not followed: save the final URL instead`,
    };
  }
  if (s === 404 || s === 410)
    return {
      ok: false,
      retryable: false,
      error: `${who} answered ${s} (not found)${because}: the URL is mistyped or the webhook was deleted; create a new one and save its URL here`,
    };
  if (s === 401 || s === 403)
    return {
      ok: false,
      retryable: false,
      error: `${who} refused the message (${s})${because}: the URL's token is wrong or was revoked, or posting to that channel is not allowed`,
    };
  if (s === 408 || s === 429 || s >= 500) return { ok: false, retryable: true, error: `${who} answered ${s}${because}; delivery is tried again later` };
  return { ok: false, retryable: false, error: `${who} refused the message (${s})${because}` };
}

function networkFailure(host: string, err: unknown): DeliveryResult {
  if (err instanceof NetworkError) {
    switch (err.kind) {
      case 'blocked':
        return { ok: false, retryable: false, error: err.message };
      case 'dns':
        return { ok: false, retryable: true, error: `Host ${host} not found (DNS): check the URL` };
      case 'refused':
        return { ok: false, retryable: true, error: `Host ${host} unreachable: connection refused` };
      case 'unreachable':
        return { ok: false, retryable: true, error: `Host ${host} unreachable: no route to it` };
      case 'timeout':
        return { ok: false, retryable: true, error: `Host ${host} did not answer in time (${err.message})` };
      case 'tls':
        return { ok: false, retryable: false, error: `TLS with ${host} failed (${err.message}): its certificate is not valid for that name or not trusted` };
      default:
        return { ok: false, retryable: true, error: `Sending to ${host} failed: ${err.message}` };
    }
  }
  return { ok: false, retryable: true, error: `Sending to ${host} failed: ${(err as Error).message}` };
}

async function sendEmail(s: EmailSettings, secrets: ChannelSecrets, n: Notification, policy: DeliveryPolicy): Promise<DeliveryResult> {
  const where = `${s.host}:${s.port}`;
  let address: string;
  try {
    const host = isIP(s.host) === 6 ? `[${s.host}]` : s.host;
    [address] = (await checkDestination(new URL(`smtp://${host}:${s.port}`), { allowPrivate: policy.allowPrivate, resolve: policy.resolve })) as [string];
  } catch (err) {
    if (err instanceof BlockedDestinationError) return { ok: false, retryable: false, error: `SMTP server ${err.message}` };
    return { ok: false, retryable: true, error: `SMTP server ${where} unreachable: its name was not found (DNS)` };
  }
  const timeout = Math.min(policy.timeoutMs * 2, 30_000);
  // The checked address is the one connected to (no second DNS answer); TLS still checks the name.
  const transport = nodemailer.createTransport({
    host: address,
    port: s.port,
    secure: s.security === 'tls',
    requireTLS: s.security === 'starttls',
    ignoreTLS: s.security === 'none',
    ...(isIP(s.host) ? {} : { servername: s.host }),
    ...(s.username ? { auth: { user: s.username, pass: secrets.password ?? '' } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const { subject, text } = emailContent(n);
  try {
    const info = await transport.sendMail({ from: s.from, to: s.to, subject, text });
    const refused = (info.rejected ?? []).length;
    if (refused > 0)
      return {
        ok: false,
        retryable: false,
        error: `The SMTP server refused ${refused} of the recipients (${(info.rejected as unknown[]).map(String).join(', ')})`,
      };
    return { ok: true, detail: `The SMTP server ${where} accepted the message for ${s.to.length} recipient${s.to.length === 1 ? '' : 's'}` };
  } catch (err) {
    return smtpFailure(where, err as Error & { code?: string; responseCode?: number; response?: string });
  } finally {
    transport.close();
  }
}

/** nodemailer's error codes in words (https://nodemailer.com/errors/). */
export function smtpFailure(
  where: string,
  err: { message: string; code?: string | undefined; responseCode?: number | undefined; response?: string | undefined },
): DeliveryResult {
  const reply = err.response ? ` (the server said: ${err.response.replace(/\s+/g, ' ').slice(0, 200)})` : '';
  const cause = `${err.message}`.toLowerCase();
  switch (err.code) {
    case 'EAUTH':
      return { ok: false, retryable: false, error: `SMTP authentication failed at ${where}: the server refused the user name or password${reply}` };
    case 'ENOAUTH':
      return { ok: false, retryable: false, error: `The SMTP server ${where} needs a log-in: enter the user name and password` };
    case 'ETLS':
      return {
        ok: false,
        retryable: false,
        error: `TLS with the SMTP server ${where} failed (${err.message}): check the security setting (TLS on port 465, STARTTLS on 587) and the server's certificate`,
      };
    case 'EENVELOPE':
      return { ok: false, retryable: false, error: `The SMTP server ${where} refused the sender or a recipient${reply}` };
    case 'ETIMEDOUT':
      return { ok: false, retryable: true, error: `SMTP server ${where} did not answer in time` };
    case 'EDNS':
      return { ok: false, retryable: true, error: `SMTP server ${where} unreachable: its name was not found (DNS)` };
    case 'ECONNECTION':
    case 'ESOCKET':
      if (/econnrefused/.test(cause)) return { ok: false, retryable: true, error: `SMTP server ${where} unreachable: connection refused` };
      if (/certificate|self.signed|ssl|tls|wrong version/.test(cause))
        return {
          ok: false,
          retryable: false,
          error: `TLS with the SMTP server ${where} failed (${err.message}): check the security setting and the server's certificate`,
        };
      return { ok: false, retryable: true, error: `SMTP server ${where} unreachable: ${err.message}` };
    default: {
      const code = err.responseCode;
      if (code && code >= 400 && code < 500)
        return { ok: false, retryable: true, error: `The SMTP server ${where} deferred the message (${code})${reply}; delivery is tried again later` };
      if (code && code >= 500) return { ok: false, retryable: false, error: `The SMTP server ${where} refused the message (${code})${reply}` };
      return { ok: false, retryable: true, error: `Sending through the SMTP server ${where} failed: ${err.message}` };
    }
  }
}
