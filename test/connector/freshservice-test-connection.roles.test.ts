import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
// The guide's Troubleshooting section lives in the platform's manifest.
import { FRESHSERVICE_TROUBLESHOOTING as TROUBLESHOOTING_HINTS } from '../../src/connectors/freshservice/manifest.ts';
import { testFreshserviceConnection } from '../../src/connectors/freshservice/test-connection.ts';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import type { AgentRole } from '../../src/simulator/freshservice/model.ts';

// Test Connection judges roles by what they let the agent do: older names, custom roles, and Account Admin
// beside an agent limited to some groups.
let sim: FreshserviceSimulator;
let original: AgentRole[];
let originalMemberOf: number[];
beforeAll(async () => {
  sim = await startFreshserviceSimulator({ seed: 'demo' });
  original = structuredClone(sim.state.agentByProfile('selected')!.agent.roles);
  originalMemberOf = [...sim.state.agentByProfile('selected')!.agent.member_of];
});
afterAll(async () => sim?.close());
afterEach(() => {
  sim.state.setAgent('selected', { agent: { roles: structuredClone(original), member_of: [...originalMemberOf] } });
});

const run = () => testFreshserviceConnection({ apiUrl: sim.url, apiKey: sim.keyFor('selected') }, { timeoutMs: 5000 });
const group = (name: string) => [...sim.state.groups.values()].find((g) => g.name === name)!.id;
const role = (name: string) => sim.state.roleByName(name).id;
const accountAdmin = (): AgentRole => ({ role_id: role('Account Admin'), assignment_scope: 'entire_helpdesk', groups: [] });
const everywhere = (role_id: number): AgentRole => ({ role_id, assignment_scope: 'entire_helpdesk', groups: [] });
const withRoles = (roles: AgentRole[], member_of?: number[]) => sim.state.setAgent('selected', { agent: { roles, ...(member_of ? { member_of } : {}) } });

describe('roles by rights, not names', () => {
  it('older names SD Agent and SD Supervisor pass without a warning', async () => {
    const sdAgent = sim.state.addRole({ name: 'SD Agent', role_type: 2, acts_as: ['IT Agent'] });
    const sdSupervisor = sim.state.addRole({ name: 'SD Supervisor', role_type: 2, acts_as: ['IT Supervisor'] });
    withRoles([everywhere(sdAgent.id), everywhere(sdSupervisor.id), accountAdmin()]);
    const r = await run();
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect([...r.roles].sort()).toEqual(['Account Admin', 'IT Agent', 'IT Supervisor']);
    expect(r.checks.find((c) => c.id === 'roles')?.detail).toBe('SD Agent, SD Supervisor, Account Admin');
    expect(r.warnings).toEqual([]);
    expect(r.groupAccess.scope).toBe('all');
  });

  it('a custom role with the rights passes, with a warning naming it', async () => {
    const lead = sim.state.addRole({ name: 'Helpdesk Lead', role_type: 2, acts_as: ['IT Agent', 'IT Supervisor'] });
    withRoles([everywhere(lead.id), accountAdmin()]);
    const r = await run();
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/"Helpdesk Lead"/);
    expect(r.warnings[0]).toMatch(/IT Agent and IT Supervisor/);
  });

  it('a custom admin role in place of Account Admin passes when the lookups work, with a warning', async () => {
    const ops = sim.state.addRole({ name: 'Ops Admin', role_type: 1, acts_as: ['Account Admin'] });
    withRoles([everywhere(role('IT Agent')), everywhere(role('IT Supervisor')), everywhere(ops.id)]);
    const r = await run();
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.warnings.join(' ')).toMatch(/"Ops Admin".*Account Admin/);
  });

  it('missing rights fail with the existing message and the guide hints', async () => {
    withRoles([everywhere(role('IT Agent')), everywhere(role('Problem Manager')), accountAdmin()]);
    const r = await run();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('permission_denied');
    expect(r.error.message).toBe('The agent lacks the role IT Supervisor. It needs all three: IT Agent, IT Supervisor, Account Admin.');
    expect(r.error.hints).toEqual(TROUBLESHOOTING_HINTS.permission_denied);
    expect(r.checks.find((c) => c.id === 'roles')?.status).toBe('failed');
  });
});

describe('group access comes from the agent roles, not from Account Admin', () => {
  it('Member of Selected Groups stays selected beside Account Admin (the seeded profile)', async () => {
    const r = await run();
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(sim.state.agentByProfile('selected')!.agent.roles.some((x) => x.assignment_scope === 'entire_helpdesk')).toBe(true);
    expect(r.groupAccess).toEqual({ scope: 'selected', groups: [{ id: group('Network Team'), name: 'Network Team' }] });
    expect(r.checks.find((c) => c.id === 'groups')?.detail).toBe('Member of Selected Groups: Network Team');
  });

  it('member groups beside Account Admin: the groups the agent is a member of', async () => {
    withRoles(
      [
        { role_id: role('IT Agent'), assignment_scope: 'member_groups', groups: [] },
        { role_id: role('IT Supervisor'), assignment_scope: 'member_groups', groups: [] },
        accountAdmin(),
      ],
      [group('Service Desk'), group('Hardware Support')],
    );
    const r = await run();
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.groupAccess.scope).toBe('selected');
    expect(r.groupAccess.groups.map((g) => g.name).sort()).toEqual(['Hardware Support', 'Service Desk']);
  });

  it('Assigned tickets beside Account Admin is reported as such (and fails: no group reached)', async () => {
    withRoles([
      { role_id: role('IT Agent'), assignment_scope: 'assigned_items', groups: [] },
      { role_id: role('IT Supervisor'), assignment_scope: 'assigned_items', groups: [] },
      accountAdmin(),
    ]);
    const r = await run();
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('permission_denied');
    expect(r.error.message).toMatch(/Assigned tickets/);
    expect(r.checks.find((c) => c.id === 'groups')?.status).toBe('failed');
  });

  it('selected groups plus assigned tickets: the groups, and says so', async () => {
    withRoles([
      { role_id: role('IT Agent'), assignment_scope: 'assigned_items', groups: [] },
      { role_id: role('IT Supervisor'), assignment_scope: 'specified_groups', groups: [group('Network Team')] },
      accountAdmin(),
    ]);
    const r = await run();
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.groupAccess).toEqual({ scope: 'selected', groups: [{ id: group('Network Team'), name: 'Network Team' }] });
    expect(r.warnings.join(' ')).toMatch(/Network Team, and tickets assigned to it/);
  });
});
