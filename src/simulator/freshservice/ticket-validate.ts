import { z } from 'zod';
import { validationFailed, type FieldError } from './errors.ts';
import type { Ticket } from './model.ts';
import type { SimulatorState } from './state.ts';
import { categoryTree, levelChoices, priorityChoices, sourceChoicesOf, statusChoices } from './ticket-fields.ts';
import { parseApiDate } from './util.ts';

const id = z.number().int();
const common = {
  email: z.string().optional(),
  phone: z.string().optional(),
  name: z.string().optional(),
  requester_id: id.optional(),
  requested_for_id: id.optional(),
  urgency: id.optional(),
  impact: id.optional(),
  source: id.optional(),
  type: z.string().optional(),
  responder_id: id.nullable().optional(),
  group_id: id.nullable().optional(),
  department_id: id.nullable().optional(),
  category: z.string().nullable().optional(),
  sub_category: z.string().nullable().optional(),
  item_category: z.string().nullable().optional(),
  due_by: z.string().optional(),
  fr_due_by: z.string().optional(),
  cc_emails: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
  custom_fields: z.record(z.string(), z.unknown()).optional(),
  email_config_id: id.nullable().optional(),
  resolution_notes: z.string().nullable().optional(),
  assets: z.array(z.object({ display_id: id })).optional(),
};

export const TicketCreate = z.strictObject({
  ...common,
  subject: z.string(),
  description: z.string(),
  status: id,
  priority: id,
  workspace_id: id.optional(),
});
export type TicketCreate = z.infer<typeof TicketCreate>;

// workspace_id cannot change by update (move_workspace does that), so it is an unknown attribute here.
export const TicketUpdate = z.strictObject({
  ...common,
  subject: z.string().optional(),
  description: z.string().optional(),
  status: id.optional(),
  priority: id.optional(),
});
export type TicketUpdate = z.infer<typeof TicketUpdate>;

type CategoryPath = { category?: string | null | undefined; sub_category?: string | null | undefined; item_category?: string | null | undefined };

const emailRe = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

function choice(errors: FieldError[], field: string, value: number | undefined, choices: Array<{ id: number }>): void {
  if (value === undefined) return;
  if (!choices.some((c) => c.id === value))
    errors.push({ field, message: `It should be one of these values: '${choices.map((c) => c.id).join(',')}'`, code: 'invalid_value' });
}

/**
 * Checks values against ticket_form_fields choices and the account's objects, collecting every
 * problem like the real API does. `workspaceId` is the ticket's (new or existing) workspace.
 */
export function checkTicketValues(state: SimulatorState, input: TicketUpdate, workspaceId: number, creating: boolean, merged: CategoryPath): void {
  const errors: FieldError[] = [];
  choice(errors, 'status', input.status, statusChoices);
  choice(errors, 'priority', input.priority, priorityChoices);
  choice(errors, 'urgency', input.urgency, levelChoices);
  choice(errors, 'impact', input.impact, levelChoices);
  choice(errors, 'source', input.source, sourceChoicesOf(state));
  // Only incidents can be created through the API; service requests come from the catalog [Docs].
  const types = creating ? ['Incident'] : ['Incident', 'Service Request'];
  if (input.type !== undefined && !types.includes(input.type))
    errors.push({ field: 'type', message: `It should be one of these values: '${types.join(',')}'`, code: 'invalid_value' });
  if (!state.workspaces.has(workspaceId))
    errors.push({ field: 'workspace_id', message: 'There is no workspace matching the given workspace_id', code: 'invalid_value' });
  if (input.requester_id !== undefined && !state.users.has(input.requester_id))
    errors.push({ field: 'requester_id', message: 'There is no contact matching the given requester_id', code: 'invalid_value' });
  if (input.requested_for_id !== undefined && !state.users.has(input.requested_for_id))
    errors.push({ field: 'requested_for_id', message: 'There is no user matching the given requested_for_id', code: 'invalid_value' });
  if (input.responder_id != null) {
    const agent = state.users.get(input.responder_id);
    if (!agent?.agent || !agent.active)
      errors.push({ field: 'responder_id', message: 'There is no agent matching the given responder_id', code: 'invalid_value' });
  }
  if (input.group_id != null) {
    const group = state.groups.get(input.group_id);
    if (!group || group.workspace_id !== workspaceId)
      errors.push({ field: 'group_id', message: 'There is no group matching the given group_id', code: 'invalid_value' });
  }
  if (input.department_id != null && !state.departments.has(input.department_id))
    errors.push({ field: 'department_id', message: 'There is no department matching the given department_id', code: 'invalid_value' });
  if (input.email !== undefined && !emailRe.test(input.email)) errors.push({ field: 'email', message: 'It is not a valid email', code: 'invalid_value' });
  for (const e of input.cc_emails ?? [])
    if (!emailRe.test(e))
      errors.push({ field: 'cc_emails', message: `It should contain elements that are valid email addresses (${e})`, code: 'invalid_value' });
  for (const [f, v] of [
    ['due_by', input.due_by],
    ['fr_due_by', input.fr_due_by],
  ] as const) {
    if (v !== undefined && parseApiDate(v) === null) errors.push({ field: f, message: "It should be in the 'valid date' format", code: 'invalid_value' });
  }
  checkCategory(errors, merged);
  checkCustomFields(state, errors, input.custom_fields, workspaceId);
  if (errors.length > 0) throw validationFailed(errors);
}

