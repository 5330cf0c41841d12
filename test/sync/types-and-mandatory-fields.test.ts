import { afterEach, describe, expect, it } from 'vitest';
import { setMandatoryFields } from '../../src/simulator/freshservice/mandatory-fields.ts';
import { humanCall, nextSecond, startSyncPair, ticketsOf, type SyncPair } from '../helpers/sync-pair.ts';

let pair: SyncPair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

const copies = (p: SyncPair) => ticketsOf(p.target.sim).filter((t) => t.tags.some((tag) => /^sf-[0-9a-f]{16}$/.test(tag)));
const TYPE_LINE = '<div><strong>Type:</strong> Service Request</div>';
const since = () => new Date(Date.now() - 60_000).toISOString();

/** A service request raised on the source (through its catalogue, so straight into the simulator's state). */
function serviceRequest(p: SyncPair, subject: string) {
  const requester = [...p.source.sim.state.users.values()].find((u) => u.agent === null && u.email)!;
  return p.source.sim.state.createTicket({
    subject,
    description: 'Please order a laptop for Carla.',
    requester_id: requester.id,
    type: 'Service Request',
    tags: ['sr-test'],
  });
}

describe('ticket types the target cannot create', { timeout: 300_000 }, () => {
  it('a Service Request arrives on Freshservice as an Incident whose description names the original type, also after an update', async () => {
    pair = await startSyncPair();
    await pair.configure('source', { filters: { tags: ['sr-test'] } });
    const sr = serviceRequest(pair, 'New laptop for Carla');
    const run = await pair.sync();
    expect(run.status).toBe('success');
    expect(run.details).toEqual([expect.objectContaining({ outcome: 'created', sourceTicketId: String(sr.id) })]);
    const [copy] = copies(pair);
    expect(copy!.type).toBe('Incident');
    expect(copy!.description.startsWith(TYPE_LINE)).toBe(true);
    expect(copy!.description).toContain('Please order a laptop for Carla.');
    // One create, and it was accepted: the platform never saw a Service Request.
    expect(pair.target.sim.requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/tickets').map((r) => r.status)).toEqual([201]);
    // The ticket's timeline says why the copy is an Incident.
    const timeline = await pair.stack.app.inject({
      url: `/api/v1/connections/${pair.connectionId}/tickets/source/${sr.id}/timeline`,
      headers: pair.source.auth,
    });
    const mapped = timeline.json().events.find((e: { kind: string }) => e.kind === 'mapped');
    expect(mapped.summary).toMatch(
      /^Mapped for .* as Incident \(its platform cannot create Service Request; the description starts with "Type: Service Request"\): /,
    );

    await nextSecond();
    await humanCall(pair.source.sim, 'PUT', `/tickets/${sr.id}`, { description: 'Please order a laptop and a dock for Carla.' });
    const again = await pair.sync(since());
    expect(again.details).toEqual([expect.objectContaining({ outcome: 'updated' })]);
    const [updated] = copies(pair);
    expect(updated!.type).toBe('Incident');
    expect(updated!.description.startsWith(TYPE_LINE)).toBe(true);
    expect(updated!.description).toContain('a laptop and a dock');
    expect(updated!.description.split(TYPE_LINE)).toHaveLength(2);
  });

  it('a mapping whose target type is Service Request creates Incidents with the type named', async () => {
    pair = await startSyncPair();
    await pair.configure('source', { filters: { tags: ['onboarding'] } });
    const r = await pair.stack.app.inject({ url: `/api/v1/connections/${pair.connectionId}/mappings`, headers: pair.source.auth });
    const mappings = r.json().mappings;
    mappings.types.Incident.targetType = 'Service Request';
    await pair.saveMappings(mappings);
    const run = await pair.sync();
    expect(run.status).toBe('success');
    const [copy] = copies(pair);
    expect(copy!.type).toBe('Incident');
    expect(copy!.description.startsWith(TYPE_LINE)).toBe(true);
  });
});

describe('fields the target makes mandatory', { timeout: 300_000 }, () => {
  it('a copy without a value for a mandatory field fails before any write, says to set a default, and lands once one is set', async () => {
    pair = await startSyncPair();
    setMandatoryFields(pair.target.sim.state, { requiredForAgents: ['it_field'], requiredForClosure: [] });
    await pair.configure('source', { filters: { tags: ['onboarding'] } });
    const org = pair.target.organisation.name;
    pair.target.sim.clearRequests();
    const run = await pair.sync();
    expect(run.status).toBe('partial');
    expect(run.details).toEqual([
      expect.objectContaining({ outcome: 'failed', error: expect.stringContaining(`set a default for IT field in ${org}'s configuration`) }),
    ]);
    // Nothing was written: no ticket, no requester created.
    expect(pair.target.sim.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(copies(pair)).toHaveLength(0);

    await pair.configure('target', { defaults: { fields: { it_field: 'Second Choice' } } });
    const again = await pair.sync();
    expect(again.status).toBe('success');
    expect(again.details).toEqual([expect.objectContaining({ outcome: 'created' })]);
    const [copy] = copies(pair);
    expect(copy!.custom_fields.it_field).toBe('Second Choice');
  });

  it('a close the target would refuse for a field required for closure is not attempted; the other changes land', async () => {
    pair = await startSyncPair();
    setMandatoryFields(pair.target.sim.state, { requiredForAgents: [], requiredForClosure: ['resolution_code'] });
    await pair.configure('source', { filters: { tags: ['onboarding'] } });
    await pair.sync();
    const src = ticketsOf(pair.source.sim).find((t) => t.tags.includes('onboarding'))!;
    await nextSecond();
    await humanCall(pair.source.sim, 'PUT', `/tickets/${src.id}`, { status: 5, subject: 'Salesforce access granted' });
    pair.target.sim.clearRequests();
    const run = await pair.sync(since());
    expect(run.status).toBe('partial');
    expect(run.details).toEqual([
      expect.objectContaining({ outcome: 'failed', error: expect.stringMatching(/requires "Resolution code" before a ticket is closed/) }),
    ]);
    const [copy] = copies(pair);
    expect([copy!.subject, copy!.status]).toEqual(['Salesforce access granted', 2]);
    // The platform was never asked to close (no refused PUT).
    expect(pair.target.sim.requests.filter((r) => r.method === 'PUT').map((r) => r.status)).toEqual([200]);
  });
});
