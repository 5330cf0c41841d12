// Jira simulator behaviour per jira-api.md: attachments, JSM attachments, control routes, rate limits, faults, webhooks.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startJiraSimulator, type JiraSimulator, type JiraSimulatorOptions } from '../../src/simulator/jira/index.ts';
import { jira, manualClock } from './jira-helpers.ts';

let sim: JiraSimulator | null = null;
const servers: Server[] = [];
afterEach(async () => {
  await sim?.close();
  sim = null;
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});
const start = async (opts: JiraSimulatorOptions = {}) => (sim = await startJiraSimulator({ rateLimit: false, ...opts }));

async function createIssue(s: JiraSimulator, summary: string, extra: Record<string, unknown> = {}) {
  const r = await jira(s, 'POST', '/rest/api/3/issue', { body: { fields: { project: { key: 'SUP' }, issuetype: { id: '10100' }, summary, ...extra } } });
  expect(r.status, r.text).toBe(201);
  return r.json as { id: string; key: string };
}

describe('Jira simulator: attachments [spec 10]', () => {
  it('needs X-Atlassian-Token and multipart, answers an array, and downloads through a 303 on the same host', async () => {
    const s = await start();
    const { key } = await createIssue(s, 'files');
    const form = () => {
      const f = new FormData();
      f.append('file', new Blob([Buffer.from('hello file')], { type: 'text/plain' }), 'hello.txt');
      return f;
    };
    const blocked = await jira(s, 'POST', `/rest/api/3/issue/${key}/attachments`, { form: form() });
    expect(blocked.status).toBe(403);
    expect(blocked.text).toBe('XSRF check failed');
    const json = await jira(s, 'POST', `/rest/api/3/issue/${key}/attachments`, { body: { file: 'x' }, headers: { 'x-atlassian-token': 'no-check' } });
    expect(json.status).toBe(415);
    const up = await jira(s, 'POST', `/rest/api/3/issue/${key}/attachments`, { form: form(), headers: { 'x-atlassian-token': 'no-check' } });
    expect(up.status).toBe(200);
    expect(up.json).toEqual([expect.objectContaining({ filename: 'hello.txt', size: 10, mimeType: 'text/plain', id: expect.any(String) })]);
    const redirect = await jira(s, 'GET', `/rest/api/3/attachment/content/${up.json[0].id}`, { redirect: 'manual' });
    expect(redirect.status).toBe(303);
    const location = redirect.headers.get('location')!;
    expect(new URL(location).origin).toBe(s.url);
    expect(await (await fetch(location)).text()).toBe('hello file');
    const direct = await jira(s, 'GET', `/rest/api/3/attachment/content/${up.json[0].id}?redirect=false`);
    expect(direct.text).toBe('hello file');
  });
});

describe('Jira simulator: JSM attachments with an internal comment [spec 10]', () => {
  it('uploads a temporary file (XSRF + experimental headers) and attaches it to a request with an internal comment', async () => {
    const s = await start();
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('secret log')], { type: 'text/plain' }), 'log.txt');
    const noOptIn = await jira(s, 'POST', '/rest/servicedeskapi/servicedesk/1/attachTemporaryFile', { form, headers: { 'x-atlassian-token': 'no-check' } });
    expect(noOptIn.status).toBe(412);
    const headers = { 'x-atlassian-token': 'no-check', 'x-experimentalapi': 'opt-in' };
    const temp = await jira(s, 'POST', '/rest/servicedeskapi/servicedesk/1/attachTemporaryFile', { form, headers });
    expect(temp.status).toBe(201);
    const [{ temporaryAttachmentId }] = temp.json.temporaryAttachments as [{ temporaryAttachmentId: string }];
    const att = await jira(s, 'POST', '/rest/servicedeskapi/request/SUP-1/attachment', {
      body: { temporaryAttachmentIds: [temporaryAttachmentId], public: false, additionalComment: { body: 'Logs for the team' } },
      headers: { 'x-experimentalapi': 'opt-in' },
    });
    expect(att.status, att.text).toBe(201);
    expect(att.json.comment.public).toBe(false);
    expect(att.json.attachments.values.map((a: { filename: string }) => a.filename)).toEqual(['log.txt']);
    const issue = await jira(s, 'GET', '/rest/api/3/issue/SUP-1?fields=attachment,comment');
    expect(issue.json.fields.attachment.map((a: { filename: string }) => a.filename)).toEqual(['log.txt']);
    expect(issue.json.fields.comment.comments.at(-1).jsdPublic).toBe(false);
    const reused = await jira(s, 'POST', '/rest/servicedeskapi/request/SUP-1/attachment', {
      body: { temporaryAttachmentIds: [temporaryAttachmentId] },
      headers: { 'x-experimentalapi': 'opt-in' },
    });
    expect(reused.status).toBe(400);
  });
});

