import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { checkShape } from '../../src/simulator/kit/shape.ts';
import { startJiraSimulator, type JiraSimulator, type JiraSimulatorOptions } from '../../src/simulator/jira/index.ts';
import { doc, jira, manualClock } from './jira-helpers.ts';

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

describe('Jira simulator: authentication [spec 1.4]', () => {
  it('answers /myself for a good token and 401 plain text for a wrong, expired or missing one', async () => {
    const s = await start();
    const me = await jira(s, 'GET', '/rest/api/3/myself');
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ emailAddress: s.emailFor('admin'), timeZone: 'Europe/Warsaw', active: true });
    const wrong = `Basic ${Buffer.from(`${s.emailFor('admin')}:nope`).toString('base64')}`;
    for (const as of [wrong, 'expired', null]) {
      const r = await jira(s, 'GET', '/rest/api/3/myself', { as });
      expect(r.status).toBe(401);
      expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(r.text).toBe('Client must be authenticated to access this resource.');
    }
  });

  it('answers 404 "does not exist" on an issue URL with bad credentials (the anonymous fallback)', async () => {
    const s = await start();
    const r = await jira(s, 'GET', '/rest/api/3/issue/SUP-1', { as: 'expired' });
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });
    expect((await jira(s, 'GET', '/rest/api/3/issue/SUP-1')).status).toBe(200);
  });

  it('serves the gateway-style base with self links on it', async () => {
    const s = await start();
    const r = await jira(s, 'GET', `/ex/jira/${s.cloudId}/rest/api/3/issue/SUP-1?fields=summary`);
    expect(r.status).toBe(200);
    expect(r.json.self).toBe(`${s.gatewayUrl}/rest/api/3/issue/${r.json.id}`);
  });
});

