import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { call, minimalTicket } from './helpers.ts';

const DAY = 86_400_000;
let sim: FreshserviceSimulator;
let clock: number;

beforeEach(async () => {
  clock = Date.parse('2025-06-01T12:00:00Z');
  sim = await startFreshserviceSimulator({ now: () => new Date(clock) });
});
afterEach(async () => {
  await sim.close();
});

const subjects = (json: any) => json.tickets.map((t: any) => t.subject);
const q = (s: string) => encodeURIComponent(s);

describe('GET /tickets', () => {
  it('lists only tickets created in the last 30 days; updated_since replaces that window', async () => {
    const def = await call(sim, 'GET', '/tickets');
    expect(subjects(def.json)).not.toContain('Email not syncing on phone');
    expect(def.json.tickets.every((t: any) => Date.parse(t.created_at) >= clock - 30 * DAY)).toBe(true);
    const since = await call(sim, 'GET', `/tickets?updated_since=${q(new Date(clock - 60 * DAY).toISOString())}`);
    expect(subjects(since.json)).toContain('Email not syncing on phone');
    const recent = await call(sim, 'GET', `/tickets?updated_since=${q(new Date(clock - 2 * DAY).toISOString().slice(0, 10))}`);
    expect(recent.json.tickets.every((t: any) => Date.parse(t.updated_at) >= clock - 3 * DAY)).toBe(true);
    expect((await call(sim, 'GET', '/tickets?updated_since=yesterday')).status).toBe(400);
  });

  it('orders by created_at desc by default and asc on request; list items carry no tags/attachments', async () => {
    const desc = (await call(sim, 'GET', '/tickets')).json.tickets;
    const asc = (await call(sim, 'GET', '/tickets?order_type=asc')).json.tickets;
    expect(asc.map((t: any) => t.id)).toEqual([...desc].reverse().map((t: any) => t.id));
    const times = desc.map((t: any) => Date.parse(t.created_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(desc[0]).not.toHaveProperty('tags');
    expect(desc[0]).not.toHaveProperty('attachments');
    expect(desc[0]).toHaveProperty('deleted', false);
    expect((await call(sim, 'GET', '/tickets?order_type=sideways')).status).toBe(400);
  });

  it('paginates with a link header only while a next page exists; per_page bounds give 400', async () => {
    for (let i = 0; i < 5; i++) sim.state.createTicket({ subject: `Bulk ${i}`, requester_id: sim.agents[0]!.id });
    const seen: number[] = [];
    let url: string | null = `${sim.url}/api/v2/tickets?per_page=3`;
    let pages = 0;
    while (url) {
      const r = await call(sim, 'GET', url.replace(sim.url, ''));
      pages++;
      seen.push(...r.json.tickets.map((t: any) => t.id));
      const link = r.headers.get('link');
      url = link ? /<([^>]+)>;\s*rel="next"/.exec(link)![1]! : null;
    }
    const all = (await call(sim, 'GET', '/tickets?per_page=100')).json.tickets.map((t: any) => t.id);
    expect(seen).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 3));
    expect((await call(sim, 'GET', '/tickets?per_page=100')).headers.get('link')).toBeNull();
    for (const bad of ['per_page=101', 'per_page=0', 'per_page=abc', 'page=0']) {
      const r = await call(sim, 'GET', `/tickets?${bad}`);
      expect(r.status, bad).toBe(400);
      expect(r.json.description).toBe('Validation failed');
    }
  });

  it('filters: deleted, spam, requester, email, type and workspaces', async () => {
    const alice = sim.state.userByEmail('alice.martin@acme.example.com')!;
    const byReq = await call(sim, 'GET', `/tickets?requester_id=${alice.id}`);
    expect(byReq.json.tickets.every((t: any) => t.requester_id === alice.id)).toBe(true);
    expect((await call(sim, 'GET', `/tickets?email=${q(alice.email!)}`)).json.tickets.length).toBe(byReq.json.tickets.length);
    expect((await call(sim, 'GET', '/tickets?type=Service+Request')).json.tickets).toEqual([]);
    expect(subjects((await call(sim, 'GET', '/tickets')).json)).not.toContain('Payslip shows wrong tax code');
    expect(subjects((await call(sim, 'GET', '/tickets?workspace_id=3')).json)).toEqual(['Payslip shows wrong tax code']);
    expect(subjects((await call(sim, 'GET', '/tickets?workspace_id=0')).json)).toContain('Payslip shows wrong tax code');
    const id = byReq.json.tickets[0].id;
    expect((await call(sim, 'DELETE', `/tickets/${id}`)).status).toBe(204);
    expect((await call(sim, 'GET', '/tickets')).json.tickets.map((t: any) => t.id)).not.toContain(id);
    const trash = (await call(sim, 'GET', '/tickets?filter=deleted')).json.tickets;
    expect(trash.map((t: any) => t.id)).toEqual([id]);
    expect(trash[0].deleted).toBe(true);
    expect((await call(sim, 'PUT', `/tickets/${id}/restore`)).status).toBe(204);
    expect((await call(sim, 'GET', '/tickets?filter=deleted')).json.tickets).toEqual([]);
    sim.state.tickets.get(id)!.spam = true;
    expect((await call(sim, 'GET', '/tickets?filter=spam')).json.tickets.map((t: any) => t.id)).toEqual([id]);
    expect((await call(sim, 'GET', '/tickets?filter=bogus')).status).toBe(400);
  });
});

