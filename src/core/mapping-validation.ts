import type { FieldChoice, FieldDefinition } from './connector.ts';
import { withRoleFields } from './field-roles.ts';
import { isPartnerField, PARTNER_FIELDS } from './partner-reference.ts';
import type { Direction, Mappings } from './sync-config.ts';

/**
 * Semantic checks of a connection's field mappings against both platforms' live form fields
 * (product.md §5). The structure is already valid (zod `Mappings`); this says what does not fit the
 * two platforms, in words that tell the user what to change.
 *
 * Paths are relative to the Mappings document (`types.Incident.fields.2.values.0.target`); the API
 * prefixes them with `mappings.`.
 */
export interface MappingError {
  path: string;
  message: string;
}

export interface MappingFieldSets {
  source: FieldDefinition[];
  target: FieldDefinition[];
}

type Side = 'source' | 'target';

/** Every ticket has these, whatever the platform's form lists. */
export const ALWAYS_VALID_FIELDS: Readonly<Record<string, string>> = { subject: 'Subject', description: 'Description' };
/** The form field whose choices are the platform's ticket types. */
export const TICKET_TYPE_FIELD = 'ticket_type';

const MAX_LISTED = 20;

export function validateMappings(mappings: Mappings, fields: MappingFieldSets): MappingError[] {
  const errors: MappingError[] = [];
  const byName = {
    source: new Map(fields.source.map((f) => [f.name, f])),
    target: new Map(fields.target.map((f) => [f.name, f])),
  };
  const fieldOf = (side: Side, name: string) => byName[side].get(name);
  const labelOf = (side: Side, name: string) => fieldOf(side, name)?.label ?? ALWAYS_VALID_FIELDS[name] ?? PARTNER_FIELDS[name] ?? name;
  const exists = (side: Side, name: string) => byName[side].has(name) || name in ALWAYS_VALID_FIELDS || isPartnerField(name);
  const unknownField = (side: Side, name: string) =>
    `The ${side} platform has no field "${name}". Choose one of its fields: ${listNames(side === 'source' ? fields.source : fields.target)}.`;

  for (const [type, typeMapping] of Object.entries(mappings.types)) {
    const base = `types.${type}`;

    const sourceTypes = fieldOf('source', TICKET_TYPE_FIELD);
    if (sourceTypes && sourceTypes.choices.length > 0 && !hasChoice(sourceTypes, type)) {
      errors.push({
        path: base,
        message: `Ticket type "${type}" does not exist on the source platform; its types are: ${listLabels(sourceTypes.choices)}. Rename or remove this type's mappings.`,
      });
    }
    const targetTypes = fieldOf('target', TICKET_TYPE_FIELD);
    if (typeMapping.targetType !== null && targetTypes && targetTypes.choices.length > 0 && !hasChoice(targetTypes, typeMapping.targetType)) {
      errors.push({
        path: `${base}.targetType`,
        message: `Ticket type "${typeMapping.targetType}" does not exist on the target platform; choose one of: ${listLabels(targetTypes.choices)}.`,
      });
    }

    // Which mapping writes each field, per direction: a field written twice would flip between values.
    const writesTarget = new Map<string, number>();
    const writesSource = new Map<string, number>();

    typeMapping.fields.forEach((original, i) => {
      // Roles (`@status`) are checked as the fields they stand for; a role a side lacks is skipped at sync time.
      const resolved = withRoleFields(original, fields);
      if (resolved === null) return;
      const { mapping: m, byMeaning } = resolved;
      const path = `${base}.fields.${i}`;
      const name = `mapping ${i + 1} (${labelOf('source', m.sourceField)} → ${labelOf('target', m.targetField)})`;
      const sourceOk = exists('source', m.sourceField);
      const targetOk = exists('target', m.targetField);
      if (!sourceOk) errors.push({ path: `${path}.sourceField`, message: unknownField('source', m.sourceField) });
      if (!targetOk) errors.push({ path: `${path}.targetField`, message: unknownField('target', m.targetField) });
      // The partner's ticket number and link can be read from the sending ticket, never written.
      for (const [side, fieldName] of [
        ['source', m.sourceField],
        ['target', m.targetField],
      ] as const) {
        if (isPartnerField(fieldName) && writes(m.direction, side)) {
          errors.push({
            path: `${path}.direction`,
            message: `${PARTNER_FIELDS[fieldName]} is a reference to the partner's ticket: it can only be copied into a field, not written. Make the mapping run from the ${side} side (${side === 'source' ? 'source → target' : 'target → source'}).`,
          });
        }
      }

      if (writes(m.direction, 'target')) {
        const first = writesTarget.get(m.targetField);
        if (first === undefined) writesTarget.set(m.targetField, i);
        else {
          errors.push({
            path: `${path}.targetField`,
            message: `The target field ${labelOf('target', m.targetField)} is already written by mapping ${first + 1}; a field can be written by one mapping per direction. Remove one of them or change its direction.`,
          });
        }
      }
      if (writes(m.direction, 'source')) {
        const first = writesSource.get(m.sourceField);
        if (first === undefined) writesSource.set(m.sourceField, i);
        else {
          errors.push({
            path: `${path}.sourceField`,
            message: `The source field ${labelOf('source', m.sourceField)} is already written back by mapping ${first + 1}; a field can be written by one mapping per direction. Remove one of them or change its direction.`,
          });
        }
      }

      if (m.kind === 'direct') {
        if (m.values.length > 0) {
          errors.push({
            path: `${path}.values`,
            message: `${cap(name)} copies values directly, so it takes no value pairs: remove them, or make it a value mapping.`,
          });
        }
        return;
      }

      // Value mapping: both fields must be picklists, and every value one of their choices.
      if (!sourceOk || !targetOk) return;
      const src = fieldOf('source', m.sourceField);
      const tgt = fieldOf('target', m.targetField);
      const notPicklist = (
        [
          ['source', m.sourceField, src],
          ['target', m.targetField, tgt],
        ] as const
      ).find(([, , f]) => f?.kind !== 'picklist');
      if (notPicklist) {
        const [side, fieldName, def] = notPicklist;
        errors.push({
          path: `${path}.kind`,
          message: `The ${side} field ${labelOf(side, fieldName)} is ${def ? `a ${def.kind}` : 'a text'} field: value mappings work only between picklist fields. Use a direct mapping instead.`,
        });
        return;
      }
      // A role's values are mapped by meaning (status category, rank): see field-roles.ts.
      if (byMeaning) return;
      if (m.values.length === 0) {
        errors.push({ path: `${path}.values`, message: `${cap(name)} has no value pairs: add at least one pair of values, or make it a direct mapping.` });
        return;
      }
      const seenSource = new Map<string, number>();
      const seenTarget = new Map<string, number>();
      m.values.forEach((pair, j) => {
        for (const side of ['source', 'target'] as const) {
          const def = side === 'source' ? src! : tgt!;
          const value = pair[side];
          if (!hasChoice(def, value)) {
            errors.push({
              path: `${path}.values.${j}.${side}`,
              message: `${def.label} value ${value} is not a choice of the ${side} field ${def.label}; choices: ${listChoices(def.choices)}.`,
            });
          }
        }
        // Each value read must map to exactly one value written, in every direction the mapping runs.
        if (writes(m.direction, 'target')) duplicate(seenSource, String(pair.source), j, 'source', src!);
        if (writes(m.direction, 'source')) duplicate(seenTarget, String(pair.target), j, 'target', tgt!);
      });

      function duplicate(seen: Map<string, number>, key: string, j: number, side: Side, def: FieldDefinition) {
        const first = seen.get(key);
        if (first === undefined) {
          seen.set(key, j);
          return;
        }
        errors.push({
          path: `${path}.values.${j}.${side}`,
          message: `${def.label} value ${key} of the ${side} field appears in pairs ${first + 1} and ${j + 1} of ${name}; it can map to only one value. Remove one of the pairs.`,
        });
      }
    });

    const seenLines = new Map<string, number>();
    typeMapping.descriptionBuilder.fields.forEach((f, k) => {
      const path = `${base}.descriptionBuilder.fields.${k}`;
      if (!exists('source', f)) {
        errors.push({
          path,
          message: `The description builder uses "${f}", which the source platform does not have. Choose one of its fields: ${listNames(fields.source)}.`,
        });
        return;
      }
      const first = seenLines.get(f);
      if (first !== undefined) {
        errors.push({ path, message: `The description builder lists ${labelOf('source', f)} twice (lines ${first + 1} and ${k + 1}); remove one.` });
      } else seenLines.set(f, k);
    });
  }
  return errors;
}

