import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError, type TicketConnector } from '../../src/core/connector.ts';
import { createJiraConnector } from '../../src/connectors/jira_service_management/connector.ts';
import { createConnector, requirePlatform } from '../../src/connectors/registry.ts';
import { startJiraSimulator, type JiraSimulator } from '../../src/simulator/jira/index.ts';

let sim: JiraSimulator;
let sleeps: number[] = [];
const sleep = async (ms: number) => void sleeps.push(ms);
let jira: TicketConnector;
const connect = (profile = 'admin', settings: Record<string, string> = { project: 'SUP' }) =>
  createJiraConnector({ apiUrl: sim.url, email: sim.emailFor(profile), apiToken: sim.tokenFor(profile) }, { timeoutMs: 5000, sleep, sideSettings: settings });

beforeAll(async () => {
  sim = await startJiraSimulator({ seed: 'demo', rateLimit: false });
  jira = connect();
});
afterAll(async () => sim?.close());
afterEach(() => {
  sim.faults.clear();
  sim.clearRequests();
  sim.setIndexLag({ mode: 'off' });
  sleeps = [];
});

async function failure(p: Promise<unknown>): Promise<PlatformError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof PlatformError)) throw new Error(`expected a PlatformError, got ${String(err)}`);
  return err;
}
let n = 0;
const marker = () => `sf-jt${Date.now().toString(36)}${n++}`;
const create = (m: string, extra: object = {}) =>
  jira.createTicket({ type: 'Incident', subject: `Printer ${m}`, description: '<p>It <strong>jams</strong></p>', requesterId: '', marker: m, ...extra });
const calls = (method: string, re: RegExp) => sim.requests.filter((r) => r.method === method && re.test(r.path));