describe('Jira simulator: search [spec 4.1, 7]', () => {
  it('answers the removed /search with 410 and unbounded JQL with 400', async () => {
    const s = await start();
    const gone = await jira(s, 'GET', '/rest/api/3/search?jql=project%3DSUP');
    expect(gone.status).toBe(410);
    expect(gone.json.errorMessages[0]).toMatch(/search\/jql/);
    const r = await jira(s, 'GET', `/rest/api/3/search/jql?jql=${encodeURIComponent('order by key desc')}`);
    expect(r.status).toBe(400);
    expect(r.json.errorMessages[0]).toMatch(/^Unbounded JQL/);
  });

  it('pages with nextPageToken (no total), fields default to id, and a bad token is a 400', async () => {
    const s = await start({ seed: 'empty' });
    s.seedIssues(Array.from({ length: 5 }, (_, i) => ({ summary: `Issue ${i + 1}` })));
    const jql = encodeURIComponent('project = SUP ORDER BY key ASC');
    const first = await jira(s, 'GET', `/rest/api/3/search/jql?jql=${jql}&maxResults=2`);
    expect(first.status).toBe(200);
    expect(first.json.issues).toEqual([{ id: expect.any(String) }, { id: expect.any(String) }]);
    expect(first.json).not.toHaveProperty('total');
    expect(first.json.isLast).toBe(false);
    const keys: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const body: Record<string, unknown> = { jql: 'project = SUP ORDER BY key ASC', maxResults: 2, fields: ['summary'] };
      if (token) body.nextPageToken = token;
      const r = await jira(s, 'POST', '/rest/api/3/search/jql', { body });
      keys.push(...r.json.issues.map((i: { key: string }) => i.key));
      token = r.json.nextPageToken;
      if (r.json.isLast) expect(token).toBeUndefined();
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(keys).toEqual(['SUP-1', 'SUP-2', 'SUP-3', 'SUP-4', 'SUP-5']);
    const bad = await jira(s, 'POST', '/rest/api/3/search/jql', { body: { jql: 'project = SUP', nextPageToken: 'garbage' } });
    expect(bad.status).toBe(400);
    expect(bad.json.errorMessages).toEqual(['Invalid format of nextPageToken']);
  });

  it('reads JQL date literals to the minute in the caller’s time zone', async () => {
    const clock = manualClock(Date.parse('2026-12-07T09:00:00Z'));
    const s = await start({ seed: 'empty', now: clock.now });
    // 10:00:30Z is 11:00:30 in Warsaw (UTC+1 in December).
    s.seedIssues([
      { summary: 'early', updated: new Date('2026-12-07T09:59:59Z') },
      { summary: 'late', updated: new Date('2026-12-07T10:00:30Z') },
    ]);
    const q = async (literal: string) => {
      const jql = `project = SUP AND updated >= "${literal}" ORDER BY updated ASC, key ASC`;
      const r = await jira(s, 'POST', '/rest/api/3/search/jql', { body: { jql, fields: ['summary', 'updated'] } });
      expect(r.status, r.text).toBe(200);
      return r.json.issues.map((i: { fields: { summary: string } }) => i.fields.summary);
    };
    expect(await q('2026-12-07 11:00')).toEqual(['late']);
    expect(await q('2026/12/07 10:59')).toEqual(['early', 'late']);
    // Read as UTC, "11:00" would match nothing and "10:00" only 'late': the zone decides.
    expect(await q('2026-12-07 10:00')).toEqual(['early', 'late']);
    const r = await jira(s, 'GET', `/rest/api/3/search/jql?jql=${encodeURIComponent('project = SUP AND updated >= "2026-12-07 11:00:30"')}`);
    expect(r.status).toBe(400);
    const one = await jira(s, 'GET', `/rest/api/3/issue/SUP-2?fields=updated`);
    expect(one.json.fields.updated).toBe('2026-12-07T11:00:30.000+0100');
  });

  it('hides writes from search while the index lags, except issues named in reconcileIssues', async () => {
    const s = await start({ seed: 'empty' });
    s.setIndexLag({ mode: 'held' });
    const created = await createIssue(s, 'fresh');
    const search = (reconcile: number[] = []) =>
      jira(s, 'POST', '/rest/api/3/search/jql', { body: { jql: 'project = SUP', fields: ['summary'], reconcileIssues: reconcile } });
    expect((await search()).json.issues).toEqual([]);
    expect((await search([Number(created.id)])).json.issues.map((i: { key: string }) => i.key)).toEqual([created.key]);
    s.setIndexLag({ mode: 'off' });
    expect((await search()).json.issues).toHaveLength(1);
  });
});

