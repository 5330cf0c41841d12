import type { FieldRole } from '../../src/core/platform-manifest.ts';
import type { FieldDefinition } from './api.ts';

/**
 * The side's field with this role (as the engine reads filters, src/sync/field-mapping.ts), so one editor
 * finds every platform's type field, whatever the platform calls it. Undefined while the fields are unknown.
 */
export function fieldByRole(fields: FieldDefinition[] | undefined, role: FieldRole): FieldDefinition | undefined {
  return fields?.find((f) => f.role === role);
}

/** Known fields with none of this role: a condition on it would let nothing through. */
export const lacksRole = (fields: FieldDefinition[] | undefined, role: FieldRole): boolean =>
  fields !== undefined && fields.length > 0 && !fieldByRole(fields, role);