describe('Jira connector against the simulator', () => {
  it('is registered and built through the registry', async () => {
    const def = requirePlatform('jira_service_management');
    expect(def.manifest.name).toBe('Jira Service Management');
    const c = createConnector(
      'jira_service_management',
      { apiUrl: sim.url, fields: { email: sim.emailFor('admin'), apiToken: sim.tokenFor('admin') } },
      { timeoutMs: 5000 },
    );
    expect((await c.whoAmI()).email).toBe(sim.emailFor('admin'));
  });

  it('creates an issue with ADF, a marker label and property, and reads it back as canonical HTML', async () => {
    const m = marker();
    const t = await create(m);
    expect(t.displayId).toMatch(/^SUP-\d+$/);
    expect(t.id).toMatch(/^\d+$/);
    expect(t.description).toBe('<p>It <strong>jams</strong></p>');
    expect(t.tags).toContain(m);
    expect(calls('PUT', /\/properties\/support-fusion\.marker$/)).toHaveLength(1);
    expect(jira.ticketUrl!(t)).toBe(`${sim.url}/browse/${t.displayId}`);
  });

  it('lists changes through search/jql in the account time zone, inclusive, with a resumable cursor', async () => {
    const before = new Date(Date.now() - 120_000);
    const t = await create(marker());
    const pages = [];
    for await (const page of jira.changes(null, { since: before })) pages.push(page);
    const ids = pages.flatMap((p) => p.changes.map((c) => c.id));
    expect(ids).toContain(t.id);
    expect(calls('POST', /\/rest\/api\/3\/search\/jql$/).length).toBeGreaterThan(0);
    expect(calls('GET', /\/rest\/api\/\d\/search$/)).toHaveLength(0);
    // The cursor holds back while the index may still settle: resuming reads the fresh change again.
    const again = [];
    for await (const page of jira.changes(pages.at(-1)!.cursor, {})) again.push(...page.changes.map((c) => c.id));
    expect(again).toContain(t.id);
  });

  it('loses no change made while the search index lags: the next poll from the saved cursor reads it', async () => {
    const since = new Date(Date.now() - 60_000);
    sim.setIndexLag({ mode: 'held' });
    const hidden = await create(marker());
    let cursor = '';
    const first: string[] = [];
    for await (const page of jira.changes(null, { since })) {
      first.push(...page.changes.map((c) => c.id));
      cursor = page.cursor;
    }
    expect(first).not.toContain(hidden.id);
    sim.setIndexLag({ mode: 'off' });
    const next: string[] = [];
    for await (const page of jira.changes(cursor, {})) next.push(...page.changes.map((c) => c.id));
    expect(next).toContain(hidden.id);
  });

  it('updates fields and moves the status through transitions, in several steps where the workflow needs them', async () => {
    const t = await create(marker());
    const defs = await jira.fieldDefinitions();
    const status = defs.find((d) => d.role === 'status')!;
    expect(status.choices.every((c) => c.category)).toBe(true);
    const closed = status.choices.find((c) => c.label === 'Closed')!;
    const pending = status.choices.find((c) => c.label === 'Waiting for customer')!;
    expect(closed.category).toBe('closed');
    expect(pending.category).toBe('pending');
    const priority = defs.find((d) => d.role === 'priority')!.choices[0]!;
    const updated = await jira.updateTicket(t.id, { subject: 'Renamed', fields: { priority: priority.value, status: String(pending.value) } });
    expect(updated.subject).toBe('Renamed');
    expect(updated.fields.priority).toBe(String(priority.value));
    expect(updated.fields.status).toBe(String(pending.value));
    const done = await jira.updateTicket(t.id, { fields: { status: String(closed.value) } });
    expect(done.fields.status).toBe(String(closed.value));
    expect(done.fields.resolution).not.toBeNull();
  });

  it('defines custom fields from the create screen and writes them by schema (select as {value}, textarea as ADF)', async () => {
    const defs = await jira.fieldDefinitions('Incident');
    const impact = defs.find((d) => d.name === 'customfield_10050')!;
    expect(impact).toMatchObject({ label: 'Impact', kind: 'picklist' });
    expect(impact.choices.map((c) => c.value)).toEqual(['High', 'Medium', 'Low']);
    expect(defs.find((d) => d.name === 'customfield_10010')).toBeUndefined();
    const t = await create(marker(), { fields: { customfield_10050: 'Low', customfield_10060: 'EXT-1', customfield_10070: 'Toner\nempty' } });
    expect(t.fields).toMatchObject({ customfield_10050: 'Low', customfield_10060: 'EXT-1', customfield_10070: 'Toner\nempty' });
    const u = await jira.updateTicket(t.id, { fields: { customfield_10050: 'High', customfield_10070: 'Fixed' } });
    expect(u.fields).toMatchObject({ customfield_10050: 'High', customfield_10070: 'Fixed' });
  });

  it('writes public and internal comments and finds one by its marker', async () => {
    const t = await create(marker());
    const pub = await jira.addComment(t.id, { body: '<p>Public reply</p>', private: false, marker: 'sf-cpub1' });
    const internal = await jira.addComment(t.id, { body: '<p>Internal <em>note</em></p>', private: true, marker: 'sf-cint1' });
    expect(pub.private).toBe(false);
    expect(internal.private).toBe(true);
    const list = await jira.listComments(t.id);
    expect(list.map((c) => [c.id, c.private, c.channel])).toEqual([
      [pub.id, false, 'public'],
      [internal.id, true, 'internal'],
    ]);
    // The issue read embeds the same conversation, visibility included.
    expect((await jira.getTicket(t.id))?.comments?.map((c) => [c.id, c.private])).toEqual([
      [pub.id, false],
      [internal.id, true],
    ]);
    expect((await jira.findCommentByMarker(t.id, 'sf-cint1'))?.id).toBe(internal.id);
    expect(await jira.findCommentByMarker(t.id, 'sf-cnone')).toBeNull();
    const guarded = await jira.addComment(t.id, { body: '<p>x</p>', private: true, channel: 'public', marker: 'sf-cint2' });
    expect((await jira.listComments(t.id)).find((c) => c.id === guarded.id)?.private).toBe(true);
  });

  it('finds a created issue by its marker while the search index still lags', async () => {
    sim.setIndexLag({ mode: 'held' });
    const m = marker();
    const createdAfter = new Date(Date.now() - 1000);
    const t = await create(m);
    const found = await jira.findTicketByMarker(m, { subject: t.subject, createdAfter });
    expect(found?.id).toBe(t.id);
    expect(await jira.findTicketByMarker(marker(), { subject: 'x', createdAfter })).toBeNull();
  });

  it('round-trips an attachment (multipart with X-Atlassian-Token) and downloads through the 303', async () => {
    const t = await create(marker());
    const data = new TextEncoder().encode('hello jira');
    const [att] = await jira.addAttachments(t.id, [{ name: 'note.txt', contentType: 'text/plain', data }]);
    expect(att).toMatchObject({ name: 'note.txt', size: data.byteLength });
    // The simulator refuses an upload without X-Atlassian-Token: no-check, so this one carried it.
    expect(calls('POST', /\/attachments$/).map((r) => r.status)).toEqual([200]);
    const file = await jira.downloadAttachment(att!);
    expect(new TextDecoder().decode(file.data)).toBe('hello jira');
    const big = await failure(jira.downloadAttachment({ ...att!, size: 10 }, { maxBytes: 4 }));
    expect(big.kind).toBe('validation');
  });

  it('finds and creates JSM customers', async () => {
    const email = `new.customer.${Date.now()}@client.example`;
    expect(await jira.findRequesterByEmail(email)).toBeNull();
    const created = await jira.createRequester({ email, name: 'New Customer' });
    expect(created.email).toBe(email);
    expect((await jira.findRequesterByEmail(email))?.id).toBe(created.id);
  });

  it('answers side-setting choices and reports errors by kind', async () => {
    expect((await jira.sideSettingChoices!('project')).map((c) => c.value)).toContain('SUP');
    expect(await jira.getTicket('99999999')).toBeNull();
    expect(await jira.getTicket('not-an-id')).toBeNull();
    const bad = createJiraConnector({ apiUrl: sim.url, email: sim.emailFor('admin'), apiToken: 'ATATT3xwrongwrongwrongwrong' }, { timeoutMs: 5000, sleep });
    expect((await failure(bad.whoAmI())).kind).toBe('authentication');
    const missing = await failure(jira.updateTicket('99999999', { subject: 'x' }));
    expect(missing.kind).toBe('not_found');
  });

  it('waits out a 429 by Retry-After, else by the ISO X-RateLimit-Reset', async () => {
    sim.faults.addRule({
      method: 'GET',
      pathPattern: '/rest/api/3/myself$',
      status: 429,
      headers: { 'retry-after': '2', 'ratelimit-reason': 'jira-burst-based' },
      times: 1,
    });
    await jira.whoAmI();
    expect(sleeps).toEqual([2000]);
    sleeps = [];
    const reset = new Date(Date.now() + 4000).toISOString();
    sim.faults.addRule({ method: 'GET', pathPattern: '/rest/api/3/myself$', status: 429, headers: { 'x-ratelimit-reset': reset }, times: 1 });
    await jira.whoAmI();
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(3000);
    expect(sleeps[0]).toBeLessThanOrEqual(5000);
  });

  it('follows an attachment redirect only to the site or Atlassian media', async () => {
    const t = await create(marker());
    const [att] = await jira.addAttachments(t.id, [{ name: 'a.txt', contentType: 'text/plain', data: new TextEncoder().encode('a') }]);
    sim.faults.addRule({
      method: 'GET',
      pathPattern: '/attachment/content/\\d+$',
      status: 303,
      headers: { location: 'http://169.254.169.254/latest/meta-data' },
      times: 1,
    });
    const err = await failure(jira.downloadAttachment(att!));
    expect(err.message).toMatch(/not followed/);
    expect(calls('GET', /latest\/meta-data/)).toHaveLength(0);
  });

  it('refuses a change-feed cursor it did not issue', async () => {
    await expect(async () => {
      for await (const _ of jira.changes('time:2026-01-01T00:00:00Z', {})) void _;
    }).rejects.toThrow(/Not a Jira change-feed cursor/);
  });
});