/** Does a mapping in this direction write to `side`? */
function writes(direction: Direction, side: Side): boolean {
  if (direction === 'bidirectional') return true;
  return side === 'target' ? direction === 'source_to_target' : direction === 'target_to_source';
}

/** Values compare as strings: 2 and "2" are the same choice. Ticket types also match by label. */
function hasChoice(def: FieldDefinition, value: string | number): boolean {
  const v = String(value);
  return def.choices.some((c) => String(c.value) === v || (def.name === TICKET_TYPE_FIELD && c.label === v));
}

function listChoices(choices: FieldChoice[]): string {
  if (choices.length === 0) return 'none (the field has no choices)';
  const shown = choices.slice(0, MAX_LISTED).map((c) => (String(c.value) === c.label ? c.label : `${c.value} ${c.label}`));
  return more(shown, choices.length);
}

function listLabels(choices: FieldChoice[]): string {
  return more(
    choices.slice(0, MAX_LISTED).map((c) => c.label),
    choices.length,
  );
}

function listNames(defs: FieldDefinition[]): string {
  const names = [...new Set([...Object.keys(ALWAYS_VALID_FIELDS), ...defs.map((d) => d.name)])];
  return more(names.slice(0, MAX_LISTED), names.length);
}

function more(shown: string[], total: number): string {
  return total > shown.length ? `${shown.join(', ')} and ${total - shown.length} more` : shown.join(', ');
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
