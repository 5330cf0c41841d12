import type { FieldDefinition } from '../../api.ts';
import { PARTNER_FIELDS } from '../../../../src/core/partner-reference.ts';
import { fieldWithRole, roleOfRef } from '../../../../src/core/field-roles.ts';
import type { Option } from '../SelectField.tsx';

/** The platform's field a role reference (`@status`) stands for. */
const byRole = (fields: FieldDefinition[], name: string) => {
  const role = roleOfRef(name);
  return role ? fieldWithRole(fields, role) : undefined;
};

/** Fields as select options; a saved name the platform does not list stays selectable (a role reference as the field it stands for). */
export function fieldOptions(fields: FieldDefinition[], current?: string): Option[] {
  const opts = fields.map((f) => ({ value: f.name, label: f.label && f.label !== f.name ? f.label : f.name }));
  const stands = current ? byRole(fields, current) : undefined;
  if (current && stands) opts.unshift({ value: current, label: `${stands.label || stands.name} (by meaning)` });
  else if (current && !fields.some((f) => f.name === current)) opts.unshift({ value: current, label: `${current} (not on the platform)` });
  return opts;
}

export const fieldLabel = (fields: FieldDefinition[], name: string) => (fields.find((f) => f.name === name) ?? byRole(fields, name))?.label || name || '…';

/** Pairs the choices whose labels match (Open ↔ Open), as a starting point for a new value mapping. */
export function suggestPairs(source: FieldDefinition | undefined, target: FieldDefinition | undefined) {
  if (!source || !target) return [];
  const out: Array<{ source: string | number; target: string | number }> = [];
  for (const s of source.choices) {
    const t = target.choices.find((c) => c.label.trim().toLowerCase() === s.label.trim().toLowerCase());
    if (t) out.push({ source: s.value, target: t.value });
  }
  return out;
}

/**
 * The partner ticket reference (the sending ticket's number and link) as read-only source fields: a
 * mapping copies them into a text field of the other side; the description builder can list them.
 */
export const PARTNER_REFERENCE_FIELDS: FieldDefinition[] = Object.entries(PARTNER_FIELDS).map(([name, label]) => ({
  name,
  label,
  kind: 'text',
  choices: [],
  requiredForClosure: false,
}));

/** The platform's fields, with the partner reference fields after them (when there are fields at all). */
export const withPartnerReference = (fields: FieldDefinition[]): FieldDefinition[] => (fields.length ? [...fields, ...PARTNER_REFERENCE_FIELDS] : fields);
