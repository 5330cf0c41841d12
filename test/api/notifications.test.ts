import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/notifications/signature.ts';
import { processRegistry } from '../../src/observability/metrics.ts';
import { inviteMember, type InvitedMember } from '../helpers/members.ts';
import { startHttpReceiver, startSmtpReceiver } from '../helpers/notification-receivers.ts';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

/**
 * The notification channels API: admins add, change, test and remove channels; everyone else only sees
 * which exist. Secrets (SMTP password, Slack/Teams URLs, the webhook's URL and signing secret) go in and
 * never come out. The Test button really sends: to a local SMTP server and a local HTTP server (private
 * addresses are allowed in this stack, as SF_ALLOW_PRIVATE_PLATFORM_URLS=1 does), and is refused where
 * they are not.
 */

let stack: TestStack;
let admin: Awaited<ReturnType<typeof signUpAndLogIn>>;
let member: InvitedMember;
let viewer: InvitedMember;
let http: Awaited<ReturnType<typeof startHttpReceiver>>;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;

const SMTP_PASSWORD = 'smtp-password-1';
const SLACK_TOKEN = 'slackTOKENxyz123';

beforeAll(async () => {
  [stack, http, smtp] = await Promise.all([startStack({ listen: false }), startHttpReceiver(), startSmtpReceiver('bot', SMTP_PASSWORD)]);
  admin = await signUpAndLogIn(stack.app, 'notify');
  member = await inviteMember(stack.app, admin.auth, 'member', 'notify-m');
  viewer = await inviteMember(stack.app, admin.auth, 'viewer', 'notify-v');
}, 60_000);
afterAll(async () => {
  await Promise.all([stack?.close(), http?.close(), smtp?.close()]);
});

const req = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, who: { auth: Record<string, string> }, payload?: object) =>
  stack.app.inject({ method, url: `/api/v1/notifications/channels${url}`, headers: who.auth, ...(payload ? { payload } : {}) });

const emailSettings = (over: Record<string, unknown> = {}) => ({
  host: '127.0.0.1',
  port: smtp.port,
  security: 'none',
  username: 'bot',
  password: SMTP_PASSWORD,
  from: 'sf@example.com',
  to: ['ops@example.com', 'lead@example.com'],
  ...over,
});

