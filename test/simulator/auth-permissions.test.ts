import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { basic, call, minimalTicket } from './helpers.ts';

let sim: FreshserviceSimulator;
beforeAll(async () => {
  sim = await startFreshserviceSimulator();
});
afterAll(async () => {
  await sim.close();
});

const groupId = (name: string) => [...sim.state.groups.values()].find((g) => g.name === name)!.id;

describe('authentication', () => {
  it.each([
    ['no header', null, 'invalid_credentials'],
    ['unknown key', basic('0000000000'), 'invalid_credentials'],
    ['key not base64-encoded', 'Basic not-base64!!', 'invalid_credentials'],
    ['bearer scheme', 'Bearer abc', 'invalid_credentials'],
    ['user/password', basic('admin@acme.example.com', 'secret'), 'unsupported_authentication_type'],
  ])('401 %s', async (_name, authorization, code) => {
    const r = await call(sim, 'GET', '/agents/me', { key: null, headers: authorization ? { authorization } : {} });
    expect(r.status).toBe(401);
    expect(r.json.code).toBe(code);
    expect(r.headers.get('x-ratelimit-remaining')).not.toBeNull();
  });

  it('any password works with a valid key', async () => {
    expect((await call(sim, 'GET', '/agents/me', { key: null, headers: { authorization: basic(sim.keyFor('admin'), 'anything') } })).status).toBe(200);
  });

  it.each(['no_api_key', 'inactive'])('401 invalid_credentials for the %s profile on every call', async (profile) => {
    for (const path of ['/agents/me', '/tickets']) {
      const r = await call(sim, 'GET', path, { key: sim.keyFor(profile) });
      expect(r.status).toBe(401);
      expect(r.json).toEqual({ code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' });
    }
  });

  it('keys are deterministic per account and profile; keyFor throws for an unknown profile', async () => {
    const again = await startFreshserviceSimulator({ seed: 'empty' });
    const other = await startFreshserviceSimulator({ name: 'globex' });
    try {
      expect(again.keyFor('admin')).toBe(sim.keyFor('admin'));
      expect(other.keyFor('admin')).not.toBe(sim.keyFor('admin'));
      expect(() => sim.keyFor('root')).toThrow(/Unknown agent profile/);
      expect(again.state.tickets.size).toBe(0);
      expect(sim.agents.find((a) => a.profile === 'admin')!.email).toBe('support-fusion@acme.example.com');
    } finally {
      await Promise.all([again.close(), other.close()]);
    }
  });
});

describe('role permissions', () => {
  const adminOnly = ['/roles', '/agents', '/requesters', '/ticket_form_fields', '/departments', '/workspaces'];

  it.each(['agent_only', 'supervisor_only'])('%s: 403 access_denied on admin APIs, /agents/me allowed', async (profile) => {
    const key = sim.keyFor(profile);
    expect((await call(sim, 'GET', '/agents/me', { key })).status).toBe(200);
    for (const path of adminOnly) {
      const r = await call(sim, 'GET', path, { key });
      expect(r.status, path).toBe(403);
      expect(r.json).toEqual({ code: 'access_denied', message: 'You are not authorized to perform this action.' });
    }
    expect((await call(sim, 'GET', '/groups', { key })).status).toBe(200);
    expect((await call(sim, 'GET', '/tickets', { key })).status).toBe(200);
    expect((await call(sim, 'POST', '/groups', { key, body: { name: 'X' } })).status).toBe(403);
  });

  it('Account Admin alone: admin APIs and groups, but no tickets', async () => {
    sim.state.setAgent('selected', {
      agent: { roles: [{ role_id: sim.state.roleByName('Account Admin').id, assignment_scope: 'entire_helpdesk', groups: [] }] },
    });
    try {
      const key = sim.keyFor('selected');
      for (const path of [...adminOnly, '/groups']) expect((await call(sim, 'GET', path, { key })).status, path).toBe(200);
      expect((await call(sim, 'GET', '/tickets', { key })).status).toBe(403);
      expect((await call(sim, 'POST', '/tickets', { key, body: minimalTicket })).status).toBe(403);
    } finally {
      const network = groupId('Network Team');
      sim.state.setAgent('selected', {
        agent: {
          roles: ['IT Agent', 'IT Supervisor', 'Account Admin'].map((n) => ({
            role_id: sim.state.roleByName(n as 'IT Agent').id,
            assignment_scope: 'specified_groups' as const,
            groups: [network],
          })),
        },
      });
    }
  });

  it('DELETE /tickets/{id} needs IT Supervisor or Account Admin', async () => {
    const id = (await call(sim, 'POST', '/tickets', { body: minimalTicket })).json.ticket.id;
    expect((await call(sim, 'DELETE', `/tickets/${id}`, { key: sim.keyFor('agent_only') })).status).toBe(403);
    expect((await call(sim, 'DELETE', `/tickets/${id}`, { key: sim.keyFor('supervisor_only') })).status).toBe(204);
  });
});

describe('group scope', () => {
  it('specified_groups: lists only the group, 403 on other tickets and their conversations', async () => {
    const key = sim.keyFor('selected');
    const network = groupId('Network Team');
    const listed = (await call(sim, 'GET', '/tickets?updated_since=2000-01-01', { key })).json.tickets;
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((t: any) => t.group_id === network)).toBe(true);
    const other = [...sim.state.tickets.values()].find((t) => t.group_id !== network && t.workspace_id === 2)!;
    for (const [method, path, body] of [
      ['GET', `/tickets/${other.id}`, undefined],
      ['PUT', `/tickets/${other.id}`, { priority: 1 }],
      ['GET', `/tickets/${other.id}/conversations`, undefined],
      ['POST', `/tickets/${other.id}/notes`, { body: 'x' }],
    ] as const) {
      expect(await call(sim, method, path, { key, body })).toMatchObject({ status: 403 });
    }
    const filtered = (await call(sim, 'GET', `/tickets/filter?query=${encodeURIComponent('"status:2 OR status:3 OR status:4 OR status:5"')}`, { key })).json;
    expect(filtered.tickets.every((t: any) => t.group_id === network)).toBe(true);
    expect((await call(sim, 'POST', '/tickets', { key, body: { ...minimalTicket, group_id: groupId('Service Desk') } })).status).toBe(403);
    expect((await call(sim, 'POST', '/tickets', { key, body: { ...minimalTicket, group_id: network } })).status).toBe(201);
  });

  it('member_groups: member_of groups plus tickets assigned to the agent', async () => {
    const me = sim.state.agentByProfile('agent_only')!;
    sim.state.setAgent('agent_only', {
      agent: { roles: [{ role_id: sim.state.roleByName('IT Agent').id, assignment_scope: 'member_groups', groups: [] }], member_of: [groupId('Service Desk')] },
    });
    try {
      const mine = sim.state.createTicket({ subject: 'Assigned to me', requester_id: me.id, group_id: groupId('Network Team'), responder_id: me.id });
      const listed = (await call(sim, 'GET', '/tickets', { key: sim.keyFor('agent_only') })).json.tickets;
      expect(listed.every((t: any) => t.group_id === groupId('Service Desk') || t.responder_id === me.id)).toBe(true);
      expect(listed.map((t: any) => t.id)).toContain(mine.id);
    } finally {
      sim.state.setAgent('agent_only', {
        agent: { roles: [{ role_id: sim.state.roleByName('IT Agent').id, assignment_scope: 'entire_helpdesk', groups: [] }] },
      });
    }
  });
});

describe('protocol errors', () => {
  it('404 unknown path, 405 wrong verb, 406 Accept, 415 Content-Type', async () => {
    expect((await call(sim, 'GET', '/nothing-here')).status).toBe(404);
    expect((await call(sim, 'GET', '/api/tickets')).status).toBe(404);
    const put = await call(sim, 'PUT', '/tickets', { body: {} });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
    expect((await call(sim, 'GET', '/tickets', { headers: { accept: 'application/xml' } })).status).toBe(406);
    expect((await call(sim, 'GET', '/tickets', { headers: { accept: 'application/json, text/plain' } })).status).toBe(200);
    expect((await call(sim, 'POST', '/tickets', { body: '<ticket/>', headers: { 'content-type': 'application/xml' } })).status).toBe(415);
    const form = new FormData();
    form.set('first_name', 'X');
    expect((await call(sim, 'POST', '/requesters', { form })).status).toBe(415);
  });
});

describe('requesters', () => {
  it('lookup by email and query, create, duplicate', async () => {
    const byEmail = (await call(sim, 'GET', '/requesters?email=alice.martin%40acme.example.com')).json.requesters;
    expect(byEmail.map((r: any) => r.first_name)).toEqual(['Alice']);
    const byQuery = (await call(sim, 'GET', `/requesters?query=${encodeURIComponent(`"primary_email:'bob.chen@acme.example.com'"`)}`)).json.requesters;
    expect(byQuery.map((r: any) => r.first_name)).toEqual(['Bob']);
    const created = await call(sim, 'POST', '/requesters', { body: { first_name: 'Zoe', last_name: 'Ng', primary_email: 'zoe@example.org' } });
    expect(created.status).toBe(201);
    expect(created.json.requester.id).toBeGreaterThan(2 ** 31);
    expect((await call(sim, 'POST', '/requesters', { body: { first_name: 'Zoe', last_name: 'Ng', primary_email: 'zoe@example.org' } })).status).toBe(409);
    expect((await call(sim, 'POST', '/requesters', { body: { first_name: 'Nobody' } })).json.errors[0].code).toBe('missing_field');
    expect((await call(sim, 'GET', '/requesters')).json.requesters.every((r: any) => r.is_agent === false)).toBe(true);
    expect((await call(sim, 'GET', '/requesters?include_agents=true&per_page=100')).json.requesters.some((r: any) => r.is_agent)).toBe(true);
  });
});
