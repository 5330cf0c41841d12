import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError, type TicketConnector } from '../../src/core/connector.ts';
import { redirectProblem } from '../../src/connectors/freshservice/attachments.ts';
import { createFreshserviceConnector } from '../../src/connectors/freshservice/connector.ts';
import { createConnector } from '../../src/connectors/registry.ts';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';

const DAY = 86_400_000;
let sim: FreshserviceSimulator;
let sleeps: number[] = [];
const sleep = async (ms: number) => void sleeps.push(ms);
let fs: TicketConnector;
const connect = (profile = 'admin', timeoutMs = 3000) => createFreshserviceConnector({ apiUrl: sim.url, apiKey: sim.keyFor(profile) }, { timeoutMs, sleep });

beforeAll(async () => {
  sim = await startFreshserviceSimulator({ seed: 'demo', rateLimit: false });
  fs = connect();
});
afterAll(async () => sim?.close());
afterEach(() => {
  sim.faults.clear();
  sim.clearRequests();
  sleeps = [];
});

const group = (name: string) => [...sim.state.groups.values()].find((g) => g.name === name)!.id;
const userId = (email: string) => sim.state.userByEmail(email)!.id;
const alice = () => String(userId('alice.martin@acme.example.com'));
const calls = (method: string, re: RegExp) => sim.requests.filter((r) => r.method === method && re.test(r.path));
async function failure(p: Promise<unknown>): Promise<PlatformError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof PlatformError)) throw new Error(`expected a PlatformError, got ${String(err)}`);
  return err;
}
const newTicket = (marker: string, extra: object = {}) =>
  fs.createTicket({ type: 'Incident', subject: `Subject ${marker}`, description: '<p>Body</p>', requesterId: alice(), marker, ...extra });