describe('GET /tickets/{id}', () => {
  it('embeds include= resources and rejects unknown ones', async () => {
    const t = [...sim.state.tickets.values()].find((x) => x.tags.length > 0)!;
    const plain = (await call(sim, 'GET', `/tickets/${t.id}`)).json.ticket;
    expect(plain).not.toHaveProperty('tags');
    const r = (await call(sim, 'GET', `/tickets/${t.id}?include=tags,requester,stats,requested_for`)).json.ticket;
    expect(r.tags).toEqual(t.tags);
    expect(Object.keys(r.requester).sort()).toEqual(['email', 'id', 'mobile', 'name', 'phone']);
    expect(Object.keys(r.stats)).toEqual(expect.arrayContaining(['first_responded_at', 'resolved_at', 'closed_at']));
    expect((await call(sim, 'GET', `/tickets/${t.id}?include=everything`)).status).toBe(400);
  });

  it('404 with an empty body by default, JSON when switched', async () => {
    const r = await call(sim, 'GET', '/tickets/99999');
    expect(r.status).toBe(404);
    expect(r.text).toBe('');
    sim.state.options.notFoundBody = 'json';
    expect((await call(sim, 'GET', '/tickets/99999')).json).toMatchObject({ code: 'not_found' });
  });
});

describe('POST /tickets', () => {
  it('creates with 201, wraps plain description, returns tags, creates an unknown requester', async () => {
    const r = await call(sim, 'POST', '/tickets', { body: { ...minimalTicket, tags: ['a', 'b'], custom_fields: { it_field: 'Second Choice' } } });
    expect(r.status).toBe(201);
    const t = r.json.ticket;
    expect(t.description).toBe('<div>The printer on floor 2 is offline.</div>');
    expect(t.description_text).toBe('The printer on floor 2 is offline.');
    expect(t.tags).toEqual(['a', 'b']);
    expect(t.custom_fields).toMatchObject({ it_field: 'Second Choice', external_reference: null });
    expect(t.source).toBe(2);
    expect(t.type).toBe('Incident');
    expect(t.workspace_id).toBe(2);
    expect(t.id).toBe(Math.max(...[...sim.state.tickets.keys()]));
    expect(t.requester_id).toBeGreaterThan(2 ** 31);
    expect(sim.state.users.get(t.requester_id)!.email).toBe('new.person@example.org');
    expect(t.created_at).toBe('2025-06-01T12:00:00Z');
  });

  it.each([
    ['no requester', { subject: 's', description: 'd', status: 2, priority: 1 }, 'requester_id', 'missing_field'],
    ['no description', { email: 'a@b.co', subject: 's', status: 2, priority: 1 }, 'description', 'missing_field'],
    ['unknown attribute', { ...minimalTicket, ticket_scope: 1 }, 'ticket_scope', 'invalid_field'],
    ['wrong type', { ...minimalTicket, priority: 'high' }, 'priority', 'datatype_mismatch'],
    ['bad choice', { ...minimalTicket, status: 9 }, 'status', 'invalid_value'],
    ['bad source', { ...minimalTicket, source: 16 }, 'source', 'invalid_value'],
    ['service request', { ...minimalTicket, type: 'Service Request' }, 'type', 'invalid_value'],
    ['unknown group', { ...minimalTicket, group_id: 1 }, 'group_id', 'invalid_value'],
    ['unknown custom field', { ...minimalTicket, custom_fields: { cf_nope: 'x' } }, 'custom_fields.cf_nope', 'invalid_field'],
    ['bad dropdown', { ...minimalTicket, custom_fields: { it_field: 'Third' } }, 'custom_fields.it_field', 'invalid_value'],
    ['bad category', { ...minimalTicket, category: 'Hardware', sub_category: 'Toaster' }, 'sub_category', 'invalid_value'],
    ['phone without name', { subject: 's', description: 'd', status: 2, priority: 1, phone: '555-0100' }, 'name', 'missing_field'],
    ['bad email', { ...minimalTicket, email: 'not-an-email' }, 'email', 'invalid_value'],
  ])('400 %s', async (_name, body, field, code) => {
    const r = await call(sim, 'POST', '/tickets', { body });
    expect(r.status).toBe(400);
    expect(r.json.description).toBe('Validation failed');
    expect(r.json.errors).toContainEqual(expect.objectContaining({ field, code }));
  });

  it('400 invalid_json for malformed JSON', async () => {
    const r = await call(sim, 'POST', '/tickets', { body: '{"subject": ' });
    expect(r.status).toBe(400);
    expect(r.json.errors[0].code).toBe('invalid_json');
  });
});

