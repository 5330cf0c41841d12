import type { FieldChoice, FieldDefinition } from './connector.ts';
import { closingCategories, fieldRoles, type FieldRole, type StatusCategory } from './platform-manifest.ts';
import { defaultTypeMapping, type FieldMapping, type TypeMapping } from './sync-config.ts';

/**
 * Field roles in mappings: a mapping may name a role (`@status`) instead of a field, so one document works
 * between two platforms that call their status, priority... fields differently. A role is resolved per run
 * against each side's field definitions (`FieldDefinition.role`); a value mapping of a role with no explicit
 * pairs maps values by meaning: status by category, priority/urgency/impact by rank, type and group by name.
 * Documents that name fields (every document saved before roles) are used as they are.
 */
export const ROLE_PREFIX = '@';

export const roleRef = (role: FieldRole): string => `${ROLE_PREFIX}${role}`;

/** The role a mapping's field names, or null for a plain field name. */
export function roleOfRef(name: string): FieldRole | null {
  if (!name.startsWith(ROLE_PREFIX)) return null;
  const role = name.slice(ROLE_PREFIX.length);
  return (fieldRoles as readonly string[]).includes(role) ? (role as FieldRole) : null;
}

/** The side's field with this role (the first, should a platform list two). */
export function fieldWithRole(defs: readonly FieldDefinition[], role: FieldRole): FieldDefinition | undefined {
  return defs.find((d) => d.role === role);
}

/** Where a status value stands on this side, from its status field's choices; null when unknown. */
export function statusCategoryOf(defs: readonly FieldDefinition[], value: unknown): StatusCategory | null {
  if (value === null || value === undefined) return null;
  const status = fieldWithRole(defs, 'status');
  return status?.choices.find((c) => String(c.value) === String(value))?.category ?? null;
}

/** Whether writing `value` into this side's status field ends the ticket (its category is a closing one). */
export function isClosingStatus(defs: readonly FieldDefinition[], value: unknown): boolean {
  const category = statusCategoryOf(defs, value);
  return category !== null && closingCategories.includes(category);
}

type Value = FieldChoice['value'];

/** When the receiving side has no status of a category, the nearest one that keeps the ticket's meaning. */
const NEAREST_CATEGORY: Record<StatusCategory, StatusCategory[]> = {
  new: ['open', 'pending'],
  open: ['new', 'pending'],
  pending: ['open', 'new'],
  resolved: ['closed'],
  closed: ['resolved'],
};

/** Status: the same value where it means the same there (one platform on both sides), else the first status of the same (or nearest) category. */
export function mapByCategory(from: readonly FieldChoice[], to: readonly FieldChoice[], value: Value): Value | null {
  const choice = from.find((c) => String(c.value) === String(value));
  if (!choice?.category) return null;
  const same = to.find((c) => String(c.value) === String(value) && c.category === choice.category);
  if (same) return same.value;
  for (const category of [choice.category, ...NEAREST_CATEGORY[choice.category]]) {
    const hit = to.find((c) => c.category === category);
    if (hit) return hit.value;
  }
  return null;
}

const normLabel = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ');

/**
 * Priority, urgency, impact: the choice of the same name where the other side has one (High is High), else the
 * same relative rank (choices are listed least urgent first on every side).
 */
export function mapByRank(from: readonly FieldChoice[], to: readonly FieldChoice[], value: Value): Value | null {
  const i = from.findIndex((c) => String(c.value) === String(value));
  if (i < 0 || to.length === 0) return null;
  const sameName = to.find((c) => normLabel(c.label) === normLabel(from[i]!.label));
  if (sameName) return sameName.value;
  if (from.length === to.length) return to[i]!.value;
  const at = from.length === 1 ? Math.floor((to.length - 1) / 2) : Math.round((i * (to.length - 1)) / (from.length - 1));
  return to[at]!.value;
}

/** Type, group: the choice with the same label (case and spacing aside), else the same value. */
export function mapByName(from: readonly FieldChoice[], to: readonly FieldChoice[], value: Value): Value | null {
  const choice = from.find((c) => String(c.value) === String(value));
  if (choice) {
    const hit = to.find((c) => normLabel(c.label) === normLabel(choice.label));
    if (hit) return hit.value;
  }
  return to.find((c) => String(c.value) === String(value))?.value ?? null;
}

