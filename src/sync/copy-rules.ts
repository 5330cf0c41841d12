import type { FieldDefinition, FieldValue } from '../core/connector.ts';
import { STANDARD_DEFAULT_KEYS } from '../core/mandatory-fields.ts';
import type { SideConfiguration } from '../core/sync-config.ts';

/**
 * What a copy must look like for the receiving platform to accept it, decided before any call: the
 * ticket type it can create, and the fields it makes mandatory. Pure; ticket-sync.ts applies it.
 */

/** The type a copy is created as: the wanted one when the platform can create it, else its first creatable type. */
export function creatableType(wanted: string, creatable: readonly string[] | undefined): { type: string; substituted: boolean } {
  if (!creatable || creatable.length === 0 || creatable.includes(wanted)) return { type: wanted, substituted: false };
  return { type: creatable[0]!, substituted: true };
}

/** Names from a platform are untrusted text of any length: messages and description lines keep them short. */
const clip = (s: string, max = 100) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The first description line of a copy created as another type: the reader learns what the original
 * was (the copy's own type field cannot say it). Same markup as the description builder's lines.
 */
export function typeLine(originalType: string): string {
  return `<div><strong>Type:</strong> ${escapeHtml(clip(originalType))}</div>`;
}

/** The description with the type line in front, once (an update writes the description again). */
export function withTypeLine(description: string, originalType: string | null): string {
  if (originalType === null) return description;
  const line = typeLine(originalType);
  return description.startsWith(line) ? description : `${line}${description}`;
}

/** The receiving side's default values by form-field name (standard defaults, then per-field ones). */
export function defaultValues(defaults: SideConfiguration['defaults']): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [name, key] of Object.entries(STANDARD_DEFAULT_KEYS)) {
    const v = defaults[key];
    if (v !== null && v !== undefined) out[name] = v;
  }
  for (const [name, v] of Object.entries(defaults.fields ?? {})) if (!(name in out) && v !== '') out[name] = v;
  return out;
}

const empty = (v: FieldValue | undefined) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

/**
 * The mapped values with the defaults filling every field the mapping leaves without a value (no
 * mapping, or the original's field is empty).
 */
export function withDefaults(values: Record<string, FieldValue>, defaults: Record<string, FieldValue>): Record<string, FieldValue> {
  const out = { ...values };
  for (const [name, v] of Object.entries(defaults)) if (empty(out[name])) out[name] = v;
  return out;
}

/** Fields the platform requires on a new ticket (or, `closing`, before a close) that `values` leaves empty. */
export function missingMandatory(defs: FieldDefinition[], values: Record<string, FieldValue>, closing: boolean): FieldDefinition[] {
  return defs.filter((f) => !f.alwaysFilled && (f.requiredForAgents || (closing && f.requiredForClosure)) && empty(values[f.name]));
}

/** Fields required before a close that `values` (the copy as it will be) leaves empty. */
export function missingForClosure(defs: FieldDefinition[], values: Record<string, FieldValue>): FieldDefinition[] {
  return defs.filter((f) => !f.alwaysFilled && f.requiredForClosure && empty(values[f.name]));
}

const MAX_NAMED = 10;
const labels = (fields: FieldDefinition[], quote: boolean) => {
  const named = fields.slice(0, MAX_NAMED).map((f) => (quote ? `"${clip(f.label)}"` : clip(f.label)));
  return [...named, ...(fields.length > MAX_NAMED ? [`${fields.length - MAX_NAMED} more`] : [])].join(', ');
};
const quoted = (fields: FieldDefinition[]) => labels(fields, true);

/** A copy that would be refused: what to set, and where. */
export function missingOnCreateMessage(org: string, missing: FieldDefinition[]): string {
  const one = missing.length === 1;
  return `${org}'s platform requires ${quoted(missing)} on new tickets and this copy has no value for ${one ? 'it' : 'them'}: set a default for ${labels(missing, false)} in ${org}'s configuration (Mandatory fields on your platform), or map a field to ${one ? 'it' : 'them'} in Field mappings. Nothing was created.`;
}

/** A close that would be refused: the copy lacks fields its platform requires before closing. */
export function missingOnCloseMessage(org: string, ticketId: string, missing: FieldDefinition[]): string {
  const one = missing.length === 1;
  return `${org}'s platform requires ${quoted(missing)} before a ticket is closed and ticket ${ticketId} has no value for ${one ? 'it' : 'them'}: fill ${one ? 'it' : 'them'} in on that ticket, or map a field to ${one ? 'it' : 'them'} in Field mappings (a default in ${org}'s configuration fills new copies). It was not closed.`;
}

/** A copy was refused before any call: the ticket fails with a message that says what to set. */
export class MandatoryFieldsError extends Error {}