describe('PUT /tickets/{id}', () => {
  it('replaces tags, bumps updated_at, sets stats on resolve/close', async () => {
    const created = (await call(sim, 'POST', '/tickets', { body: { ...minimalTicket, tags: ['keep', 'drop'] } })).json.ticket;
    clock += 60_000;
    const r = await call(sim, 'PUT', `/tickets/${created.id}`, { body: { tags: ['keep', 'new'], status: 5 } });
    expect(r.status).toBe(200);
    expect(r.json.ticket.tags).toEqual(['keep', 'new']);
    expect(r.json.ticket.updated_at).toBe('2025-06-01T12:01:00Z');
    const stats = (await call(sim, 'GET', `/tickets/${created.id}?include=stats`)).json.ticket.stats;
    expect(stats.closed_at).toBe('2025-06-01T12:01:00Z');
    expect(stats.resolved_at).toBe('2025-06-01T12:01:00Z');
    expect((await call(sim, 'PUT', `/tickets/${created.id}`, { body: { workspace_id: 3 } })).json.errors[0]).toMatchObject({
      field: 'workspace_id',
      code: 'invalid_field',
    });
  });

  it('required_for_closure fields block resolve unless bypass_mandatory (supervisor/admin only)', async () => {
    sim.state.setRequiredForClosure('resolution_code');
    const id = (await call(sim, 'POST', '/tickets', { body: minimalTicket })).json.ticket.id;
    const blocked = await call(sim, 'PUT', `/tickets/${id}`, { body: { status: 4 } });
    expect(blocked.status).toBe(400);
    expect(blocked.json.errors).toContainEqual(expect.objectContaining({ field: 'custom_fields.resolution_code', code: 'missing_field' }));
    expect((await call(sim, 'PUT', `/tickets/${id}?bypass_mandatory=true`, { key: sim.keyFor('agent_only'), body: { status: 4 } })).status).toBe(403);
    expect((await call(sim, 'PUT', `/tickets/${id}?bypass_mandatory=true`, { body: { status: 4 } })).status).toBe(200);
    const id2 = (await call(sim, 'POST', '/tickets', { body: minimalTicket })).json.ticket.id;
    expect((await call(sim, 'PUT', `/tickets/${id2}`, { body: { status: 5, custom_fields: { resolution_code: 'Fixed' } } })).status).toBe(200);
  });
});

