import type { FieldValue } from '../core/connector.ts';
import { fieldDefaultProblem } from '../core/mandatory-fields.ts';
import { ApiError } from './errors.ts';
import type { FieldsResult } from './side-fields.ts';

/**
 * Per-field defaults (`configuration.defaults.fields`) that are new or changed are checked against the
 * side's live form fields when saved: a field the platform does not have, or a value it would refuse, is
 * a 400 naming the field. When the fields cannot be read now the save goes through: the engine checks
 * before every create, and the platform itself after.
 */
export async function checkFieldDefaultsOnSave(opts: {
  before: Record<string, FieldValue> | undefined;
  after: Record<string, FieldValue> | undefined;
  load: () => Promise<FieldsResult>;
}): Promise<void> {
  const changed = Object.entries(opts.after ?? {}).filter(([name, v]) => opts.before?.[name] !== v);
  if (changed.length === 0) return;
  const { fields, error } = await opts.load();
  if (error) return;
  for (const [name, value] of changed) {
    const problem = fieldDefaultProblem(name, value, fields);
    if (problem) throw new ApiError(400, 'validation_failed', problem, { field: `configuration.defaults.fields.${name}` });
  }
}
