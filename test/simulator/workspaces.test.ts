import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { call } from './helpers.ts';

// Workspaces [spec 5.3, 5.5, 5.10, 7.3, 7.6]: lists hold the primary workspace's records unless
// workspace_id names another; 0 means all for tickets (list and filter), with global fields only.

let sim: FreshserviceSimulator;
const since = encodeURIComponent(new Date(Date.now() - 60 * 86_400_000).toISOString());
const subjects = (json: any): string[] => json.tickets.map((t: any) => t.subject);

beforeAll(async () => {
  sim = await startFreshserviceSimulator({ seed: 'demo', rateLimit: false });
  // A workspace-scoped custom field in HR: present on its tickets, absent from an all-workspace list.
  sim.state.customFields.push({
    id: 990100,
    name: 'hr_case',
    label: 'HR case',
    field_type: 'custom_text',
    choices: [],
    required_for_closure: false,
    required_for_agents: false,
    workspace_id: 3,
  });
  const emma = sim.state.userByEmail('emma.wilson@acme.example.com')!;
  sim.state.createTicket({ subject: 'Parental leave form', requester_id: emma.id, workspace_id: 3, custom_fields: { hr_case: 'HR-7' } });
});
afterAll(async () => sim?.close());

describe('workspaces in the simulator', () => {
  it('GET /workspaces lists the account’s workspaces, one primary; an older account answers 404', async () => {
    const r = await call(sim, 'GET', '/workspaces');
    expect(r.json.workspaces.map((w: any) => [w.id, w.name, w.primary])).toEqual([
      [2, 'IT', true],
      [3, 'HR', false],
    ]);
    expect((await call(sim, 'GET', '/workspaces/3')).json.workspace).toMatchObject({ id: 3, name: 'HR', type: 'workspace', state: 'active' });
    sim.state.options.workspacesEndpoint = false;
    try {
      expect((await call(sim, 'GET', '/workspaces')).status).toBe(404);
      expect((await call(sim, 'GET', '/workspaces/2')).status).toBe(404);
    } finally {
      sim.state.options.workspacesEndpoint = true;
    }
  });

  it.each([
    ['no workspace_id: the primary only', '', { has: ['VPN drops every few minutes'], not: ['Payslip shows wrong tax code', 'Parental leave form'] }],
    ['workspace_id=2: the primary', '&workspace_id=2', { has: ['VPN drops every few minutes'], not: ['Payslip shows wrong tax code'] }],
    [
      'workspace_id=3: that workspace only',
      '&workspace_id=3',
      { has: ['Payslip shows wrong tax code', 'Parental leave form'], not: ['VPN drops every few minutes'] },
    ],
    [
      'workspace_id=0: every workspace',
      '&workspace_id=0',
      { has: ['VPN drops every few minutes', 'Payslip shows wrong tax code', 'Parental leave form'], not: [] },
    ],
  ])('GET /tickets, %s', async (_name, param, expected) => {
    const list = subjects((await call(sim, 'GET', `/tickets?updated_since=${since}${param}`)).json);
    for (const s of expected.has) expect(list).toContain(s);
    for (const s of expected.not) expect(list).not.toContain(s);
  });

  it('GET /tickets/filter follows the same scope', async () => {
    const query = encodeURIComponent('"priority:>1"');
    expect(subjects((await call(sim, 'GET', `/tickets/filter?query=${query}`)).json)).not.toContain('Payslip shows wrong tax code');
    expect(subjects((await call(sim, 'GET', `/tickets/filter?query=${query}&workspace_id=3`)).json).sort()).toEqual([
      'Parental leave form',
      'Payslip shows wrong tax code',
    ]);
    expect(subjects((await call(sim, 'GET', `/tickets/filter?query=${query}&workspace_id=0`)).json)).toContain('Payslip shows wrong tax code');
  });

  it('workspace_id=0 lists carry global custom fields only; a workspace list carries its own', async () => {
    const leave = (json: any) => json.tickets.find((t: any) => t.subject === 'Parental leave form');
    expect(leave((await call(sim, 'GET', `/tickets?updated_since=${since}&workspace_id=3`)).json).custom_fields).toMatchObject({ hr_case: 'HR-7' });
    const all = leave((await call(sim, 'GET', `/tickets?updated_since=${since}&workspace_id=0`)).json).custom_fields;
    expect(all).not.toHaveProperty('hr_case');
    expect(all).toHaveProperty('external_reference');
  });

  it('unknown workspace ids are refused with the field named', async () => {
    for (const path of ['/tickets?workspace_id=9', '/groups?workspace_id=9', '/ticket_form_fields?workspace_id=9', '/tickets?workspace_id=x']) {
      const r = await call(sim, 'GET', path);
      expect(r.status, path).toBe(400);
      expect(r.json.errors[0].field).toBe('workspace_id');
    }
  });

  it('groups and ticket_form_fields: the primary by default, another workspace when named (no cross-workspace group list)', async () => {
    const groups = async (q: string) => (await call(sim, 'GET', `/groups${q}`)).json.groups.map((g: any) => g.name);
    expect(await groups('')).toEqual(['Service Desk', 'Network Team', 'Hardware Support']);
    expect(await groups('?workspace_id=3')).toEqual(['HR Operations']);
    expect((await call(sim, 'GET', '/groups?workspace_id=0')).status).toBe(400);
    const fields = async (q: string) => (await call(sim, 'GET', `/ticket_form_fields${q}`)).json.ticket_fields;
    const names = (fs: any[]) => fs.map((f) => f.name);
    const groupChoices = (fs: any[]) => fs.find((f) => f.name === 'group').choices.map((c: any) => c.value);
    const primary = await fields('');
    expect(names(primary)).toEqual(expect.arrayContaining(['it_field', 'external_reference']));
    expect(names(primary)).not.toContain('hr_case');
    expect(groupChoices(primary)).not.toContain('HR Operations');
    const hr = await fields('?workspace_id=3');
    expect(names(hr)).toEqual(expect.arrayContaining(['hr_case', 'external_reference']));
    expect(names(hr)).not.toContain('it_field');
    expect(groupChoices(hr)).toEqual(['HR Operations']);
  });

  it('a ticket is created in the workspace named, with that workspace’s groups and fields only', async () => {
    const hrGroup = [...sim.state.groups.values()].find((g) => g.name === 'HR Operations')!.id;
    const base = { subject: 'Created in HR', description: 'x', status: 2, priority: 1, email: 'emma.wilson@acme.example.com' };
    const created = await call(sim, 'POST', '/tickets', { body: { ...base, workspace_id: 3, group_id: hrGroup, custom_fields: { hr_case: 'HR-8' } } });
    expect(created.status).toBe(201);
    expect(created.json.ticket).toMatchObject({ workspace_id: 3, group_id: hrGroup });
    expect(sim.state.tickets.get(created.json.ticket.id)!.workspace_id).toBe(3);
    const wrongGroup = await call(sim, 'POST', '/tickets', { body: { ...base, group_id: hrGroup } });
    expect(wrongGroup.json.errors).toEqual([expect.objectContaining({ field: 'group_id', code: 'invalid_value' })]);
    const unknown = await call(sim, 'POST', '/tickets', { body: { ...base, workspace_id: 9 } });
    expect(unknown.json.errors).toEqual([expect.objectContaining({ field: 'workspace_id', code: 'invalid_value' })]);
  });
});