describe('Freshservice connector against the simulator', () => {
  it('whoAmI reads /agents/me; the registry builds the connector and rejects unknown platforms', async () => {
    const admin = sim.agents.find((a) => a.profile === 'admin')!;
    expect(await fs.whoAmI()).toEqual({ id: String(admin.id), name: admin.name, email: admin.email });
    const viaRegistry = createConnector('freshservice', { apiUrl: sim.url, fields: { apiKey: sim.keyFor('admin') } }, { timeoutMs: 2000 });
    expect(viaRegistry.platform).toBe('freshservice');
    expect(() => createConnector('zendesk', { apiUrl: sim.url, fields: { apiKey: 'k' } }, { timeoutMs: 2000 })).toThrow(/No connector for platform "zendesk"/);
  });

  it('listChangedTickets: every page, tickets created > 30 days ago but updated since, ordered by change', async () => {
    const now = Math.floor(Date.now() / 1000) * 1000; // Freshservice keeps whole seconds
    const since = new Date(now - 2 * DAY + 500);
    const requester = userId('bob.chen@acme.example.com');
    // 130 old tickets changed recently (newest created = oldest change), 20 changed before `since`.
    for (let i = 0; i < 130; i++)
      sim.state.createTicket({ subject: `Old ${i}`, requester_id: requester, created_at: now - 60 * DAY + i * 1000, updated_at: now - DAY - i * 60_000 });
    for (let i = 0; i < 20; i++)
      sim.state.createTicket({ subject: `Stale ${i}`, requester_id: requester, created_at: now - 60 * DAY, updated_at: now - 3 * DAY });
    const changes = await fs.listChangedTickets(since);
    const sinceSec = Math.floor(since.getTime() / 1000) * 1000;
    const expected = [...sim.state.tickets.values()]
      .filter((t) => t.workspace_id === 2 && !t.deleted && !t.spam && t.updated_at >= sinceSec)
      .sort((a, b) => a.updated_at - b.updated_at || a.id - b.id)
      .map((t) => ({ id: String(t.id), updatedAt: new Date(t.updated_at).toISOString() }));
    expect(expected.length).toBeGreaterThan(130);
    expect(changes).toEqual(expected);
    expect(changes.some((c) => sim.state.tickets.get(Number(c.id))!.subject === 'Old 129')).toBe(true);
    expect(changes.some((c) => sim.state.tickets.get(Number(c.id))!.subject.startsWith('Stale'))).toBe(false);
    const lists = calls('GET', /\/api\/v2\/tickets$/);
    expect(lists.map((r) => r.query.page)).toEqual(['1', '2']);
    for (const r of lists)
      expect(r.query).toMatchObject({ order_type: 'asc', per_page: '100', updated_since: new Date(sinceSec).toISOString().replace('.000Z', 'Z') });
  });

  it('create → get → update round trip; tags replaced; defaults status 2 / priority 1; 404 → null', async () => {
    const created = await newTicket('sf-round1', { tags: ['keep'], fields: { group: String(group('Network Team')), urgency: 2, it_field: 'First Choice' } });
    expect(created).toMatchObject({ displayId: `INC-${created.id}`, type: 'Incident', subject: 'Subject sf-round1', tags: ['keep', 'sf-round1'] });
    expect(created.fields).toMatchObject({ status: 2, priority: 1, urgency: 2, group: String(group('Network Team')), agent: null, it_field: 'First Choice' });
    const read = (await fs.getTicket(created.id))!;
    expect(read.requester).toEqual({ id: alice(), email: 'alice.martin@acme.example.com', name: 'Alice Martin' });
    expect(read.tags).toEqual(['keep', 'sf-round1']);
    expect(calls('GET', new RegExp(`/tickets/${created.id}$`))[0]!.query.include).toBe('tags,requester,conversations');
    const updated = await fs.updateTicket(created.id, { tags: ['other'], fields: { status: '3', group: null }, subject: 'Renamed' });
    expect(updated).toMatchObject({ subject: 'Renamed', tags: ['other'] });
    expect(updated.fields).toMatchObject({ status: 3, group: null, it_field: 'First Choice' });
    expect((await fs.getTicket(created.id))!.tags).toEqual(['other']);
    expect(await fs.getTicket('987654')).toBeNull();
  });

  it('validation errors name the field and keep Freshservice wording', async () => {
    const { id } = await newTicket('sf-invalid1');
    const err = await failure(fs.updateTicket(id, { fields: { status: 9, group: '1' } }));
    expect(err.kind).toBe('validation');
    expect(err.message).toBe(
      `Freshservice refused to update ticket ${id}: status: It should be one of these values: '2,3,4,5'; group: There is no group matching the given group_id`,
    );
    expect(err.details.fieldErrors).toEqual([
      { field: 'status', message: "It should be one of these values: '2,3,4,5'", code: 'invalid_value' },
      { field: 'group', message: 'There is no group matching the given group_id', code: 'invalid_value' },
    ]);
  });

  it('findTicketByMarker: through the tag filter, through the fallback when the filter lags, null otherwise', async () => {
    const t = await newTicket('sf-find1');
    sim.clearRequests();
    expect((await fs.findTicketByMarker('sf-find1', { subject: t.subject, createdAfter: new Date() }))?.id).toBe(t.id);
    expect(calls('GET', /\/tickets\/filter$/)[0]!.query.query).toBe(`"tag:'sf-find1'"`);
    expect(calls('GET', /\/tickets$/)).toHaveLength(0);

    sim.faults.set({ rules: [{ method: 'GET', pathPattern: '/tickets/filter$', status: 200, body: { tickets: [], total: 0 } }] });
    const hint = { subject: t.subject, createdAfter: new Date(Date.now() - 60_000) };
    expect((await fs.findTicketByMarker('sf-find1', hint))?.id).toBe(t.id);
    expect(calls('GET', /\/tickets$/)[0]!.query.updated_since).toBe(
      new Date(Math.floor((hint.createdAfter.getTime() - 120_000) / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    );
    expect(await fs.findTicketByMarker('sf-find2', hint)).toBeNull(); // same subject, other marker
    expect(await fs.findTicketByMarker('sf-find1', { ...hint, subject: 'Other subject' })).toBeNull();
    await expect(fs.findTicketByMarker("sf-x' OR tag:'y", hint)).rejects.toThrow(/not a Support Fusion marker/);
  });

  it('comments: public and private notes (never a reply), marker footer found again, oldest first', async () => {
    const { id } = await newTicket('sf-com1');
    const pub = await fs.addComment(id, { body: '<p>Public words</p>', private: false, marker: 'sf-pub1' });
    const priv = await fs.addComment(id, { body: '<p>Private words</p>', private: true, marker: 'sf-pub12' });
    expect(pub).toMatchObject({ kind: 'note', private: false });
    expect(priv).toMatchObject({ kind: 'note', private: true });
    expect(pub.body).toContain('Support Fusion ref sf-pub1</p>');
    expect(calls('POST', /\/reply$/)).toHaveLength(0);
    expect(calls('POST', /\/notes$/)).toHaveLength(2);
    const all = await fs.listComments(id);
    expect(all.map((c) => [c.id, c.private])).toEqual([
      [pub.id, false],
      [priv.id, true],
    ]);
    expect((await fs.findCommentByMarker(id, 'sf-pub1'))?.id).toBe(pub.id); // not the sf-pub12 one
    expect((await fs.findCommentByMarker(id, 'sf-pub12'))?.id).toBe(priv.id);
    expect(await fs.findCommentByMarker(id, 'sf-pub')).toBeNull();
    const vpn = [...sim.state.tickets.values()].find((t) => t.subject.startsWith('VPN drops'))!;
    expect((await fs.listComments(String(vpn.id))).map((c) => c.kind)).toEqual(['reply', 'note']);
  });

  it('a ticket read brings its whole conversation when the view embeds all of it (fewer than 10), not otherwise', async () => {
    const { id } = await newTicket('sf-embed1');
    const written = [];
    for (let i = 1; i <= 9; i++) written.push(await fs.addComment(id, { body: `<p>Note ${i}</p>`, private: i % 2 === 0, marker: `sf-emb-${i}` }));
    const nine = (await fs.getTicket(id))!;
    expect(nine.comments?.map((c) => [c.id, c.private])).toEqual(written.map((c) => [c.id, c.private]));
    expect(nine.comments).toEqual(await fs.listComments(id));
    written.push(await fs.addComment(id, { body: '<p>Note 10</p>', private: false, marker: 'sf-emb-10' }));
    // Ten embedded may be the first ten of more: the conversation has to be listed.
    expect((await fs.getTicket(id))!.comments).toBeUndefined();
    expect((await fs.listComments(id)).map((c) => c.id)).toEqual(written.map((c) => c.id));
  });

  it('attachments: upload to ticket and note, download byte for byte, direct or through one vetted redirect', async () => {
    const { id } = await newTicket('sf-att1');
    const bin = new Uint8Array(256).map((_, i) => i);
    const added = await fs.addAttachments(id, [
      { name: 'all-bytes.bin', contentType: 'application/octet-stream', data: bin },
      { name: 'notes.txt', contentType: 'text/plain', data: new TextEncoder().encode('héllo') },
    ]);
    expect(added.map((a) => [a.name, a.size])).toEqual([
      ['all-bytes.bin', 256],
      ['notes.txt', 6],
    ]);
    expect(await fs.addAttachments(id, [{ name: 'third.txt', contentType: 'text/plain', data: bin.slice(0, 3) }])).toMatchObject([{ name: 'third.txt' }]);
    const dl = await fs.downloadAttachment(added[0]!);
    expect(dl).toMatchObject({ name: 'all-bytes.bin', contentType: 'application/octet-stream' });
    expect(Buffer.from(dl.data).equals(Buffer.from(bin))).toBe(true);

    const note = await fs.addComment(id, {
      body: 'file',
      private: true,
      marker: 'sf-att2',
      attachments: [{ name: 'pic.png', contentType: 'image/png', data: bin.slice(10, 20) }],
    });
    expect(note.attachments).toMatchObject([{ name: 'pic.png', size: 10 }]);
    const stored = sim.state.attachments.get(Number(note.attachments[0]!.id))!;
    const url = `${sim.url}/_sim/files/${stored.id}/pic.png?token=${stored.token}`;
    sim.faults.set({ rules: [{ method: 'GET', pathPattern: '/attachments/\\d+$', status: 302, headers: { location: url }, times: 1 }] });
    expect(Buffer.from((await fs.downloadAttachment(note.attachments[0]!)).data).equals(Buffer.from(bin.slice(10, 20)))).toBe(true);

    sim.faults.set({
      rules: [{ method: 'GET', pathPattern: '/attachments/\\d+$', status: 302, headers: { location: 'http://evil.example.net/x' }, times: 1 }],
    });
    const err = await failure(fs.downloadAttachment(added[1]!));
    expect(err.kind).toBe('unexpected_response');
    expect(err.message).toMatch(/evil\.example\.net.*not followed/);
  });

  it('a redirect to another port of the platform’s host is refused: nothing, and no API key, is sent there', async () => {
    const { id } = await newTicket('sf-att3');
    const [att] = await fs.addAttachments(id, [{ name: 'a.txt', contentType: 'text/plain', data: new TextEncoder().encode('x') }]);
    const seen: Array<string | undefined> = [];
    const storage = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.setHeader('content-type', 'text/plain');
      res.end('from storage');
    });
    await new Promise<void>((r) => storage.listen(0, '127.0.0.1', r));
    try {
      const location = `http://127.0.0.1:${(storage.address() as AddressInfo).port}/signed/a.txt?sig=abc`;
      sim.faults.set({ rules: [{ method: 'GET', pathPattern: '/attachments/\\d+$', status: 302, headers: { location }, times: 1 }] });
      const err = await fs.downloadAttachment(att!).catch((e: unknown) => e);
      expect((err as Error).message).toMatch(/not followed/);
      expect(seen).toEqual([]);
    } finally {
      await new Promise((r) => storage.close(r));
    }
  });

  it('redirect policy: own host or a named attachment host, http(s) only, no private addresses from a public base', async () => {
    const base = new URL('https://acme.freshservice.com/api/v2');
    const trusted = new Set(['s3.amazonaws.com']);
    const dns = (map: Record<string, string[]>) => async (h: string) => map[h] ?? ['93.184.216.34'];
    const check = (to: string, resolve = dns({})) => redirectProblem(new URL(to), base, trusted, resolve);
    expect(await check('https://s3.amazonaws.com/cdn/a.png?sig=1')).toBeNull();
    expect(await check('https://acme.freshservice.com/other')).toBeNull();
    expect(await check('https://evil.example.com/a')).toMatch(/neither/);
    expect(await check('ftp://s3.amazonaws.com/a')).toMatch(/ftp/);
    expect(await check('https://s3.amazonaws.com/a', dns({ 's3.amazonaws.com': ['10.0.0.5'] }))).toMatch(/private/);
    expect(await redirectProblem(new URL('http://127.0.0.1:9/x'), base, new Set(['127.0.0.1']), dns({}))).toMatch(/private/);
    expect(await redirectProblem(new URL('http://127.0.0.1:8/x'), new URL('http://127.0.0.1:8/api/v2'), new Set(), dns({}))).toBeNull();
    expect(await redirectProblem(new URL('http://127.0.0.1:9/x'), new URL('http://127.0.0.1:8/api/v2'), new Set(), dns({}))).toMatch(/another port/);
  });

  it('requesters: find by e-mail (requesters, then agents), create with a split name, duplicate → existing', async () => {
    expect(await fs.findRequesterByEmail('alice.martin@acme.example.com')).toEqual({
      id: alice(),
      email: 'alice.martin@acme.example.com',
      name: 'Alice Martin',
    });
    const agent = sim.agents.find((a) => a.profile === 'agent_only')!;
    expect(await fs.findRequesterByEmail(agent.email)).toEqual({ id: String(agent.id), email: agent.email, name: agent.name });
    expect(await fs.findRequesterByEmail('nobody@example.org')).toBeNull();
    const ada = await fs.createRequester({ email: 'ada@example.org', name: 'Ada King Lovelace' });
    expect(ada).toMatchObject({ email: 'ada@example.org', name: 'Ada King Lovelace' });
    expect(sim.state.users.get(Number(ada.id))).toMatchObject({ first_name: 'Ada', last_name: 'King Lovelace' });
    const jo = await fs.createRequester({ email: 'jo.smith@example.org', name: null });
    expect(jo).toMatchObject({ name: 'jo.smith' });
    // Freshservice's docs require a last name: a one-word name gets a placeholder, not shown as part of the name.
    expect(sim.state.users.get(Number(jo.id))).toMatchObject({ first_name: 'jo.smith', last_name: '-' });
    expect(await fs.findRequesterByEmail('jo.smith@example.org')).toMatchObject({ name: 'jo.smith' });
    expect((await fs.createRequester({ email: 'ada@example.org', name: 'Ada' })).id).toBe(ada.id);
  });

  it('fieldDefinitions: status/priority by numeric id, groups by string id, dropdowns and categories by label', async () => {
    const defs = await fs.fieldDefinitions();
    const byName = (n: string) => defs.find((d) => d.name === n)!;
    expect(byName('status')).toMatchObject({
      kind: 'picklist',
      choices: [
        { value: 2, label: 'Open' },
        { value: 3, label: 'Pending' },
        { value: 4, label: 'Resolved' },
        { value: 5, label: 'Closed' },
      ],
    });
    expect(byName('priority').choices[3]).toEqual({ value: 4, label: 'Urgent' });
    expect(byName('group').choices).toContainEqual({ value: String(group('Network Team')), label: 'Network Team' });
    expect(byName('it_field')).toMatchObject({
      kind: 'picklist',
      choices: [
        { value: 'First Choice', label: 'First Choice' },
        { value: 'Second Choice', label: 'Second Choice' },
      ],
    });
    expect(byName('ticket_type').choices).toContainEqual({ value: 'Incident', label: 'Incident' });
    expect(byName('sub_category').choices).toContainEqual({ value: 'Computer', label: 'Computer', parent: 'Hardware' });
    expect(byName('external_reference').kind).toBe('text');
  });

  it('429 burst: waits Retry-After each time, then succeeds (real wait, once)', async () => {
    const { id } = await newTicket('sf-rate1');
    sim.faults.set({ burst429: { count: 3, retryAfterSeconds: 1 } });
    expect((await fs.getTicket(id))?.id).toBe(id);
    expect(sleeps).toEqual([1000, 1000, 1000]);
    const real = createFreshserviceConnector({ apiUrl: sim.url, apiKey: sim.keyFor('admin') }, { timeoutMs: 3000 });
    sim.faults.set({ burst429: { count: 1, retryAfterSeconds: 1 } });
    const started = Date.now();
    expect((await real.getTicket(id))?.id).toBe(id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('503 twice then success on a read; a create is not resent after a 5xx', async () => {
    const { id } = await newTicket('sf-5xx1');
    sim.clearRequests();
    sim.faults.set({ rules: [{ method: 'GET', pathPattern: `/tickets/${id}$`, status: 503, times: 2 }] });
    expect((await fs.getTicket(id))?.id).toBe(id);
    expect(sleeps).toHaveLength(2);
    expect(calls('GET', new RegExp(`/tickets/${id}$`)).map((r) => r.status)).toEqual([503, 503, 200]);
    sim.faults.set({ rules: [{ method: 'POST', pathPattern: '/tickets$', status: 503, times: 1 }] });
    const err = await failure(newTicket('sf-5xx2'));
    expect(err).toMatchObject({ kind: 'server', details: { status: 503 } });
    expect(calls('POST', /\/tickets$/)).toHaveLength(1);
  });

  it('401 → authentication; timeouts → timeout after bounded retries', async () => {
    for (const c of [createFreshserviceConnector({ apiUrl: sim.url, apiKey: 'wrong-key' }, { timeoutMs: 2000, sleep }), connect('no_api_key')]) {
      const err = await failure(c.whoAmI());
      expect(err.kind).toBe('authentication');
      expect(err.isAccountWide).toBe(true);
    }
    sim.faults.set({ latencyMs: 400 });
    const err = await failure(connect('admin', 100).whoAmI());
    expect(err.kind).toBe('timeout');
    expect(sleeps).toHaveLength(3);
  });

  it('agent in selected groups: a ticket outside them is permission, with the path; its own are readable', async () => {
    const selected = connect('selected');
    const battery = [...sim.state.tickets.values()].find((t) => t.subject === 'Laptop battery swelling')!;
    const err = await failure(selected.getTicket(String(battery.id)));
    expect(err.kind).toBe('permission');
    expect(err.message).toContain(`GET /api/v2/tickets/${battery.id}`);
    expect(err.message).toMatch(/integration agent lacks access/);
    const vpn = [...sim.state.tickets.values()].find((t) => t.subject.startsWith('VPN drops'))!;
    expect((await selected.getTicket(String(vpn.id)))?.fields.group).toBe(String(group('Network Team')));
    const visible = (await selected.listChangedTickets(new Date(Date.now() - 10 * DAY))).map((c) => c.id);
    expect(visible).toContain(String(vpn.id));
    expect(visible).not.toContain(String(battery.id));
  });
});