function checkCategory(errors: FieldError[], t: CategoryPath): void {
  const { category, sub_category, item_category } = t;
  if (category == null) {
    if (sub_category != null) errors.push({ field: 'sub_category', message: 'It should not be set without category', code: 'invalid_value' });
    return;
  }
  const subs = categoryTree[category];
  if (!subs)
    return void errors.push({
      field: 'category',
      message: `It should be one of these values: '${Object.keys(categoryTree).join(',')}'`,
      code: 'invalid_value',
    });
  if (sub_category == null) return;
  const items = subs[sub_category];
  if (!items)
    return void errors.push({ field: 'sub_category', message: `It should be one of these values: '${Object.keys(subs).join(',')}'`, code: 'invalid_value' });
  if (item_category != null && !items.includes(item_category))
    errors.push({ field: 'item_category', message: `It should be one of these values: '${items.join(',')}'`, code: 'invalid_value' });
}

function checkCustomFields(state: SimulatorState, errors: FieldError[], values: Record<string, unknown> | undefined, workspaceId: number): void {
  for (const [name, value] of Object.entries(values ?? {})) {
    const def = state.customFields.find((f) => f.name === name && (f.workspace_id === null || f.workspace_id === workspaceId));
    const field = `custom_fields.${name}`;
    if (!def) {
      errors.push({ field, message: 'Unexpected/invalid field in request', code: 'invalid_field' });
      continue;
    }
    if (value === null) continue;
    switch (def.field_type) {
      case 'custom_dropdown':
        if (typeof value !== 'string') errors.push({ field, message: 'Value set is of type Integer.It should be a/an String', code: 'datatype_mismatch' });
        else if (!def.choices.includes(value))
          errors.push({ field, message: `It should be one of these values: '${def.choices.join(',')}'`, code: 'invalid_value' });
        break;
      case 'custom_checkbox':
        if (typeof value !== 'boolean') errors.push({ field, message: 'It should be a/an Boolean', code: 'datatype_mismatch' });
        break;
      case 'custom_number':
        if (typeof value !== 'number' || !Number.isInteger(value)) errors.push({ field, message: 'It should be a/an Integer', code: 'datatype_mismatch' });
        break;
      case 'custom_date':
        if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value))
          errors.push({ field, message: "It should be in the 'yyyy-mm-dd' format", code: 'invalid_value' });
        break;
      default:
        if (typeof value !== 'string') errors.push({ field, message: 'It should be a/an String', code: 'datatype_mismatch' });
    }
  }
}

/** Fields with required_for_closure must be filled before status 4/5 [Docs]; error shape Inferred. */
export function checkClosure(state: SimulatorState, t: Ticket): void {
  if (t.status !== 4 && t.status !== 5) return;
  const errors: FieldError[] = [];
  for (const f of state.customFields) {
    if (!f.required_for_closure || (f.workspace_id !== null && f.workspace_id !== t.workspace_id)) continue;
    const v = t.custom_fields[f.name];
    if (v === null || v === undefined || v === '')
      errors.push({ field: `custom_fields.${f.name}`, message: 'It should be set before the ticket is resolved or closed', code: 'missing_field' });
  }
  if (errors.length > 0) throw validationFailed(errors);
}
