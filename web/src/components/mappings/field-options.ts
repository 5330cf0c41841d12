import type { FieldDefinition } from '../../api.ts';
import type { Option } from '../SelectField.tsx';

/** Fields as select options; a saved name the platform does not list stays selectable. */
export function fieldOptions(fields: FieldDefinition[], current?: string): Option[] {
  const opts = fields.map((f) => ({ value: f.name, label: f.label && f.label !== f.name ? f.label : f.name }));
  if (current && !fields.some((f) => f.name === current)) opts.unshift({ value: current, label: `${current} (not on the platform)` });
  return opts;
}

export const fieldLabel = (fields: FieldDefinition[], name: string) => fields.find((f) => f.name === name)?.label || name || '…';

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
