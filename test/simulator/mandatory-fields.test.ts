import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSimulatorArgs } from '../../src/simulator/freshservice/cli.ts';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { call, minimalTicket } from './helpers.ts';

// Mandatory fields are a switch per account: off by default, on with `mandatoryFields` or PUT /_sim/mandatory-fields.
describe('simulator: mandatory custom fields', () => {
  let strict: FreshserviceSimulator;
  let relaxed: FreshserviceSimulator;
  beforeAll(async () => {
    strict = await startFreshserviceSimulator({ name: 'strict', seed: 'empty', rateLimit: false, mandatoryFields: true });
    relaxed = await startFreshserviceSimulator({ name: 'relaxed', seed: 'empty', rateLimit: false });
  });
  afterAll(async () => {
    await strict?.close();
    await relaxed?.close();
  });

  const formField = async (sim: FreshserviceSimulator, name: string) =>
    (await call(sim, 'GET', '/ticket_form_fields')).json.ticket_fields.find((f: any) => f.name === name);

  it('ticket_form_fields shows the flags of the switched-on account only', async () => {
    expect(await formField(strict, 'it_field')).toMatchObject({ required_for_agents: true, required_for_closure: false });
    expect(await formField(strict, 'resolution_code')).toMatchObject({ required_for_agents: false, required_for_closure: true });
    expect(await formField(relaxed, 'it_field')).toMatchObject({ required_for_agents: false, required_for_closure: false });
  });

  it("a create without a field required for agents gets the API's 400 missing_field, and nothing is stored", async () => {
    const before = strict.state.tickets.size;
    const r = await call(strict, 'POST', '/tickets', { body: minimalTicket });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      description: 'Validation failed',
      errors: [{ field: 'custom_fields.it_field', message: 'It should be a/an String', code: 'missing_field' }],
    });
    expect(strict.state.tickets.size).toBe(before);
    expect((await call(relaxed, 'POST', '/tickets', { body: minimalTicket })).status).toBe(201);
  });

  it('with the field the create passes; an update that empties it is refused; bypass_mandatory skips the check', async () => {
    const created = await call(strict, 'POST', '/tickets', { body: { ...minimalTicket, custom_fields: { it_field: 'First Choice' } } });
    expect(created.status).toBe(201);
    const id = created.json.ticket.id;
    const emptied = await call(strict, 'PUT', `/tickets/${id}`, { body: { custom_fields: { it_field: null } } });
    expect(emptied.status).toBe(400);
    expect(emptied.json.errors).toEqual([expect.objectContaining({ field: 'custom_fields.it_field', code: 'missing_field' })]);
    expect((await call(strict, 'PUT', `/tickets/${id}`, { body: { priority: 3 } })).status).toBe(200);
    expect((await call(strict, 'PUT', `/tickets/${id}?bypass_mandatory=true`, { body: { custom_fields: { it_field: null } } })).status).toBe(200);
  });

  it('closing needs the field required for closure', async () => {
    const created = await call(strict, 'POST', '/tickets', { body: { ...minimalTicket, custom_fields: { it_field: 'First Choice' } } });
    const id = created.json.ticket.id;
    const closed = await call(strict, 'PUT', `/tickets/${id}`, { body: { status: 5 } });
    expect(closed.status).toBe(400);
    expect(closed.json.errors).toEqual([expect.objectContaining({ field: 'custom_fields.resolution_code', code: 'missing_field' })]);
    expect((await call(strict, 'PUT', `/tickets/${id}`, { body: { status: 5, custom_fields: { resolution_code: 'Fixed' } } })).status).toBe(200);
  });

  it('creating a Service Request through the API is refused as on real Freshservice (only Incidents)', async () => {
    const r = await call(relaxed, 'POST', '/tickets', { body: { ...minimalTicket, type: 'Service Request' } });
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual([expect.objectContaining({ field: 'type', code: 'invalid_value' })]);
  });

  it('the command line switches it on with --mandatory-fields', () => {
    expect(parseSimulatorArgs(['--mandatory-fields']).mandatoryFields).toBe(true);
    expect(parseSimulatorArgs([]).mandatoryFields).toBe(false);
  });

  it('the switch can be flipped at run time, and names only fields the account has', async () => {
    const set = await call(relaxed, 'PUT', '/_sim/mandatory-fields', { key: null, body: { requiredForAgents: ['external_reference'] } });
    expect(set.status).toBe(200);
    expect(set.json).toEqual({ requiredForAgents: ['external_reference'], requiredForClosure: [] });
    const r = await call(relaxed, 'POST', '/tickets', { body: minimalTicket });
    expect(r.json.errors).toEqual([{ field: 'custom_fields.external_reference', message: 'It should be a/an String', code: 'missing_field' }]);
    const bad = await call(relaxed, 'PUT', '/_sim/mandatory-fields', { key: null, body: { requiredForAgents: ['nope'] } });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/Unknown custom field "nope"/);
    await call(relaxed, 'PUT', '/_sim/mandatory-fields', { key: null, body: {} });
    expect((await call(relaxed, 'POST', '/tickets', { body: minimalTicket })).status).toBe(201);
  });
});
