import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { controlBody } from './control-body.ts';
import { validationFailed, type FieldError } from './errors.ts';
import type { CustomFieldDef } from './model.ts';
import type { SimulatorState } from './state.ts';

/**
 * Mandatory custom fields, a switch per account. An admin can make a form field "required for agents"
 * (every create and update needs a value) or "required for closure" (needed before Resolved/Closed);
 * `ticket_form_fields` shows both flags [spec 5.10], and the API answers 400 `missing_field` when one is
 * missing [spec 5.6: Inferred]. `bypass_mandatory=true` skips the check [spec 5.7].
 */
export interface MandatoryFields {
  /** Custom field names required on every create and update. */
  requiredForAgents: string[];
  /** Custom field names required before a ticket is resolved or closed. */
  requiredForClosure: string[];
}

/** `mandatoryFields: true`: the demo fields an admin would typically make mandatory. */
export const STANDARD_MANDATORY: MandatoryFields = { requiredForAgents: ['it_field'], requiredForClosure: ['resolution_code'] };

export const MandatoryFieldsBody = z
  .object({
    requiredForAgents: z.array(z.string().min(1).max(100)).max(50).default([]),
    requiredForClosure: z.array(z.string().min(1).max(100)).max(50).default([]),
  })
  .strict();

/** Replaces every custom field's two flags: the named ones on, the rest off. */
export function setMandatoryFields(state: SimulatorState, spec: MandatoryFields): void {
  for (const name of [...spec.requiredForAgents, ...spec.requiredForClosure]) {
    if (!state.customFields.some((f) => f.name === name))
      throw new Error(`Unknown custom field "${name}"; the account has: ${state.customFields.map((f) => f.name).join(', ')}`);
  }
  for (const f of state.customFields) {
    f.required_for_agents = spec.requiredForAgents.includes(f.name);
    f.required_for_closure = spec.requiredForClosure.includes(f.name);
  }
}

export function mandatoryFieldsOf(state: SimulatorState): MandatoryFields {
  return {
    requiredForAgents: state.customFields.filter((f) => f.required_for_agents).map((f) => f.name),
    requiredForClosure: state.customFields.filter((f) => f.required_for_closure).map((f) => f.name),
  };
}

const TYPE_WORD: Partial<Record<CustomFieldDef['field_type'], string>> = { custom_number: 'Integer', custom_checkbox: 'Boolean', custom_date: 'Date' };

/** Every custom field required for agents in the ticket's workspace must hold a value (create, and update of the result). */
export function checkRequiredForAgents(state: SimulatorState, t: { workspace_id: number; custom_fields: Record<string, unknown> }): void {
  const errors: FieldError[] = [];
  for (const f of state.customFields) {
    if (!f.required_for_agents || (f.workspace_id !== null && f.workspace_id !== t.workspace_id)) continue;
    const v = t.custom_fields[f.name];
    if (v === null || v === undefined || v === '')
      errors.push({ field: `custom_fields.${f.name}`, message: `It should be a/an ${TYPE_WORD[f.field_type] ?? 'String'}`, code: 'missing_field' });
  }
  if (errors.length > 0) throw validationFailed(errors);
}

/** GET/PUT /_sim/mandatory-fields: switch the account's mandatory fields at run time (tests, demo). */
export function registerMandatoryFieldsControl(app: FastifyInstance, state: SimulatorState): void {
  const json = (body: unknown) => JSON.stringify(body);
  app.get('/_sim/mandatory-fields', async (_req, reply) => reply.type('application/json').send(json(mandatoryFieldsOf(state))));
  app.put('/_sim/mandatory-fields', async (req, reply) => {
    const wanted = controlBody(req, reply, MandatoryFieldsBody);
    if (!wanted) return reply;
    try {
      setMandatoryFields(state, wanted);
    } catch (err) {
      return reply
        .code(400)
        .type('application/json')
        .send(json({ message: (err as Error).message }));
    }
    return reply.type('application/json').send(json(mandatoryFieldsOf(state)));
  });
}
