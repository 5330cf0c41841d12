import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { call, minimalTicket } from './helpers.ts';

// What real Freshservice refuses, the simulator refuses too, so tests catch a client that sends it.
let sim: FreshserviceSimulator;
beforeAll(async () => {
  sim = await startFreshserviceSimulator();
});
afterAll(async () => sim?.close());
afterEach(() => sim.state.search.release());

const invalidField = (field: string) => ({
  description: 'Validation failed',
  errors: [{ field, message: 'Unexpected/invalid field in request', code: 'invalid_field' }],
});
const ticketId = () => [...sim.state.tickets.values()].find((t) => t.workspace_id === 2 && !t.deleted)!.id;

describe('unknown query parameters: 400 invalid_field', () => {
  it.each([
    ['GET', '/tickets?order_by=updated_at&sort=asc', 'sort'],
    ['GET', '/tickets?per_page=1&updated_after=2020-01-01', 'updated_after'],
    ['GET', `/tickets/filter?query=${encodeURIComponent('"status:2"')}&order_type=asc`, 'order_type'],
    ['GET', '/tickets/{id}?includes=tags', 'includes'],
    ['GET', '/tickets/{id}/conversations?since=2020-01-01', 'since'],
    ['GET', '/agents/me?include=roles', 'include'],
    ['GET', '/agents?name=Tom', 'name'],
    ['GET', '/requesters?primary_email=a%40b.c', 'primary_email'],
    ['GET', '/roles?workspace_id=2', 'workspace_id'],
    ['GET', '/groups?include=members', 'include'],
    ['GET', '/ticket_form_fields?page=1', 'page'],
    ['GET', '/departments?workspace=2', 'workspace'],
    ['POST', '/tickets?bypass_mandatory=true', 'bypass_mandatory'],
    ['DELETE', '/tickets/{id}?force=true', 'force'],
  ])('%s %s', async (method, path, field) => {
    const before = sim.state.tickets.size;
    const r = await call(sim, method, path.replace('{id}', String(ticketId())), method === 'POST' ? { body: minimalTicket } : {});
    expect(r.status).toBe(400);
    expect(r.json).toEqual(invalidField(field));
    expect(sim.state.tickets.size).toBe(before);
  });

  it('names every unknown parameter, not only the first', async () => {
    const r = await call(sim, 'GET', '/groups?a=1&per_page=10&b=2');
    expect(r.json.errors.map((e: any) => e.field)).toEqual(['a', 'b']);
  });

  it.each([
    '/tickets?filter=deleted&requester_id=1&email=a%40b.c&updated_since=2020-01-01&type=Incident&workspace_id=0&order_type=asc&order_by=updated_at&include=stats&page=1&per_page=5',
    `/tickets/filter?query=${encodeURIComponent('"status:2"')}&page=1&per_page=100&workspace_id=2`,
    '/tickets/{id}?include=tags,requester,conversations',
    '/tickets/{id}/conversations?page=1&per_page=100',
    '/agents?email=a%40b.c&active=true&state=fulltime&page=1&per_page=100',
    '/requesters?email=a%40b.c&include_agents=true&page=1&per_page=1',
    '/roles?per_page=100',
    '/groups?per_page=100&workspace_id=2',
    '/ticket_form_fields?workspace_id=3',
    '/workspaces?per_page=100',
  ])('documented parameters pass: %s', async (path) => {
    expect((await call(sim, 'GET', path.replace('{id}', String(ticketId())))).status).toBe(200);
  });
});

describe('ticket text', () => {
  it.each([
    ['empty subject', { subject: '' }, 'subject', 'It should not be blank'],
    ['blank subject', { subject: '   ' }, 'subject', 'It should not be blank'],
    ['subject over 255', { subject: 'x'.repeat(256) }, 'subject', 'Has 256 characters, it can have maximum of 255 characters'],
    ['empty description', { description: '' }, 'description', 'It should not be blank'],
  ])('create with %s: 400, nothing created', async (_name, patch, field, message) => {
    const before = sim.state.tickets.size;
    const r = await call(sim, 'POST', '/tickets', { body: { ...minimalTicket, ...patch } });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ description: 'Validation failed', errors: [{ field, message, code: 'invalid_value' }] });
    expect(sim.state.tickets.size).toBe(before);
  });

  it('a subject of exactly 255 characters (counted as characters, not UTF-16 units) is fine', async () => {
    expect((await call(sim, 'POST', '/tickets', { body: { ...minimalTicket, subject: 'x'.repeat(255) } })).status).toBe(201);
    expect((await call(sim, 'POST', '/tickets', { body: { ...minimalTicket, subject: '😀'.repeat(255) } })).status).toBe(201);
  });

  it('update refuses a blank subject or description and leaves the ticket as it was', async () => {
    const id = (await call(sim, 'POST', '/tickets', { body: minimalTicket })).json.ticket.id;
    for (const body of [{ subject: '' }, { description: ' ' }, { subject: 'y'.repeat(300) }]) {
      expect((await call(sim, 'PUT', `/tickets/${id}`, { body })).status).toBe(400);
    }
    expect(sim.state.tickets.get(id)).toMatchObject({ subject: minimalTicket.subject });
    expect((await call(sim, 'PUT', `/tickets/${id}`, { body: { priority: 3 } })).status).toBe(200);
  });
});