const MAPPER_BY_ROLE: Record<FieldRole, typeof mapByRank> = {
  status: mapByCategory,
  priority: mapByRank,
  urgency: mapByRank,
  impact: mapByRank,
  type: mapByName,
  group: mapByName,
};

/** Value pairs from `from`'s choices to `to`'s, by the role's meaning; a choice with no counterpart gets no pair. */
export function valuePairsByRole(role: FieldRole, from: FieldDefinition, to: FieldDefinition): Array<{ from: Value; to: Value }> {
  const map = MAPPER_BY_ROLE[role];
  return from.choices.flatMap((c) => {
    const hit = map(from.choices, to.choices, c.value);
    return hit === null ? [] : [{ from: c.value, to: hit }];
  });
}

export interface SideFieldDefs {
  source: readonly FieldDefinition[];
  target: readonly FieldDefinition[];
}

/** How one side's end of a mapping resolves: the field, and whether it stands in for a role (values then by meaning). */
function endOf(name: string, defs: readonly FieldDefinition[]): { def: FieldDefinition | undefined; name: string | undefined; byRole: FieldRole | null } {
  const role = roleOfRef(name);
  if (role) {
    // A side whose fields are unknown (unreadable, or a connector that marks no roles): the role's own name.
    const def = fieldWithRole(defs, role) ?? defs.find((d) => d.name === role);
    return { def, name: def?.name ?? (defs.length === 0 ? role : undefined), byRole: role };
  }
  const named = defs.find((d) => d.name === name);
  if (named || defs.length === 0) return { def: named, name, byRole: null };
  // A name this side does not have that is a role's name (a default document between two platforms).
  // With no field of that role either, the mapping is dropped (undefined name) rather than written to a field that is not there.
  if (!(fieldRoles as readonly string[]).includes(name)) return { def: undefined, name, byRole: null };
  const asRole = fieldWithRole(defs, name as FieldRole);
  return { def: asRole, name: asRole?.name, byRole: name as FieldRole };
}

/** The mapping is the default document's entry for its field, untouched (same direction and pairs). */
function isDefaultEntry(m: FieldMapping): boolean {
  const d = defaultTypeMapping().fields.find((f) => f.sourceField === m.sourceField && f.targetField === m.targetField);
  const key = (ps: FieldMapping['values']) =>
    ps
      .map((p) => `${String(p.source)}>${String(p.target)}`)
      .sort()
      .join(',');
  return !!d && d.kind === m.kind && d.direction === m.direction && key(d.values) === key(m.values);
}

const sameChoices = (a: FieldDefinition, b: FieldDefinition) =>
  a.choices.length === b.choices.length && a.choices.every((c, i) => String(c.value) === String(b.choices[i]!.value) && c.label === b.choices[i]!.label);

/**
 * Two platforms may both call a field by its role's name (`status`) with different values: the default
 * document's pairs (one platform's values on both ends) then fit neither side. A value mapping between two
 * fields of one role whose pairs name a value a side does not offer stands for the role, mapped by meaning;
 * pairs that fit both sides (two accounts of one platform, or the organisation's own) are kept.
 */
function foreignPairsRole(m: FieldMapping, src: FieldDefinition | undefined, tgt: FieldDefinition | undefined): FieldRole | null {
  if (m.kind !== 'value' || m.values.length === 0 || !src?.role || src.role !== tgt?.role || !src.choices.length || !tgt.choices.length) return null;
  const offers = (d: FieldDefinition, v: unknown) => d.choices.some((c) => String(c.value) === String(v));
  // Not one pair fits both sides: a document written for another platform. Some fitting: the organisation's own
  // pairs with a mistake, which validation reports.
  const foreign = m.values.every((p) => !offers(src, p.source) || !offers(tgt, p.target));
  // The default document's pairs may fit another platform by coincidence (its priority ids may be 1-5 too,
  // meaning other things): between sides whose choices differ they were never anyone's choice, so they go by meaning.
  return foreign || (isDefaultEntry(m) && !sameChoices(src, tgt)) ? src.role : null;
}

