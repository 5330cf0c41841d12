import type { FieldDefinition } from './connector.ts';
import { fieldWithRole, needsRoleResolution, resolveRoles, roleOfRef, roleRef, withRoleFields, type SideFieldDefs } from './field-roles.ts';
import { fieldRoles, type FieldRole } from './platform-manifest.ts';
import type { FieldMapping, TypeMapping } from './sync-config.ts';

/**
 * What a run does with each mapping of a type, in the engine's own terms (resolveRoles), for the Mappings
 * page: the page must show the pairs a run uses, not pairs stored for another platform's values. Pure and
 * free of server code, so the web app runs the very rule the engine runs.
 */

type Side = 'source' | 'target';

/** The role each end's field has on its platform (null: a field without a role, or fields not known). */
export interface SideRoles {
  source: FieldRole | null;
  target: FieldRole | null;
}

export type MappingEffect =
  /** Applied as stored (field names may stand for a role's field, values as paired). */
  | { kind: 'as_saved'; roles: SideRoles }
  /** A side has no field of the role: the mapping writes nothing between these platforms. */
  | { kind: 'skipped'; roles: SideRoles; role: FieldRole; missingOn: Side[] }
  /** Values mapped by meaning; `mappings` are the one-way mappings with the pairs a run uses (two for a bidirectional one). */
  | { kind: 'by_meaning'; roles: SideRoles; role: FieldRole; mappings: FieldMapping[] };

const isRoleName = (n: string): n is FieldRole => (fieldRoles as readonly string[]).includes(n);

/** The field a mapping end names on its side: by name, or the side's field of the role it names (`@status`). */
function fieldAt(defs: readonly FieldDefinition[], name: string): FieldDefinition | undefined {
  const role = roleOfRef(name);
  return role ? fieldWithRole(defs, role) : defs.find((d) => d.name === name);
}

const rolesOf = (m: FieldMapping, defs: SideFieldDefs): SideRoles => ({
  source: fieldAt(defs.source, m.sourceField)?.role ?? null,
  target: fieldAt(defs.target, m.targetField)?.role ?? null,
});

/**
 * Each mapping's effect in a run between these two sides (`samePlatform`: both accounts on one platform, where
 * the stored pairs are used as they are). Fields not known on a side (still loading, unreadable) leave every
 * mapping as stored, as a run cannot resolve them either.
 */
export function mappingEffects(mapping: TypeMapping, defs: SideFieldDefs, samePlatform: boolean): MappingEffect[] {
  const resolving = needsRoleResolution(mapping, samePlatform);
  return mapping.fields.map((m) => (resolving ? effectOf(m, defs) : { kind: 'as_saved', roles: rolesOf(m, defs) }));
}

function effectOf(m: FieldMapping, defs: SideFieldDefs): MappingEffect {
  // One mapping at a time: resolveRoles treats each mapping on its own.
  const resolved = resolveRoles({ targetType: null, fields: [m], descriptionBuilder: { fields: [], separator: '' } }, defs).fields;
  const named = withRoleFields(m, defs);
  if (resolved.length === 0 || named === null) {
    const role = roleOfRef(m.sourceField) ?? roleOfRef(m.targetField) ?? [m.sourceField, m.targetField].find(isRoleName);
    if (!role) return { kind: 'as_saved', roles: rolesOf(m, defs) };
    const lacks = (side: Side) => !fieldWithRole(defs[side], role) && !defs[side].some((d) => d.name === (side === 'source' ? m.sourceField : m.targetField));
    const missingOn = (['source', 'target'] as const).filter(lacks);
    return { kind: 'skipped', roles: rolesOf(m, defs), role, missingOn };
  }
  const roles = rolesOf(named.mapping, defs);
  const role = roles.source ?? roles.target;
  if (named.byMeaning && role && m.kind === 'value' && resolved.every((r) => r.kind === 'value'))
    return { kind: 'by_meaning', roles, role, mappings: resolved };
  return { kind: 'as_saved', roles };
}

/**
 * The mappings to store in place of a mapping shown by meaning when the user changes the pairs of one of its
 * directions (`index` in `effect.mappings`): every direction keeps the pairs a run used, with the edited one's
 * new pairs. They fit both sides, so a run applies them as stored from then on.
 */
export function overrideByMeaning(mappings: readonly FieldMapping[], index: number, values: FieldMapping['values']): FieldMapping[] {
  return mappings.map((m, i) => ({ ...m, values: i === index ? values : m.values.map((p) => ({ ...p })) }));
}

/**
 * A stored value mapping between two fields of one role, put back to the meaning: the role named outright on
 * both ends with no pairs, which a run maps by meaning (resolveRoles). Null where that does not apply: one
 * platform on both sides, fields of no (or of different) roles, a direct mapping, or no pairs of its own.
 */
export function backToMeaning(m: FieldMapping, effect: MappingEffect | undefined, samePlatform: boolean): FieldMapping | null {
  const role = effect?.kind === 'as_saved' && effect.roles.source === effect.roles.target ? effect.roles.source : null;
  if (samePlatform || !role || m.kind !== 'value' || m.values.length === 0) return null;
  return { ...m, sourceField: roleRef(role), targetField: roleRef(role), values: [] };
}
