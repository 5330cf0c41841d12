// Jira simulator [spec 13]: deleting an issue (DELETE /rest/api/3/issue/{key}) delivers `jira:issue_deleted` to
// the admin webhooks that ask for it and whose JQL matches, signed; the connector's receiver reads it as a deletion.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { readJiraHook, verifyJiraSignature } from '../../src/connectors/jira_service_management/webhook.ts';
import { startJiraSimulator, type JiraSimulator } from '../../src/simulator/jira/index.ts';
import { jira } from './jira-helpers.ts';

let sim: JiraSimulator | null = null;
const servers: Server[] = [];
afterEach(async () => {
  await sim?.close();
  sim = null;
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function receiver() {
  const got: Array<{ headers: IncomingMessage['headers']; body: Buffer }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = 202;
      res.end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  return { url: `http://127.0.0.1:${addr.port}/hook`, got };
}

const register = async (s: JiraSimulator, body: Record<string, unknown>) => {
  const r = await jira(s, 'POST', '/rest/webhooks/1.0/webhook', { body: { name: 'sync', events: ['jira:issue_deleted'], secret: 's3cret', ...body } });
  expect(r.status, r.text).toBe(201);
};

const asHook = (d: { headers: IncomingMessage['headers']; body: Buffer }) => ({
  headers: Object.fromEntries(Object.entries(d.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v])),
  rawBody: d.body,
  json: JSON.parse(d.body.toString('utf8')) as unknown,
});

describe('Jira simulator: issue deletions through webhooks [spec 13]', () => {
  it('a deleted issue is reported to each matching hook (with or without the body), signed, and read as a deletion', async () => {
    const s = (sim = await startJiraSimulator({ rateLimit: false, webhooks: { retries: 0 } }));
    const [full, bare, otherProject, updatesOnly] = [await receiver(), await receiver(), await receiver(), await receiver()];
    await register(s, { url: full.url, filters: { 'issue-related-events-section': 'project = SUP' } });
    await register(s, { url: bare.url, excludeBody: true });
    await register(s, { url: otherProject.url, filters: { 'issue-related-events-section': 'project = KAN' } });
    await register(s, { url: updatesOnly.url, events: ['jira:issue_updated'] });
    const created = await jira(s, 'POST', '/rest/api/3/issue', {
      body: { fields: { project: { key: 'SUP' }, issuetype: { id: '10100' }, summary: 'to delete' } },
    });
    expect(created.status, created.text).toBe(201);
    const { id, key } = created.json as { id: string; key: string };

    expect((await jira(s, 'DELETE', `/rest/api/3/issue/${key}`)).status).toBe(204);
    await s.webhooks.idle();

    expect([full.got.length, bare.got.length, otherProject.got.length, updatesOnly.got.length]).toEqual([1, 1, 0, 0]);
    for (const d of [full.got[0]!, bare.got[0]!]) {
      const hook = asHook(d);
      expect(verifyJiraSignature(hook, 's3cret')).toBe(true);
      expect(hook.json).toMatchObject({ webhookEvent: 'jira:issue_deleted', issue_event_type_name: 'issue_deleted', issue: { id, key } });
      expect(readJiraHook(hook)).toEqual({ ok: true, ticketIds: [id], deleted: [id] });
    }
    expect((asHook(full.got[0]!).json as { issue: { fields?: { summary?: string } } }).issue.fields?.summary).toBe('to delete');
    expect((await jira(s, 'GET', `/rest/api/3/issue/${key}`)).status).toBe(404);
  });
});