describe('conversations', () => {
  it('reply, note, list oldest first; each bumps the ticket updated_at', async () => {
    const id = (await call(sim, 'POST', '/tickets', { body: minimalTicket })).json.ticket.id;
    clock += 1000;
    const reply = await call(sim, 'POST', `/tickets/${id}/reply`, { body: { body: 'First answer' } });
    expect(reply.status).toBe(201);
    clock += 1000;
    const note = await call(sim, 'POST', `/tickets/${id}/notes`, { body: { body: 'Internal' } });
    expect(note.json.conversation).toMatchObject({ private: true, incoming: false, support_email: null });
    expect((await call(sim, 'GET', `/tickets/${id}`)).json.ticket.updated_at).toBe('2025-06-01T12:00:02Z');
    const list = (await call(sim, 'GET', `/tickets/${id}/conversations`)).json.conversations;
    expect(list.map((c: any) => [c.body_text, c.source, c.private, c.incoming])).toEqual([
      ['First answer', 0, false, false],
      ['Internal', 2, true, false],
    ]);
    expect((await call(sim, 'GET', `/tickets/${id}?include=stats`)).json.ticket.stats.first_responded_at).toBe('2025-06-01T12:00:01Z');
    expect((await call(sim, 'PUT', `/conversations/${reply.json.conversation.id}`, { body: { body: 'x' } })).status).toBe(400);
    clock += 1000;
    expect((await call(sim, 'PUT', `/conversations/${note.json.conversation.id}`, { body: { body: 'Edited' } })).json.conversation.body_text).toBe('Edited');
    expect((await call(sim, 'GET', `/tickets/${id}`)).json.ticket.updated_at).toBe('2025-06-01T12:00:03Z');
    expect((await call(sim, 'DELETE', `/conversations/${note.json.conversation.id}`)).status).toBe(204);
    expect((await call(sim, 'GET', `/tickets/${id}/conversations`)).json.conversations).toHaveLength(1);
    expect((await call(sim, 'POST', `/tickets/${id}/notes`, { body: {} })).json.errors[0]).toMatchObject({ field: 'body', code: 'missing_field' });
  });
});

describe('GET /tickets/filter', () => {
  it('supports :, :> and :<, AND/OR, parentheses, quotes, null, and returns total', async () => {
    const run = async (query: string) => (await call(sim, 'GET', `/tickets/filter?query=${q(`"${query}"`)}`)).json;
    const all = [...sim.state.tickets.values()].filter((t) => t.workspace_id === 2 && !t.deleted);
    expect((await run('priority:4 OR priority:3')).total).toBe(all.filter((t) => t.priority >= 3).length);
    expect((await run('priority:>3')).total).toBe(all.filter((t) => t.priority >= 3).length);
    expect((await run('priority:<1')).total).toBe(all.filter((t) => t.priority <= 1).length);
    expect((await run('group_id:null')).tickets.every((t: any) => t.group_id === null)).toBe(true);
    expect((await run("(status:2 OR status:3) AND tag:'onboarding'")).total).toBe(1);
    expect((await run("it_field:'First Choice'")).total).toBe(1);
    expect((await run("created_at:>'2025-05-25' AND created_at:<'2025-06-01'")).total).toBe(all.filter((t) => t.created_at >= Date.parse('2025-05-25')).length);
    expect((await call(sim, 'GET', `/tickets/filter?query=${q('priority:3')}`)).status).toBe(400);
    expect((await call(sim, 'GET', `/tickets/filter?query=${q('"status:open"')}`)).status).toBe(400);
    expect((await call(sim, 'GET', `/tickets/filter?query=${q('"(status:2"')}`)).status).toBe(400);
  });
});

describe('time entries', () => {
  it('CRUD with agent_id mandatory and hh:mm time_spent', async () => {
    const id = [...sim.state.tickets.keys()][0]!;
    const agentId = sim.agents[0]!.id;
    expect((await call(sim, 'POST', `/tickets/${id}/time_entries`, { body: { time_spent: '01:30' } })).json.errors[0]).toMatchObject({
      field: 'agent_id',
      code: 'missing_field',
    });
    expect((await call(sim, 'POST', `/tickets/${id}/time_entries`, { body: { agent_id: agentId, time_spent: '90 min' } })).json.errors[0]).toMatchObject({
      field: 'time_spent',
      code: 'invalid_value',
    });
    const created = await call(sim, 'POST', `/tickets/${id}/time_entries`, { body: { agent_id: agentId, time_spent: '01:30', note: 'Onsite' } });
    expect(created.status).toBe(201);
    const entryId = created.json.time_entry.id;
    expect((await call(sim, 'PUT', `/tickets/${id}/time_entries/${entryId}`, { body: { time_spent: '02:00' } })).json.time_entry.time_spent).toBe('02:00');
    expect((await call(sim, 'GET', `/tickets/${id}/time_entries`)).json.time_entries).toHaveLength(1);
    expect((await call(sim, 'DELETE', `/tickets/${id}/time_entries/${entryId}`)).status).toBe(204);
  });
});