describe('requesters need a last name', () => {
  it('400 missing_field last_name without one (or a blank one); created with one', async () => {
    for (const body of [
      { first_name: 'Solo', primary_email: 'solo@example.org' },
      { first_name: 'Solo', last_name: ' ', primary_email: 'solo@example.org' },
    ]) {
      const r = await call(sim, 'POST', '/requesters', { body });
      expect(r.status).toBe(400);
      expect(r.json.errors).toEqual([{ field: 'last_name', message: 'It should be a/an String', code: 'missing_field' }]);
    }
    expect(sim.state.userByEmail('solo@example.org')).toBeUndefined();
    expect((await call(sim, 'POST', '/requesters', { body: { first_name: 'Solo', last_name: 'Han', primary_email: 'solo@example.org' } })).status).toBe(201);
  });

  it('switchable for accounts that accept a first name only', async () => {
    const lax = await startFreshserviceSimulator({ seed: 'empty', requesterLastNameRequired: false });
    try {
      expect((await call(lax, 'POST', '/requesters', { body: { first_name: 'Solo', primary_email: 'solo@example.org' } })).status).toBe(201);
    } finally {
      await lax.close();
    }
  });
});

describe('search-index lag on /tickets/filter', () => {
  const byTag = async (tag: string) => (await call(sim, 'GET', `/tickets/filter?query=${encodeURIComponent(`"tag:'${tag}'"`)}`)).json;

  it('held: new tickets and new tags are not found until released; lists and views are not affected', async () => {
    const seen = (await call(sim, 'POST', '/tickets', { body: { ...minimalTicket, tags: ['lag-old'] } })).json.ticket.id;
    expect((await byTag('lag-old')).total).toBe(1);
    sim.state.search.hold();
    const created = (await call(sim, 'POST', '/tickets', { body: { ...minimalTicket, tags: ['lag-new'] } })).json.ticket.id;
    await call(sim, 'PUT', `/tickets/${seen}`, { body: { tags: ['lag-renamed'] } });
    expect((await byTag('lag-new')).total).toBe(0);
    expect((await byTag('lag-renamed')).total).toBe(0);
    // Found by what the index still holds, answered as the ticket is now.
    const stale = await byTag('lag-old');
    expect(stale.tickets.map((t: any) => t.id)).toEqual([seen]);
    expect((await call(sim, 'GET', `/tickets/${created}`)).status).toBe(200);
    expect((await call(sim, 'GET', '/tickets?per_page=100')).json.tickets.map((t: any) => t.id)).toContain(created);
    sim.state.search.release();
    expect((await byTag('lag-new')).tickets.map((t: any) => t.id)).toEqual([created]);
    expect((await byTag('lag-renamed')).total).toBe(1);
    expect((await byTag('lag-old')).total).toBe(0);
  });

  it('delay: a change is searchable once it is old enough on the simulator clock', async () => {
    let now = Date.parse('2026-03-02T10:00:00Z');
    const timed = await startFreshserviceSimulator({ now: () => new Date(now), searchLag: { mode: 'delay', ms: 60_000 } });
    try {
      await call(timed, 'POST', '/tickets', { body: { ...minimalTicket, tags: ['slow'] } });
      const count = async () => (await call(timed, 'GET', `/tickets/filter?query=${encodeURIComponent(`"tag:'slow'"`)}`)).json.total;
      expect(await count()).toBe(0);
      now += 59_000;
      expect(await count()).toBe(0);
      now += 1_000;
      expect(await count()).toBe(1);
    } finally {
      await timed.close();
    }
  });

  it('a searchLag fault, switched and cleared with the other faults', async () => {
    sim.faults.set({ searchLag: { mode: 'held' } });
    const id = (await call(sim, 'POST', '/tickets', { body: { ...minimalTicket, tags: ['lag-fault'] } })).json.ticket.id;
    expect((await byTag('lag-fault')).total).toBe(0);
    sim.faults.clear();
    expect(sim.state.search.current).toEqual({ mode: 'off' });
    expect((await byTag('lag-fault')).tickets.map((t: any) => t.id)).toEqual([id]);
    expect((await call(sim, 'PUT', '/_sim/faults', { key: null, body: { searchLag: { mode: 'held' } } })).status).toBe(200);
    expect(sim.state.search.current).toEqual({ mode: 'held' });
    expect((await call(sim, 'PUT', '/_sim/faults', { key: null, body: { searchLag: null } })).status).toBe(200);
    expect(sim.state.search.current).toEqual({ mode: 'off' });
  });

  it('switched over HTTP for out-of-process simulators', async () => {
    const put = (body: unknown) => call(sim, 'PUT', '/_sim/search-lag', { body, key: null });
    expect((await put({ mode: 'held' })).json).toEqual({ mode: 'held' });
    expect((await call(sim, 'GET', '/_sim/search-lag', { key: null })).json).toEqual({ mode: 'held' });
    expect((await put({ mode: 'sometimes' })).status).toBe(400);
    expect((await put({ mode: 'off' })).json).toEqual({ mode: 'off' });
  });
});

