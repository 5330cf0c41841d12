import type { FieldChoice, FieldDefinition } from '../../core/connector.ts';
import type { FieldRole, StatusCategory } from '../../core/platform-manifest.ts';
import type { FsChoice, FsFormField } from './payloads.ts';

type Kind = FieldDefinition['kind'];

/** Picklists whose tickets store the numeric choice id. */
const NUMERIC_PICKLISTS = new Set(['default_status', 'default_priority', 'default_urgency', 'default_impact', 'default_source']);
/** Picklists of account objects: the ticket stores their (large) id; `fields` carries it as a string. */
const REFERENCE_PICKLISTS = new Set(['default_group', 'default_agent', 'default_department']);
/** Picklists whose tickets store the label. */
const LABEL_PICKLISTS = new Set(['default_ticket_type', 'default_category', 'custom_dropdown']);

const KIND_BY_TYPE: Record<string, Kind> = {
  default_subject: 'text',
  default_description: 'text',
  default_requester: 'reference',
  custom_text: 'text',
  custom_paragraph: 'text',
  custom_url: 'text',
  custom_phone_number: 'text',
  custom_number: 'number',
  custom_decimal: 'number',
  custom_checkbox: 'boolean',
  custom_date: 'date',
  custom_date_time: 'date',
};

const ROLE_BY_TYPE: Record<string, FieldRole> = {
  default_status: 'status',
  default_priority: 'priority',
  default_urgency: 'urgency',
  default_impact: 'impact',
  default_ticket_type: 'type',
  default_group: 'group',
};

/**
 * Where each status stands [spec 5.2]: Open 2, Pending 3, Resolved 4, Closed 5. A custom status (an
 * account's own, id 6 and up) stops or runs the SLA like Pending or Open; the API does not say which,
 * so it counts as open: only the two built-in closing statuses close.
 */
function statusCategory(id: string | number): StatusCategory {
  return ({ 2: 'open', 3: 'pending', 4: 'resolved', 5: 'closed' } as Record<string, StatusCategory>)[String(id)] ?? 'open';
}

function choiceValue(fieldType: string, c: FsChoice): string | number {
  if (NUMERIC_PICKLISTS.has(fieldType)) return typeof c.id === 'number' ? c.id : Number(c.id);
  if (REFERENCE_PICKLISTS.has(fieldType)) return String(c.id);
  return c.value;
}

/** The same value under two parents (an "Other" of two categories) stays twice: one choice per parent. */
function uniqueByValue(choices: FieldChoice[]): FieldChoice[] {
  const seen = new Set<string>();
  return choices.filter((c) => {
    const key = JSON.stringify([c.parent ?? null, c.value]);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/**
 * Labels of one nesting level of the category tree (1 = category, 2 = sub_category, 3 = item_category),
 * each naming its parent's label (`FieldChoice.parent`): which sub-categories a category offers.
 */
function nestedLevel(choices: FsChoice[], level: number, parent?: string): FieldChoice[] {
  if (level === 1) return choices.map((c) => ({ value: c.value, label: c.value, ...(parent === undefined ? {} : { parent }) }));
  return choices.flatMap((c) => nestedLevel(c.nested_options ?? [], level - 1, level === 2 ? c.value : undefined));
}

/**
 * Fields every created ticket has without the engine giving them: the connector sends subject,
 * description and requester, falls back to status Open and priority Low, and the workspace is the
 * primary one [spec 5.6]. Freshservice marks all of them `required_for_agents`.
 */
const ALWAYS_FILLED = new Set(['subject', 'description', 'requester', 'workspace_id', 'status', 'priority']);

/**
 * `ticket_form_fields` → FieldDefinition[]. Status/priority/urgency/impact/source choices are the
 * numeric ids; group/agent/department choices are string ids; dropdowns, type and category are
 * their labels (what the ticket stores). The category's nested levels become sub_category and
 * item_category definitions (their choices are every label of that level).
 */
export function toFieldDefinitions(fields: FsFormField[]): FieldDefinition[] {
  const out: FieldDefinition[] = [];
  for (const f of fields) {
    const type = f.field_type;
    const picklist = NUMERIC_PICKLISTS.has(type) || REFERENCE_PICKLISTS.has(type) || LABEL_PICKLISTS.has(type);
    const status = type === 'default_status';
    const choices = picklist
      ? uniqueByValue(
          (f.choices ?? []).map((c) => ({ value: choiceValue(type, c), label: c.value, ...(status ? { category: statusCategory(c.id ?? c.value) } : {}) })),
        )
      : [];
    const role = ROLE_BY_TYPE[type];
    out.push({
      name: f.name,
      label: f.label ?? f.name,
      kind: picklist ? 'picklist' : (KIND_BY_TYPE[type] ?? 'other'),
      choices: choices.filter((c) => typeof c.value !== 'number' || Number.isFinite(c.value)),
      requiredForClosure: f.required_for_closure ?? false,
      requiredForAgents: f.required_for_agents ?? false,
      alwaysFilled: ALWAYS_FILLED.has(f.name),
      ...(role ? { role } : {}),
    });
    for (const [i, nested] of (f.nested_fields ?? []).entries()) {
      out.push({
        name: nested.name,
        label: nested.label ?? nested.name,
        kind: 'picklist',
        choices: uniqueByValue(nestedLevel(f.choices ?? [], nested.level ?? i + 2)),
        requiredForClosure: f.required_for_closure ?? false,
        // A required category needs its nested levels only as far as the chosen category has them: not enforced here.
        requiredForAgents: false,
        alwaysFilled: false,
        dependsOn: i === 0 ? f.name : (f.nested_fields?.[i - 1]?.name ?? f.name),
      });
    }
  }
  return out;
}