describe('Jira simulator: issues and transitions [spec 5.3, 8]', () => {
  it('refuses a plain-string description (ADF required) and ignores status on edit', async () => {
    const s = await start();
    const r = await jira(s, 'POST', '/rest/api/3/issue', {
      body: { fields: { project: { key: 'SUP' }, issuetype: { id: '10100' }, summary: 'x', description: 'plain' } },
    });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ errorMessages: [], errors: { description: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)' } });
    const { key } = await createIssue(s, 'ok', { description: doc('hello'), labels: ['a'] });
    const put = await jira(s, 'PUT', `/rest/api/3/issue/${key}`, { body: { fields: { status: { name: 'Resolved' }, summary: 'renamed' } } });
    expect(put.status).toBe(204);
    const got = await jira(s, 'GET', `/rest/api/3/issue/${key}`);
    expect(got.json.fields).toMatchObject({
      summary: 'renamed',
      labels: ['a'],
      status: { name: 'Waiting for support', statusCategory: { key: 'new', id: 2 } },
    });
  });

  it('changes status only through available transitions, asks for a resolution on done and clears it on reopen', async () => {
    const s = await start();
    const { key } = await createIssue(s, 'to resolve');
    const list = await jira(s, 'GET', `/rest/api/3/issue/${key}/transitions`);
    expect(list.json.transitions.map((t: { id: string }) => t.id)).toEqual(['11', '21', '31', '51']);
    const invalid = await jira(s, 'POST', `/rest/api/3/issue/${key}/transitions`, { body: { transition: { id: '61' } } });
    expect(invalid.status).toBe(400);
    expect(invalid.json).toEqual({ errorMessages: ["Transition id '61' is not valid for this issue."], errors: {} });
    const noRes = await jira(s, 'POST', `/rest/api/3/issue/${key}/transitions`, { body: { transition: { id: '31' } } });
    expect(noRes.status).toBe(400);
    expect(noRes.json.errors).toHaveProperty('resolution');
    const done = await jira(s, 'POST', `/rest/api/3/issue/${key}/transitions`, {
      body: { transition: { id: '31' }, fields: { resolution: { name: 'Done' } } },
    });
    expect(done.status).toBe(204);
    let got = (await jira(s, 'GET', `/rest/api/3/issue/${key}?fields=status,resolution,resolutiondate`)).json.fields;
    expect(got.status.statusCategory.key).toBe('done');
    expect(got.resolution.name).toBe('Done');
    expect(got.resolutiondate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$/);
    await jira(s, 'POST', `/rest/api/3/issue/${key}/transitions`, { body: { transition: { id: '61' } } });
    got = (await jira(s, 'GET', `/rest/api/3/issue/${key}?fields=status,resolution`)).json.fields;
    expect(got).toMatchObject({ status: { name: 'Waiting for support' }, resolution: null });
  });

  it('keeps idempotency markers in issue properties, searchable by JQL', async () => {
    const s = await start();
    const { key } = await createIssue(s, 'marked');
    expect((await jira(s, 'PUT', `/rest/api/3/issue/${key}/properties/sf.marker`, { body: { id: 'abc-1' } })).status).toBe(201);
    const r = await jira(s, 'POST', '/rest/api/3/search/jql', { body: { jql: 'issue.property[sf.marker].id = "abc-1"', fields: ['summary'] } });
    expect(r.json.issues.map((i: { key: string }) => i.key)).toEqual([key]);
  });
});

describe('Jira simulator: comments [spec 9]', () => {
  it('makes internal comments through sd.public.comment (boolean only) or the JSM API with public:false', async () => {
    const s = await start();
    const { key } = await createIssue(s, 'comments');
    const pub = await jira(s, 'POST', `/rest/api/3/issue/${key}/comment`, { body: { body: doc('public one') } });
    expect(pub.status).toBe(201);
    expect(pub.json.jsdPublic).toBe(true);
    const internal = await jira(s, 'POST', `/rest/api/3/issue/${key}/comment`, {
      body: { body: doc('note'), properties: [{ key: 'sd.public.comment', value: { internal: true } }] },
    });
    expect(internal.json.jsdPublic).toBe(false);
    const pitfall = await jira(s, 'POST', `/rest/api/3/issue/${key}/comment`, {
      body: { body: doc('x'), properties: [{ key: 'sd.public.comment', value: { internal: 'true' } }] },
    });
    expect(pitfall.status).toBe(400);
    const jsm = await jira(s, 'POST', `/rest/servicedeskapi/request/${key}/comment`, { body: { body: 'jsm internal', public: false } });
    expect(jsm.status).toBe(201);
    expect(jsm.json).toMatchObject({ body: 'jsm internal', public: false, created: { epochMillis: expect.any(Number) } });
    const all = await jira(s, 'GET', `/rest/api/3/issue/${key}/comment`);
    expect(all.json.comments.map((c: { jsdPublic: boolean }) => c.jsdPublic)).toEqual([true, false, false]);
    const publicOnly = await jira(s, 'GET', `/rest/servicedeskapi/request/${key}/comment?internal=false`);
    expect(publicOnly.json.values.map((c: { body: string }) => c.body)).toEqual(['public one']);
  });
});

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