describe('Jira simulator: kit control routes', () => {
  const control = async (s: JiraSimulator, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${s.url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };

  it('seeds issues, edits one as a person (bumping updated), logs requests and resets to the seed', async () => {
    const s = await start({ seed: 'empty' });
    const seeded = await control(s, 'POST', '/_sim/seed', { issues: [{ summary: 'seeded', updated: '2026-12-01T08:00:00Z' }] });
    expect(seeded.json.keys).toEqual(['SUP-1']);
    const edit = await control(s, 'POST', '/_sim/records/issue/SUP-1/edit', {
      summary: 'edited by a person',
      status: 'In Progress',
      comment: { text: 'internal', internal: true },
      at: '2026-12-02T09:00:00Z',
    });
    expect(edit.status).toBe(200);
    const got = await jira(s, 'GET', '/rest/api/3/issue/SUP-1?fields=summary,status,updated,comment');
    expect(got.json.fields).toMatchObject({ summary: 'edited by a person', status: { name: 'In Progress' }, updated: '2026-12-02T10:00:00.000+0100' });
    expect(got.json.fields.comment.comments[0].jsdPublic).toBe(false);
    expect((await control(s, 'POST', '/_sim/records/issue/SUP-99/edit', { summary: 'x' })).status).toBe(404);
    expect((await control(s, 'POST', '/_sim/records/issue/SUP-1/edit', { bogus: 1 })).status).toBe(400);
    const log = await control(s, 'GET', '/_sim/request-summary');
    expect(log.json.endpoints).toHaveProperty(['GET /rest/api/3/issue/:id']);
    expect((await control(s, 'PUT', '/_sim/latency', { ms: 0 })).json).toEqual({ latencyMs: 0 });
    expect((await control(s, 'POST', '/_sim/reset')).status).toBe(204);
    expect((await jira(s, 'GET', '/rest/api/3/issue/SUP-1')).status).toBe(404);
    expect((await control(s, 'GET', '/_sim/requests')).json.requests).toHaveLength(1);
  });
});

describe('Jira simulator: rate limits and faults [spec 3]', () => {
  it('answers 429 with Retry-After, X-RateLimit-* and RateLimit-Reason when a burst bucket is full', async () => {
    const clock = manualClock(Date.parse('2026-12-07T10:00:00.100Z'));
    const s = await start({ now: clock.now, rateLimit: { burst: { GET: 2 } } });
    expect((await jira(s, 'GET', '/rest/api/3/myself')).status).toBe(200);
    expect((await jira(s, 'GET', '/rest/api/3/myself')).status).toBe(200);
    const r = await jira(s, 'GET', '/rest/api/3/myself');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('1');
    expect(r.headers.get('ratelimit-reason')).toBe('jira-burst-based');
    expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(r.headers.get('x-ratelimit-reset')).toBe('2026-12-07T10:00:01Z');
    // Another endpoint has its own bucket; the next second refills this one.
    expect((await jira(s, 'GET', '/rest/api/3/serverInfo')).status).toBe(200);
    clock.advance(1000);
    expect((await jira(s, 'GET', '/rest/api/3/myself')).status).toBe(200);
  });

  it('caps writes per issue (20 per 2 s) with reason jira-per-issue-on-write', async () => {
    const clock = manualClock();
    const s = await start({ now: clock.now, rateLimit: { burst: { PUT: 1000 } } });
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await jira(s, 'PUT', '/rest/api/3/issue/SUP-1', { body: { fields: { summary: `s${i}` } } })).status);
    expect(statuses.filter((x) => x === 204)).toHaveLength(20);
    const r = await jira(s, 'PUT', '/rest/api/3/issue/SUP-1', { body: { fields: { summary: 'again' } } });
    expect(r.status).toBe(429);
    expect(r.headers.get('ratelimit-reason')).toBe('jira-per-issue-on-write');
  });

  it('injects faults through /_sim/faults with Jira error bodies', async () => {
    const s = await start();
    const put = await fetch(`${s.url}/_sim/faults`, { method: 'PUT', body: JSON.stringify({ rules: [{ pathPattern: '/myself$', status: 503, times: 1 }] }) });
    expect(put.status).toBe(200);
    const r = await jira(s, 'GET', '/rest/api/3/myself');
    expect(r.status).toBe(503);
    expect(r.json).toEqual({ errorMessages: ['Internal server error (simulated).'], errors: {} });
    expect((await jira(s, 'GET', '/rest/api/3/myself')).status).toBe(200);
    const burst = await fetch(`${s.url}/_sim/faults`, { method: 'PUT', body: JSON.stringify({ burst429: { count: 1, retryAfterSeconds: 3 } }) });
    expect(burst.status).toBe(200);
    const tooMany = await jira(s, 'GET', '/rest/api/3/myself');
    expect([tooMany.status, tooMany.headers.get('retry-after'), tooMany.headers.get('ratelimit-reason')]).toEqual([429, '3', 'jira-burst-based']);
  });
});