describe('custom ticket sources', () => {
  it('created with id ≥ 1001, listed in ticket_form_fields, usable on tickets; unknown ids still refused', async () => {
    const r = await call(sim, 'POST', '/ticket_fields/sources', { body: { name: 'Partner portal' } });
    expect(r.status).toBe(201);
    expect(r.json.source).toMatchObject({ choice_id: 1001, value: 'Partner portal', visible: true, default: false });
    expect(Object.keys(r.json.source).sort()).toEqual(['choice_id', 'created_at', 'default', 'id', 'position', 'updated_at', 'value', 'visible']);
    const helper = sim.state.addTicketSource('Monitoring');
    expect(helper.choice_id).toBe(1002);
    const fields = (await call(sim, 'GET', '/ticket_form_fields')).json.ticket_fields;
    const source = fields.find((f: any) => f.name === 'source');
    expect(source.choices).toContainEqual({ id: 1001, value: 'Partner portal' });
    expect(source.choices).toContainEqual({ id: 1002, value: 'Monitoring' });
    expect(source.choices).toContainEqual({ id: 2, value: 'Portal' });
    const created = await call(sim, 'POST', '/tickets', { body: { ...minimalTicket, source: 1001 } });
    expect(created.status).toBe(201);
    expect(created.json.ticket.source).toBe(1001);
    expect((await call(sim, 'PUT', `/tickets/${created.json.ticket.id}`, { body: { source: 1002 } })).json.ticket.source).toBe(1002);
    expect((await call(sim, 'POST', '/tickets', { body: { ...minimalTicket, source: 1003 } })).json.errors[0]).toMatchObject({
      field: 'source',
      code: 'invalid_value',
    });
  });

  it('a duplicate or blank name is refused; only admins create sources', async () => {
    expect((await call(sim, 'POST', '/ticket_fields/sources', { body: { name: 'portal' } })).json.errors[0].code).toBe('duplicate_value');
    expect((await call(sim, 'POST', '/ticket_fields/sources', { body: { name: '  ' } })).status).toBe(400);
    expect((await call(sim, 'POST', '/ticket_fields/sources', { body: { name: 'X', colour: 'red' } })).json.errors[0].code).toBe('invalid_field');
    expect((await call(sim, 'POST', '/ticket_fields/sources', { key: sim.keyFor('agent_only'), body: { name: 'Mine' } })).status).toBe(403);
  });
});

describe('roles as older and custom accounts name them', () => {
  it('an SD Agent + SD Supervisor agent works tickets; Account Admin does not widen selected groups', async () => {
    const sdAgent = sim.state.addRole({ name: 'SD Agent', role_type: 2, acts_as: ['IT Agent'] });
    const sdSupervisor = sim.state.addRole({ name: 'SD Supervisor', role_type: 2, acts_as: ['IT Supervisor'] });
    const network = [...sim.state.groups.values()].find((g) => g.name === 'Network Team')!.id;
    const original = structuredClone(sim.state.agentByProfile('selected')!.agent.roles);
    sim.state.setAgent('selected', {
      agent: {
        roles: [
          { role_id: sdAgent.id, assignment_scope: 'specified_groups', groups: [network] },
          { role_id: sdSupervisor.id, assignment_scope: 'specified_groups', groups: [network] },
          { role_id: sim.state.roleByName('Account Admin').id, assignment_scope: 'entire_helpdesk', groups: [] },
        ],
      },
    });
    try {
      const key = sim.keyFor('selected');
      const listed = (await call(sim, 'GET', '/tickets?updated_since=2000-01-01', { key })).json.tickets;
      expect(listed.length).toBeGreaterThan(0);
      expect(listed.every((t: any) => t.group_id === network)).toBe(true);
      const roles = (await call(sim, 'GET', '/roles?per_page=100', { key })).json.roles;
      expect(roles.find((r: any) => r.id === sdSupervisor.id)).toMatchObject({ name: 'SD Supervisor', role_type: 2 });
      expect(roles.every((r: any) => !('acts_as' in r))).toBe(true);
    } finally {
      sim.state.setAgent('selected', { agent: { roles: original } });
    }
  });
});