/**
 * A type mapping with every role turned into the sides' fields, for one run (`defs`: both sides' field
 * definitions). A mapping names a role outright (`@status`), or names a field a side does not have whose
 * name is a role's (the default document between two different platforms): either stands for that side's
 * field of the role, and a role missing on a side drops the mapping (nothing to write). Value pairs written
 * for other fields (or none) are replaced by pairs by meaning; a value mapping running both ways becomes two
 * one-way mappings, so each direction keeps its own best match. Names both sides have are left alone.
 */
export function resolveRoles(mapping: TypeMapping, defs: SideFieldDefs): TypeMapping {
  const fields: FieldMapping[] = [];
  let changed = false;
  for (const m of mapping.fields) {
    const src = endOf(m.sourceField, defs.source);
    const tgt = endOf(m.targetField, defs.target);
    const role = src.byRole ?? tgt.byRole ?? foreignPairsRole(m, src.def, tgt.def);
    if (!role) {
      fields.push(m);
      continue;
    }
    changed = true;
    if (!src.name || !tgt.name) continue;
    const named = { ...m, sourceField: src.name, targetField: tgt.name };
    // Explicit pairs given for a role reference are the organisation's; pairs of a stand-in were written for other fields.
    const ownPairs = m.values.length > 0 && roleOfRef(m.sourceField) !== null && roleOfRef(m.targetField) !== null;
    if (m.kind !== 'value' || ownPairs) {
      fields.push(named);
      continue;
    }
    if (!src.def?.choices.length || !tgt.def?.choices.length) {
      // Choices unknown on a side: values travel as they are.
      fields.push({ ...named, kind: 'direct', values: [] });
      continue;
    }
    const forward = valuePairsByRole(role, src.def, tgt.def).map((p) => ({ source: p.from, target: p.to }));
    const backward = valuePairsByRole(role, tgt.def, src.def).map((p) => ({ source: p.to, target: p.from }));
    if (m.direction === 'source_to_target') fields.push({ ...named, values: forward });
    else if (m.direction === 'target_to_source') fields.push({ ...named, values: backward });
    else {
      fields.push({ ...named, direction: 'source_to_target', values: forward });
      fields.push({ ...named, direction: 'target_to_source', values: backward });
    }
  }
  return changed ? { ...mapping, fields } : mapping;
}

/**
 * For validation: the mapping as a run applies it (see resolveRoles), with its role names replaced by the
 * sides' field names, and whether its values are mapped by meaning (its pairs, if any, are not used); null
 * when a side has no field of that role (the mapping is skipped there). A mapping without roles is returned as is.
 */
export function withRoleFields(m: FieldMapping, defs: SideFieldDefs): { mapping: FieldMapping; byMeaning: boolean } | null {
  const src = endOf(m.sourceField, defs.source);
  const tgt = endOf(m.targetField, defs.target);
  // Pairs written for another platform's values (both sides call the field by its role's name): by meaning, as a run does.
  if (!src.byRole && !tgt.byRole) return { mapping: m, byMeaning: foreignPairsRole(m, src.def, tgt.def) !== null };
  if (!src.name || !tgt.name) {
    // A role a side lacks is skipped, as a run skips it, whether named outright (`@urgency`) or by the role's
    // name; another field name a side lacks is reported (the user may have mistyped it).
    const isRole = (n: string) => roleOfRef(n) !== null || (fieldRoles as readonly string[]).includes(n);
    const named = (!src.name && !isRole(m.sourceField)) || (!tgt.name && !isRole(m.targetField));
    return named ? { mapping: m, byMeaning: false } : null;
  }
  const ownPairs = m.values.length > 0 && roleOfRef(m.sourceField) !== null && roleOfRef(m.targetField) !== null;
  return { mapping: { ...m, sourceField: src.name, targetField: tgt.name }, byMeaning: m.kind === 'value' && !ownPairs };
}

/**
 * Whether a run needs both sides' field definitions to apply this mapping: it names a role outright, or (between
 * two different platforms) a field by a role's name, which may stand for a differently named field there.
 */
export function needsRoleResolution(mapping: TypeMapping, samePlatform: boolean): boolean {
  const isRoleName = (n: string) => (fieldRoles as readonly string[]).includes(n);
  return mapping.fields.some(
    (m) =>
      roleOfRef(m.sourceField) !== null || roleOfRef(m.targetField) !== null || (!samePlatform && (isRoleName(m.sourceField) || isRoleName(m.targetField))),
  );
}
