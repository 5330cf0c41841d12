import type { FieldDefinition, FieldValue } from './connector.ts';
import type { Mappings, SideConfiguration } from './sync-config.ts';

/**
 * The fields a side's platform makes mandatory for the tickets Support Fusion creates or closes there,
 * and what fills each one: a default of this side's configuration, a mapping from the partner, both or
 * nothing. The configuration page shows it; the engine refuses a copy that lacks one before any call
 * (src/sync/copy-rules.ts). Pure: used by the server and the browser alike.
 */
export type Side = 'source' | 'target';

/** The configuration's own default of a standard field, by form-field name. */
export const STANDARD_DEFAULT_KEYS = {
  group: 'groupId',
  status: 'status',
  priority: 'priority',
  source: 'source',
  category: 'category',
  department: 'departmentId',
} as const;
export type StandardDefaultKey = (typeof STANDARD_DEFAULT_KEYS)[keyof typeof STANDARD_DEFAULT_KEYS];

export interface MandatoryField {
  field: FieldDefinition;
  onCreate: boolean;
  onClose: boolean;
  /** The default this side gives it, if any. */
  defaultValue: FieldValue;
  /** Where the default is set: a standard default's key, or the per-field defaults. */
  defaultKey: StandardDefaultKey | null;
  /** Ticket types (of the mappings) whose mapping writes this field into this side. */
  mappedIn: string[];
  /** Nothing gives it a value on a new copy: creating one fails until a default or a mapping exists. */
  unfilled: boolean;
}

const writesInto = (direction: string, side: Side) =>
  direction === 'bidirectional' || direction === (side === 'target' ? 'source_to_target' : 'target_to_source');

const isSet = (v: FieldValue | undefined) => v !== null && v !== undefined && !(typeof v === 'string' && v.trim() === '');

export function mandatoryFields(fields: FieldDefinition[], side: Side, defaults: SideConfiguration['defaults'], mappings: Mappings | null): MandatoryField[] {
  const out: MandatoryField[] = [];
  for (const f of fields) {
    if (f.alwaysFilled || !(f.requiredForAgents || f.requiredForClosure)) continue;
    const defaultKey = (STANDARD_DEFAULT_KEYS as Record<string, StandardDefaultKey>)[f.name] ?? null;
    const defaultValue = defaultKey ? defaults[defaultKey] : (defaults.fields?.[f.name] ?? null);
    const mappedIn = Object.entries(mappings?.types ?? {})
      .filter(([, t]) => t.fields.some((m) => writesInto(m.direction, side) && (side === 'target' ? m.targetField : m.sourceField) === f.name))
      .map(([type]) => type);
    out.push({
      field: f,
      onCreate: !!f.requiredForAgents,
      onClose: f.requiredForClosure,
      defaultValue: isSet(defaultValue) ? defaultValue : null,
      defaultKey,
      mappedIn,
      unfilled: !!f.requiredForAgents && !isSet(defaultValue) && mappedIn.length === 0,
    });
  }
  return out;
}

const listed = (items: string[], max = 20) => (items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', '));

/**
 * What is wrong with a per-field default (`defaults.fields[name]`), judged against the platform's live
 * fields: a field it does not have, a standard field whose default lives elsewhere, a value that is not
 * one of the field's choices or not of its kind. Null when it fits.
 */
export function fieldDefaultProblem(name: string, value: FieldValue, fields: FieldDefinition[]): string | null {
  if (name in STANDARD_DEFAULT_KEYS)
    return `The default for ${name} is set under Defaults for created tickets (${(STANDARD_DEFAULT_KEYS as Record<string, string>)[name]}), not per field.`;
  const f = fields.find((x) => x.name === name);
  if (!f)
    return `Your platform has no field "${name}"; defaults can be set for: ${listed(fields.filter((x) => !x.alwaysFilled && !(x.name in STANDARD_DEFAULT_KEYS)).map((x) => x.label))}.`;
  if (f.kind === 'boolean') return typeof value === 'boolean' ? null : `${f.label} is a checkbox: its default is true or false.`;
  if (f.kind === 'number') return typeof value === 'number' ? null : `${f.label} is a number: its default must be one.`;
  if (f.choices.length > 0 && !f.choices.some((c) => String(c.value) === String(value))) {
    return `"${String(value)}" is not a choice of ${f.label}; choose one of: ${listed(f.choices.map((c) => c.label))}.`;
  }
  return null;
}
