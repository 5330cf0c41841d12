import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFreshserviceConnector } from '../../src/connectors/freshservice/connector.ts';
import type { WorkspaceChoice } from '../../src/core/sync-config.ts';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';

const DAY = 86_400_000;
let sim: FreshserviceSimulator;
const connect = (workspaces?: WorkspaceChoice) =>
  createFreshserviceConnector(
    { apiUrl: sim.url, apiKey: sim.keyFor('admin') },
    { timeoutMs: 3000, sleep: async () => {}, ...(workspaces ? { workspaces } : {}) },
  );
const calls = (re: RegExp) => sim.requests.filter((r) => r.method === 'GET' && re.test(r.path));
const since = () => new Date(Date.now() - 60 * DAY);
const subjectsOf = (ids: string[]) => ids.map((id) => sim.state.tickets.get(Number(id))!.subject);
const emma = () => String(sim.state.userByEmail('emma.wilson@acme.example.com')!.id);

beforeAll(async () => {
  // A multi-workspace account: IT (2, primary) and HR (3), each with its own tickets, groups and a field of its own.
  sim = await startFreshserviceSimulator({ seed: 'demo', rateLimit: false });
  sim.state.customFields.push({
    id: 990200,
    name: 'hr_case',
    label: 'HR case',
    field_type: 'custom_text',
    choices: [],
    required_for_closure: false,
    required_for_agents: false,
    workspace_id: 3,
  });
  sim.state.createTicket({ subject: 'Parental leave form', requester_id: Number(emma()), workspace_id: 3 });
});
afterAll(async () => sim?.close());
afterEach(() => {
  sim.clearRequests();
  sim.state.options.workspacesEndpoint = true;
});

describe('Freshservice connector on a multi-workspace account', () => {
  it('lists the account’s workspaces; an older account (404) has none', async () => {
    expect(await connect().listWorkspaces!()).toEqual([
      { id: '2', name: 'IT', primary: true },
      { id: '3', name: 'HR', primary: false },
    ]);
    sim.state.options.workspacesEndpoint = false;
    expect(await connect().listWorkspaces!()).toEqual([]);
  });

  it('without a choice: exactly as before (the primary, no workspace_id sent)', async () => {
    const fs = connect();
    const listed = subjectsOf((await fs.listChangedTickets(since())).map((c) => c.id));
    expect(listed).toContain('VPN drops every few minutes');
    expect(listed).not.toContain('Payslip shows wrong tax code');
    const fields = await fs.fieldDefinitions();
    expect(fields.map((f) => f.name)).not.toContain('hr_case');
    for (const r of [...calls(/\/tickets$/), ...calls(/\/ticket_form_fields$/)]) expect(r.query).not.toHaveProperty('workspace_id');
    expect(calls(/\/workspaces$/)).toHaveLength(0);
  });

  it('the chosen workspace only: its changes, its groups and fields, copies created there, out-of-scope tickets unseen', async () => {
    const fs = connect({ ids: ['3'], createIn: null });
    const changes = await fs.listChangedTickets(since());
    expect(subjectsOf(changes.map((c) => c.id)).sort()).toEqual(['Parental leave form', 'Payslip shows wrong tax code']);
    expect(calls(/\/tickets$/).every((r) => r.query.workspace_id === '3')).toBe(true);

    const fields = await fs.fieldDefinitions();
    expect(fields.map((f) => f.name)).toContain('hr_case');
    expect(fields.map((f) => f.name)).not.toContain('it_field');
    expect(fields.find((f) => f.name === 'group')!.choices.map((c) => c.label)).toEqual(['HR Operations']);

    const hrGroup = fields.find((f) => f.name === 'group')!.choices[0]!.value as string;
    const copy = await fs.createTicket({
      type: 'Incident',
      subject: 'Copy into HR',
      description: '<p>x</p>',
      requesterId: emma(),
      marker: 'sf-ws3copy',
      fields: { group: hrGroup },
    });
    expect(sim.state.tickets.get(Number(copy.id))!.workspace_id).toBe(3);
    // The copy is found again by its marker wherever it is (an interrupted create).
    expect((await fs.findTicketByMarker('sf-ws3copy', { subject: 'Copy into HR', createdAfter: new Date(Date.now() - 60_000) }))?.id).toBe(copy.id);
    expect(calls(/\/tickets\/filter$/).at(-1)!.query.workspace_id).toBe('0');

    // A ticket of a workspace not chosen is not there for this side (a webhook hint may name one).
    const vpn = [...sim.state.tickets.values()].find((t) => t.subject.startsWith('VPN drops'))!;
    expect(await fs.getTicket(String(vpn.id))).toBeNull();
    expect((await fs.getTicket(copy.id))?.subject).toBe('Copy into HR');
  });

  it('several workspaces: changes merged without repeats, fields and groups of both, created where configured', async () => {
    const fs = connect({ ids: ['2', '3'], createIn: '3' });
    const changes = await fs.listChangedTickets(since());
    const ids = changes.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(subjectsOf(ids)).toEqual(expect.arrayContaining(['VPN drops every few minutes', 'Payslip shows wrong tax code', 'Parental leave form']));
    expect(changes.map((c) => c.updatedAt)).toEqual([...changes.map((c) => c.updatedAt)].sort());
    expect(
      calls(/\/tickets$/)
        .map((r) => r.query.workspace_id)
        .filter((v, i, a) => a.indexOf(v) === i),
    ).toEqual(['2', '3']);

    const fields = await fs.fieldDefinitions();
    expect(fields.map((f) => f.name)).toEqual(expect.arrayContaining(['it_field', 'hr_case', 'status']));
    expect(fields.filter((f) => f.name === 'status')).toHaveLength(1);
    expect(fields.find((f) => f.name === 'group')!.choices.map((c) => c.label)).toEqual(['Service Desk', 'Network Team', 'Hardware Support', 'HR Operations']);

    const copy = await fs.createTicket({
      type: 'Incident',
      subject: 'Copy into HR again',
      description: '<p>x</p>',
      requesterId: emma(),
      marker: 'sf-ws3copy2',
    });
    expect(sim.state.tickets.get(Number(copy.id))!.workspace_id).toBe(3);
  });

  it('a workspace that no longer exists fails the listing with Freshservice’s words', async () => {
    await expect(connect({ ids: ['7'], createIn: null }).listChangedTickets(since())).rejects.toThrow(
      /workspace_id: There is no workspace matching the given workspace_id/,
    );
  });
});