describe('Jira simulator: fixture shapes', () => {
  const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../shared/fixtures/jira/${name}`, import.meta.url), 'utf8'));
  const jiraTimeFormat = {
    key: /^(created|updated|statuscategorychangedate|resolutiondate)$/,
    example: /T/,
    actual: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$/,
    label: 'yyyy-MM-ddTHH:mm:ss.SSS+hhmm',
  };

  it('issue, myself and transitions have the recorded shapes', async () => {
    const s = await start();
    const issue = await jira(s, 'GET', '/rest/api/3/issue/SUP-1');
    const ignore = new Set([
      'timetracking',
      'aggregatetimespent',
      'workratio',
      'lastViewed',
      'timeestimate',
      'aggregatetimeoriginalestimate',
      'timeoriginalestimate',
      'aggregatetimeestimate',
      'aggregateprogress',
      'progress',
      'votes',
      'worklog',
      'timespent',
      'security',
      'issuerestriction',
      'versions',
      'entityId',
      'thumbnail',
    ]);
    const open = new Set(['avatarUrls']);
    const problems = checkShape(fixture('issue.get.real-nango.json').body, issue.json, {
      ignore,
      open,
      nullable: new Set(['assignee', 'description', 'priority']),
      formats: [jiraTimeFormat],
    });
    expect(problems.filter((p) => !/customfield_/.test(p))).toEqual([]);
    const me = await jira(s, 'GET', '/rest/api/3/myself');
    expect(checkShape(fixture('myself.real-nango.json').body, me.json, { open })).toEqual([]);
    const tr = await jira(s, 'GET', '/rest/api/3/issue/SUP-1/transitions');
    expect(checkShape(fixture('transitions.list.real-nango.json').body, tr.json)).toEqual([]);
  });
  it('search, comments, createmeta, fields, statuses and service desks have the documented or recorded shapes', async () => {
    const s = await start();
    const open = new Set(['avatarUrls', '_links', 'author', 'updateAuthor']);
    const ignore = new Set([
      'timetracking',
      'aggregatetimespent',
      'workratio',
      'lastViewed',
      'timeestimate',
      'aggregatetimeoriginalestimate',
      'timeoriginalestimate',
      'aggregatetimeestimate',
      'aggregateprogress',
      'progress',
      'votes',
      'worklog',
      'timespent',
      'security',
      'issuerestriction',
      'versions',
      'entityId',
      'renderedBody',
      'visibility',
      'properties',
      'self',
    ]);
    const fields = fixture('search-jql.get.real-nango.json').request.params.fields as string;
    const search = await jira(s, 'GET', `/rest/api/3/search/jql?jql=${encodeURIComponent('updated >= "1970-01-01" ORDER BY updated ASC')}&fields=${fields}`);
    expect(
      checkShape(fixture('search-jql.get.real-nango.json').body, search.json, {
        open,
        ignore,
        nullable: new Set(['assignee', 'description']),
        formats: [jiraTimeFormat],
      }),
    ).toEqual([]);
    const comments = await jira(s, 'GET', '/rest/api/3/issue/SUP-1/comment');
    expect(checkShape(fixture('comments.list.docs.json'), comments.json, { open, ignore })).toEqual([]);
    const meta = await jira(s, 'GET', '/rest/api/3/issue/createmeta/SUP/issuetypes/10100');
    expect(
      checkShape(fixture('createmeta.issuetype-fields.docs.json'), meta.json, {
        open,
        ignore: new Set([...ignore, 'autoCompleteUrl', 'defaultValue', 'allowedValues', 'configuration']),
      }),
    ).toEqual([]);
    const list = await jira(s, 'GET', '/rest/api/3/field');
    expect(
      checkShape(fixture('fields.list.real-nango.json').body.slice(0, 1), list.json.slice(0, 1), { ignore: new Set(['scope', 'untranslatedName']) }),
    ).toEqual([]);
    const statuses = await jira(s, 'GET', '/rest/api/3/statuses/search');
    expect(checkShape(fixture('statuses.search.real-nango.json').body, statuses.json, { ignore: new Set([...ignore, 'nextPage']) })).toEqual([]);
    const desks = await jira(s, 'GET', '/rest/servicedeskapi/servicedesk');
    expect(checkShape(fixture('jsm.servicedesks.list.docs.json'), desks.json, { open })).toEqual([]);
  });
});
