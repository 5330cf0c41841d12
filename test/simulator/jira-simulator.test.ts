// Jira simulator behaviour per jira-api.md: authentication, search, issues and transitions, comments.
import { afterEach, describe, expect, it } from 'vitest';
import { startJiraSimulator, type JiraSimulator, type JiraSimulatorOptions } from '../../src/simulator/jira/index.ts';
import { doc, jira, manualClock } from './jira-helpers.ts';

let sim: JiraSimulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
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
