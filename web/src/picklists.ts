/**
 * Picklist values loaded live from the platforms (GET /connections/:id/fields) as select options,
 * and back to the values the configuration and mapping schemas store.
 */
import type { FieldChoice, FieldDefinition } from './api.ts';
import type { Option } from './components/SelectField.tsx';

/**
 * How a stored value relates to a choice: `value` keeps the choice's own value and type (status 2),
 * `id` stores it as a string id (groupId "5400021034"), `name` stores the display name where the
 * platform addresses things by name (ticket type "Incident", category "Hardware").
 */
export type ValueMode = 'value' | 'id' | 'name';

/** Form-field names differ a little between platforms and API versions: the first that exists wins. */
export const FIELD_NAMES = {
  group: ['group', 'group_id'],
  ticketType: ['ticket_type', 'type'],
  status: ['status'],
  priority: ['priority'],
  source: ['source'],
  category: ['category'],
  department: ['department', 'department_id'],
} as const;

export function findField(fields: FieldDefinition[] | undefined, names: readonly string[]): FieldDefinition | undefined {
  if (!fields) return undefined;
  for (const n of names) {
    const f = fields.find((x) => x.name === n);
    if (f) return f;
  }
  return undefined;
}

function stored(choice: FieldChoice, mode: ValueMode): string | number {
  if (mode === 'id') return String(choice.value);
  if (mode === 'name') return typeof choice.value === 'string' ? choice.value : choice.label;
  return choice.value;
}

/** Options of a picklist field, or undefined when there is no such field or it has no choices. */
export function optionsOf(field: FieldDefinition | undefined, mode: ValueMode = 'value'): Option[] | undefined {
  if (!field || field.choices.length === 0) return undefined;
  const seen = new Set<string>();
  const out: Option[] = [];
  for (const c of field.choices) {
    const value = String(stored(c, mode));
    if (seen.has(value)) continue;
    seen.add(value);
    out.push({ value, label: c.label });
  }
  return out;
}

/** The stored value for a selected option string ("" = none). */
export function fromOption(field: FieldDefinition | undefined, mode: ValueMode, option: string): string | number | null {
  if (option === '') return null;
  const c = field?.choices.find((x) => String(stored(x, mode)) === option);
  return c ? stored(c, mode) : option;
}

export const toOption = (v: string | number | null | undefined) => (v === null || v === undefined ? '' : String(v));

/** Display text of a stored value, e.g. 3 → "Pending". */
export function choiceLabel(field: FieldDefinition | undefined, v: string | number): string {
  return field?.choices.find((c) => String(c.value) === String(v))?.label ?? String(v);
}
