import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError, type TicketConnector } from '../../src/core/connector.ts';
import { createFreshserviceConnector } from '../../src/connectors/freshservice/connector.ts';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';

let sim: FreshserviceSimulator;
let fs: TicketConnector;

beforeAll(async () => {
  sim = await startFreshserviceSimulator({ name: 'mandatory', seed: 'demo', rateLimit: false, mandatoryFields: true });
  fs = createFreshserviceConnector({ apiUrl: sim.url, apiKey: sim.keyFor('admin') }, { timeoutMs: 3000 });
});
afterAll(async () => sim?.close());

const requester = () => String(sim.state.userByEmail('alice.martin@mandatory.example.com')!.id);
const failure = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof PlatformError)) throw new Error(`expected a PlatformError, got ${String(err)}`);
  return err;
};

describe('Freshservice connector: what a create needs', () => {
  it('creates Incidents only (the API has no other type to create)', () => {
    expect(fs.creatableTypes).toEqual(['Incident']);
  });

  it('fieldDefinitions carries required for agents / for closure, and what the connector always fills', async () => {
    const byName = new Map((await fs.fieldDefinitions()).map((f) => [f.name, f]));
    expect(byName.get('it_field')).toMatchObject({ label: 'IT field', requiredForAgents: true, requiredForClosure: false, alwaysFilled: false });
    expect(byName.get('resolution_code')).toMatchObject({ requiredForAgents: false, requiredForClosure: true, alwaysFilled: false });
    expect(byName.get('subject')).toMatchObject({ requiredForAgents: true, alwaysFilled: true });
    expect(byName.get('status')).toMatchObject({ requiredForAgents: true, alwaysFilled: true });
    expect(byName.get('group')).toMatchObject({ requiredForAgents: false });
  });

  it('a Service Request is refused by the platform (the engine never sends one)', async () => {
    const err = await failure(
      fs.createTicket({
        type: 'Service Request',
        subject: 'SR',
        description: 'x',
        requesterId: requester(),
        marker: 'sf-srtest',
        fields: { it_field: 'First Choice' },
      }),
    );
    expect(err.kind).toBe('validation');
    expect(err.details.fieldErrors).toContainEqual(expect.objectContaining({ field: 'ticket_type', code: 'invalid_value' }));
  });

  it("a missing mandatory field is the platform's 400 missing_field; with it the create passes", async () => {
    const err = await failure(fs.createTicket({ type: 'Incident', subject: 'No IT field', description: 'x', requesterId: requester(), marker: 'sf-mand1' }));
    expect(err.kind).toBe('validation');
    expect(err.details.fieldErrors).toContainEqual(expect.objectContaining({ field: 'it_field', code: 'missing_field' }));
    const made = await fs.createTicket({
      type: 'Incident',
      subject: 'With IT field',
      description: 'x',
      requesterId: requester(),
      marker: 'sf-mand2',
      fields: { it_field: 'Second Choice' },
    });
    expect(made.fields.it_field).toBe('Second Choice');
  });
});