describe('notification channels', () => {
  let emailId: string;
  let slackId: string;

  it('an admin adds an e-mail channel; the password never comes back, to anyone', async () => {
    const r = await req('POST', '', admin, { kind: 'email', name: 'Support team', settings: emailSettings() });
    expect(r.statusCode).toBe(201);
    const c = r.json();
    emailId = c.id;
    expect(c).toMatchObject({ kind: 'email', name: 'Support team', enabled: true, secretHint: 'password set', lastDelivery: null });
    expect(c.settings).toEqual({
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      username: 'bot',
      from: 'sf@example.com',
      to: ['ops@example.com', 'lead@example.com'],
    });
    expect(r.body).not.toContain(SMTP_PASSWORD);
    for (const who of [admin, member, viewer]) {
      const list = await req('GET', '', who);
      expect(list.statusCode).toBe(200);
      expect(list.json().channels.map((x: { id: string }) => x.id)).toContain(emailId);
      expect(list.body).not.toContain(SMTP_PASSWORD);
    }
    const row = await stack.database.db.selectFrom('notification_channels').selectAll().where('id', '=', emailId).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(SMTP_PASSWORD);
  });

  it('members and viewers may not add, change, test or remove channels', async () => {
    for (const who of [member, viewer]) {
      const attempts = [
        await req('POST', '', who, { kind: 'slack', name: 'x', settings: { url: `${http.url}/slack` } }),
        await req('PUT', `/${emailId}`, who, { name: 'changed', settings: emailSettings() }),
        await req('POST', `/${emailId}/test`, who),
        await req('DELETE', `/${emailId}`, who),
      ];
      expect(attempts.map((a) => a.statusCode)).toEqual([403, 403, 403, 403]);
      expect(attempts[0]!.json().error.message).toMatch(/administrator/);
    }
    expect(smtp.received).toHaveLength(0);
  });

  it('Test sends a real e-mail and says so; the result is kept on the channel', async () => {
    const r = await req('POST', `/${emailId}/test`, admin);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ ok: true });
    expect(r.json().message).toMatch(/accepted the message for 2 recipients/);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail).toMatchObject({ from: 'sf@example.com', to: ['ops@example.com', 'lead@example.com'], user: 'bot' });
    expect(mail.data).toMatch(/Subject: Support Fusion test notification/);
    expect(mail.data).toMatch(/Nothing is wrong/);
    const list = (await req('GET', '', viewer)).json();
    expect(list.channels.find((c: { id: string }) => c.id === emailId).lastDelivery).toMatchObject({ ok: true, error: null });
  });

  it('a wrong SMTP password and a closed port are reported in words', async () => {
    const wrong = await req('PUT', `/${emailId}`, admin, { name: 'Support team', settings: emailSettings({ password: 'not the password' }) });
    expect(wrong.statusCode).toBe(200);
    const auth = (await req('POST', `/${emailId}/test`, admin)).json();
    expect(auth).toMatchObject({ ok: false });
    expect(auth.error).toMatch(/SMTP authentication failed at 127.0.0.1:\d+: the server refused the user name or password/);
    // The password left out of an update is kept (the wrong one, here).
    const { password: _omit, ...noPassword } = emailSettings({ port: 1 });
    await req('PUT', `/${emailId}`, admin, { name: 'Support team', settings: noPassword });
    const closed = (await req('POST', `/${emailId}/test`, admin)).json();
    expect(closed.ok).toBe(false);
    expect(closed.error).toMatch(/SMTP server 127.0.0.1:1 unreachable: connection refused/);
    const list = (await req('GET', '', admin)).json();
    expect(list.channels.find((c: { id: string }) => c.id === emailId).lastDelivery).toMatchObject({ ok: false, error: closed.error });
  });

  it('Slack and Teams get their own message shapes; a deleted Slack webhook (404) is said plainly', async () => {
    const created = await req('POST', '', admin, { kind: 'slack', name: 'Ops channel', settings: { url: `${http.url}/slack/${SLACK_TOKEN}` } });
    expect(created.statusCode).toBe(201);
    slackId = created.json().id;
    expect(created.json().secretHint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/…z123$/);
    expect(created.body).not.toContain(SLACK_TOKEN);
    expect((await req('GET', '', viewer)).body).not.toContain(SLACK_TOKEN);

    const before = http.received.length;
    expect((await req('POST', `/${slackId}/test`, admin)).json()).toMatchObject({ ok: true });
    const slack = http.received[before]!;
    expect(slack.path).toBe(`/slack/${SLACK_TOKEN}`);
    expect(slack.headers['content-type']).toBe('application/json');
    const body = JSON.parse(slack.body);
    expect(body.text).toMatch(/^\*Support Fusion test notification\*/);
    expect(body.blocks[0]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });

    const teams = await req('POST', '', admin, { kind: 'teams', name: 'Teams', settings: { url: `${http.url}/teams` } });
    expect((await req('POST', `/${teams.json().id}/test`, admin)).json()).toMatchObject({ ok: true });
    const card = JSON.parse(http.received.at(-1)!.body);
    expect(card.type).toBe('message');
    expect(card.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.attachments[0].content.body[0].text).toBe('Support Fusion test notification');

    await req('PUT', `/${slackId}`, admin, { name: 'Ops channel', settings: { url: `${http.url}/status/404/gone` } });
    const gone = (await req('POST', `/${slackId}/test`, admin)).json();
    expect(gone.ok).toBe(false);
    expect(gone.error).toMatch(/Slack answered 404 \(not found\): “no_team”: the URL is mistyped or the webhook was deleted/);
    // Requests are counted in /metrics without their path: a webhook URL's path is its secret.
    const metrics = await processRegistry.metrics();
    expect(metrics).toMatch(/sf_platform_api_calls_total\{platform="notification-slack",endpoint="\/",method="POST",status="200"\}/);
    expect(metrics).not.toContain(SLACK_TOKEN);
  });

  it('a webhook channel gets a signing secret once; its messages are signed with it', async () => {
    const created = await req('POST', '', admin, { kind: 'webhook', name: 'Our monitoring', settings: { url: `${http.url}/hook` } });
    expect(created.statusCode).toBe(201);
    const { id, signingSecret } = created.json();
    expect(signingSecret).toMatch(/^whsec_/);
    expect((await req('GET', '', admin)).body).not.toContain(signingSecret);

    const before = http.received.length;
    expect((await req('POST', `/${id}/test`, admin)).json()).toMatchObject({ ok: true });
    const got = http.received[before]!;
    expect(got.headers['x-support-fusion-event']).toBe('test');
    expect(verifySignature(signingSecret, got.headers['x-support-fusion-signature'] as string, got.body)).toEqual({ ok: true });
    expect(JSON.parse(got.body)).toMatchObject({ kind: 'test', organisation: { id: admin.organisation.id }, connection: null, run: null });

    // A new secret replaces the old one: what was signed with the old one no longer verifies.
    const rotated = await req('POST', `/${id}/signing-secret`, admin);
    expect(rotated.statusCode).toBe(200);
    const fresh = rotated.json().signingSecret;
    expect(fresh).not.toBe(signingSecret);
    await req('POST', `/${id}/test`, admin);
    const again = http.received.at(-1)!;
    expect(verifySignature(fresh, again.headers['x-support-fusion-signature'] as string, again.body).ok).toBe(true);
    expect(verifySignature(signingSecret, again.headers['x-support-fusion-signature'] as string, again.body).ok).toBe(false);
    expect((await req('POST', `/${emailId}/signing-secret`, admin)).statusCode).toBe(400);
  });

  it('bad input gets a clear error naming the field', async () => {
    const cases: Array<[object, string, RegExp]> = [
      [{ kind: 'slack', name: 'x', settings: {} }, 'settings.url', /Enter the Slack webhook URL/],
      [{ kind: 'email', name: 'x', settings: emailSettings({ to: [] }) }, 'settings.to', /at least one recipient/],
      [{ kind: 'webhook', name: '  ', settings: { url: `${http.url}/x` } }, 'name', /Give the channel a name/],
    ];
    for (const [payload, field, message] of cases) {
      const r = await req('POST', '', admin, payload);
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().error).toMatchObject({ code: 'invalid_channel', field });
      expect(r.json().error.message).toMatch(message);
    }
  });

  it('removing a channel is audited without secrets; afterwards it is not found', async () => {
    expect((await req('DELETE', `/${slackId}`, admin)).json()).toEqual({ id: slackId, removed: true });
    expect((await req('DELETE', `/${slackId}`, admin)).statusCode).toBe(404);
    expect((await req('POST', `/${slackId}/test`, admin)).statusCode).toBe(404);
    const log = await stack.app.inject({ url: '/api/v1/audit-log?limit=200', headers: admin.auth });
    const actions = log.json().events.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['notification_channel.created', 'notification_channel.updated', 'notification_channel.removed']));
    expect(log.body).not.toContain(SMTP_PASSWORD);
    expect(log.body).not.toContain(SLACK_TOKEN);
    expect(log.body).not.toContain('whsec_');
  });
});