describe('Jira simulator: webhooks [spec 13]', () => {
  async function receiver(statuses: number[]) {
    const got: Array<{ headers: IncomingMessage['headers']; body: string }> = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.statusCode = statuses.shift() ?? 200;
        res.end();
      });
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address() as { port: number };
    return { url: `http://127.0.0.1:${addr.port}/hook`, got };
  }

  it('registers admin webhooks (admins only) and sends signed issue events, retrying with the same identifier', async () => {
    const s = await start({ webhooks: { retryDelayMs: 1 } });
    const rx = await receiver([500]);
    const hook = { name: 'sync', url: rx.url, events: ['jira:issue_created'], filters: { 'issue-related-events-section': 'project = SUP' }, secret: 's3cret' };
    expect((await jira(s, 'POST', '/rest/webhooks/1.0/webhook', { as: 'agent', body: hook })).status).toBe(403);
    const reg = await jira(s, 'POST', '/rest/webhooks/1.0/webhook', { body: hook });
    expect(reg.status).toBe(201);
    const { key } = await createIssue(s, 'hooked');
    await s.webhooks.idle();
    expect(rx.got).toHaveLength(2);
    const [first, retry] = rx.got as [(typeof rx.got)[0], (typeof rx.got)[0]];
    expect(retry.headers['x-atlassian-webhook-identifier']).toBe(first.headers['x-atlassian-webhook-identifier']);
    expect(retry.headers['x-atlassian-webhook-retry']).toBe('1');
    const expected = `sha256=${createHmac('sha256', 's3cret').update(retry.body).digest('hex')}`;
    expect(retry.headers['x-hub-signature']).toBe(expected);
    const payload = JSON.parse(retry.body);
    expect(payload).toMatchObject({
      webhookEvent: 'jira:issue_created',
      issue_event_type_name: 'issue_created',
      issue: { key },
      timestamp: expect.any(Number),
    });
  });
});
