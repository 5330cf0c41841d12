import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toFieldDefinitions } from './form-fields.ts';
import { FormFieldsEnvelope } from './payloads.ts';

const docs = FormFieldsEnvelope.parse(
  JSON.parse(readFileSync(new URL('../../../test/fixtures/freshservice/ticket_form_fields.docs.json', import.meta.url), 'utf8')),
);

describe('mandatory fields from ticket_form_fields', () => {
  const byName = new Map(toFieldDefinitions(docs.ticket_fields).map((f) => [f.name, f]));
  // The docs' example: requester, subject, status, priority, description and workspace are required for agents
  // (the workspace also for closure); the connector fills every one of them on create.
  it.each([
    ['requester', true, false, true],
    ['subject', true, false, true],
    ['status', true, false, true],
    ['priority', true, false, true],
    ['description', true, false, true],
    ['workspace_id', true, true, true],
    ['group', false, false, false],
    ['it_field', false, false, false],
  ])('%s: required for agents %s, for closure %s, always filled %s', (name, agents, closure, filled) => {
    const f = byName.get(name);
    expect(f).toBeDefined();
    expect({ agents: f!.requiredForAgents, closure: f!.requiredForClosure, filled: f!.alwaysFilled }).toEqual({ agents, closure, filled });
  });

  it('a custom field an admin made mandatory is one the engine must fill', () => {
    const [f] = toFieldDefinitions([
      { name: 'cost_centre', label: 'Cost centre', field_type: 'custom_text', required_for_agents: true, required_for_closure: true },
    ]);
    expect(f).toMatchObject({ name: 'cost_centre', label: 'Cost centre', requiredForAgents: true, requiredForClosure: true, alwaysFilled: false });
  });

  it('missing flags (older payloads) read as not required', () => {
    const [f] = toFieldDefinitions([{ name: 'x', field_type: 'custom_text' }]);
    expect(f).toMatchObject({ requiredForAgents: false, requiredForClosure: false });
  });
});