describe('without SF_ALLOW_PRIVATE_PLATFORM_URLS', () => {
  let strict: TestStack;
  let owner: Awaited<ReturnType<typeof signUpAndLogIn>>;
  beforeAll(async () => {
    strict = await startStack({ listen: false, env: { SF_ALLOW_PRIVATE_PLATFORM_URLS: '0' } });
    owner = await signUpAndLogIn(strict.app, 'strict');
  }, 60_000);
  afterAll(async () => strict?.close());

  const create = (payload: object) => strict.app.inject({ method: 'POST', url: '/api/v1/notifications/channels', headers: owner.auth, payload });

  it('plain http is refused when saving, and a private address when sending: nothing reaches it', async () => {
    const plain = await create({ kind: 'webhook', name: 'plain', settings: { url: `${http.url}/hook` } });
    expect(plain.statusCode).toBe(400);
    expect(plain.json().error.message).toMatch(/must start with https:\/\//);

    const before = http.received.length;
    const loopback = await create({ kind: 'webhook', name: 'loopback', settings: { url: http.url.replace('http:', 'https:') + '/hook' } });
    expect(loopback.statusCode).toBe(201);
    const hook = (await strict.app.inject({ method: 'POST', url: `/api/v1/notifications/channels/${loopback.json().id}/test`, headers: owner.auth })).json();
    expect(hook.ok).toBe(false);
    expect(hook.error).toMatch(/127\.0\.0\.1 is a private or loopback address; the request was not sent/);

    // Without that setting a password goes only over TLS; the address is refused before any connection anyway.
    const cleartext = await create({ kind: 'email', name: 'internal relay', settings: emailSettings() });
    expect(cleartext.statusCode).toBe(400);
    expect(cleartext.json().error).toMatchObject({ code: 'invalid_channel', field: 'settings.security' });
    const mail = await create({ kind: 'email', name: 'internal relay', settings: emailSettings({ security: 'starttls' }) });
    const sent = (await strict.app.inject({ method: 'POST', url: `/api/v1/notifications/channels/${mail.json().id}/test`, headers: owner.auth })).json();
    expect(sent.ok).toBe(false);
    expect(sent.error).toMatch(/SMTP server 127\.0\.0\.1 is a private or loopback address/);
    expect(http.received.length).toBe(before);
  });
});
