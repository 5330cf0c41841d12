import type { FieldDefinition, FieldValue, RemoteTicket, TicketWrite } from '../core/connector.ts';
import { fieldWithRole, roleOfRef } from '../core/field-roles.ts';
import { fieldRoles, type FieldRole } from '../core/platform-manifest.ts';
import { isPartnerField } from '../core/partner-reference.ts';
import { defaultTypeMapping, type FieldMapping, type Mappings, type SyncFilter, type TypeMapping } from '../core/sync-config.ts';

export type Side = 'source' | 'target';
export const otherSide = (s: Side): Side => (s === 'source' ? 'target' : 'source');

/** One mapping seen from the side that sends: read `from` here, write `to` there. */
export interface DirectedRule {
  from: string;
  to: string;
  kind: 'direct' | 'value';
  pairs: Array<{ from: string; to: FieldValue }>;
  label: string;
}

/** A value with no value mapping: the ticket fails with a message that says what to add. */
export class UnmappedValueError extends Error {}

export const TOP_LEVEL = new Set(['subject', 'description']);

// NUL can arrive from a platform but can be neither stored (PostgreSQL text/jsonb) nor written back:
// values are read without it everywhere, so comparisons and snapshots agree.
const noNul = (v: FieldValue): FieldValue => (typeof v === 'string' && v.includes('\u0000') ? v.replace(/\u0000/g, '') : v);

export function readField(t: RemoteTicket, name: string): FieldValue {
  if (name === 'subject') return noNul(t.subject);
  if (name === 'description') return noNul(t.description);
  if (name === 'ticket_type') return noNul(t.type);
  return noNul(t.fields[name] ?? null);
}

/** The values the engine compares on later runs to tell real changes from its own writes. */
export function snapshotOf(t: RemoteTicket): Record<string, FieldValue> {
  const snap: Record<string, FieldValue> = { subject: t.subject, description: t.description, ticket_type: t.type, ...t.fields };
  for (const k of Object.keys(snap)) snap[k] = noNul(snap[k] ?? null);
  return snap;
}

const sends = (m: FieldMapping, from: Side) =>
  m.direction === 'bidirectional' || (from === 'source' ? m.direction === 'source_to_target' : m.direction === 'target_to_source');

/** The type mapping a ticket of `type` on `side` falls under, and the ticket type to write on the other side. */
export function typeMappingFor(mappings: Mappings, side: Side, type: string): { mapping: TypeMapping; sourceType: string; otherType: string } {
  if (side === 'source') {
    const mapping = mappings.types[type] ?? defaultTypeMapping();
    return { mapping, sourceType: type, otherType: mapping.targetType ?? type };
  }
  for (const [sourceType, mapping] of Object.entries(mappings.types)) {
    if ((mapping.targetType ?? sourceType) === type) return { mapping, sourceType, otherType: sourceType };
  }
  return { mapping: defaultTypeMapping(), sourceType: type, otherType: type };
}

export function directedRules(mapping: TypeMapping, from: Side): DirectedRule[] {
  return (
    mapping.fields
      .filter((m) => sends(m, from))
      .map((m) => {
        const [read, write] = from === 'source' ? [m.sourceField, m.targetField] : [m.targetField, m.sourceField];
        const pairs = m.values.map((p) => (from === 'source' ? { from: String(p.source), to: p.target } : { from: String(p.target), to: p.source }));
        return { from: read, to: write, kind: m.kind, pairs, label: read };
      })
      // The partner reference is read, never written (validation refuses such a mapping; an old document is ignored).
      .filter((r) => !isPartnerField(r.to))
  );
}

export function translate(rule: DirectedRule, value: FieldValue, fieldLabel?: string): FieldValue {
  if (rule.kind === 'direct' || value === null) return value;
  const hit = rule.pairs.find((p) => p.from === String(value));
  if (!hit) {
    throw new UnmappedValueError(
      `${fieldLabel ?? rule.from} value ${JSON.stringify(value)} has no value mapping to ${rule.to} on the other side; add it in Field mappings`,
    );
  }
  return hit.to;
}

/** Converts mapped values into a write: subject/description top-level, everything else a form field. */
export function toWrite(values: Record<string, FieldValue>): TicketWrite {
  const write: TicketWrite = {};
  const fields: Record<string, FieldValue> = {};
  for (const [k, v] of Object.entries(values)) {
    if (k === 'subject') write.subject = String(v ?? '');
    else if (k === 'description') write.description = String(v ?? '');
    else fields[k] = v;
  }
  if (Object.keys(fields).length > 0) write.fields = fields;
  return write;
}

/** Values of the rules whose read field changed since `snapshot` (all rules when there is none). */
export function changedValues(rules: DirectedRule[], t: RemoteTicket, snapshot: Record<string, FieldValue> | null): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const r of rules) {
    const now = readField(t, r.from);
    if (snapshot && r.from in snapshot && String(snapshot[r.from] ?? '') === String(now ?? '')) continue;
    out[r.to] = translate(r, now);
  }
  return out;
}

/**
 * What a new copy gets on top of `values` (the sending side's rules) so that it starts equal to its
 * original in every mapped field, whatever the mapping's direction: fields mapped only towards the
 * sending side are written back through their value pairs (a value without a pair is left to the
 * receiving side's default). Directions decide which later changes travel, not how a copy starts.
 */
export function mirroredValues(mapping: TypeMapping, from: Side, t: RemoteTicket, values: Record<string, FieldValue>): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  // Rules of the other direction: read `from` on the receiving side, write `to` here. Inverted here.
  for (const r of directedRules(mapping, otherSide(from))) {
    if (r.from in values || r.from in out || isPartnerField(r.from)) continue;
    const v = readField(t, r.to);
    if (v === null) continue;
    if (r.kind === 'direct') {
      out[r.from] = v;
      continue;
    }
    const hit = r.pairs.find((p) => String(p.to) === String(v));
    if (hit) out[r.from] = hit.from;
  }
  return out;
}

/** A filter with no condition: it admits every ticket, so nothing needs reading to apply it. */
export function admitsEverything(filter: SyncFilter): boolean {
  return filter.groups.length === 0 && filter.ticketTypes.length === 0 && filter.tags.length === 0 && filter.statuses.length === 0 && filter.field === null;
}

/**
 * The field of this side a filter condition reads: a role (`@status`, or the role's own name where the side
 * has no field of that name) is the side's field of that role, as its connector reports it; any other name
 * is read as it is. Without the side's field definitions a role is read under its own name (what filters
 * saved before roles meant, and what the first platform called them).
 */
export function filterFieldName(defs: readonly FieldDefinition[], name: string): string {
  const ref = roleOfRef(name);
  if (ref) return fieldWithRole(defs, ref)?.name ?? ref;
  if (defs.length === 0 || defs.some((d) => d.name === name) || !(fieldRoles as readonly string[]).includes(name)) return name;
  return fieldWithRole(defs, name as FieldRole)?.name ?? name;
}

/**
 * Whether applying the filter needs the side's field definitions: its status and group conditions (and a
 * field condition naming a role) are read through the side's role fields. Tags and ticket types do not.
 */
export function filterNeedsFields(filter: SyncFilter): boolean {
  const roleNamed = (n: string) => roleOfRef(n) !== null || (fieldRoles as readonly string[]).includes(n);
  return filter.groups.length > 0 || filter.statuses.length > 0 || (filter.field !== null && roleNamed(filter.field.name));
}

/**
 * Whether the filter admits the ticket. Status and group are read from the side's fields of those roles
 * (`defs`, the side's discovered fields: the ones the filter editor offered), so one filter means the same on
 * every platform; the ticket type is the connector's `type`. Every condition given must hold.
 */
export function matchesFilter(filter: SyncFilter, t: RemoteTicket, defs: readonly FieldDefinition[] = []): boolean {
  const byRole = (role: FieldRole) => String(readField(t, filterFieldName(defs, role)) ?? '');
  if (filter.groups.length > 0 && !filter.groups.includes(byRole('group'))) return false;
  if (filter.ticketTypes.length > 0 && !filter.ticketTypes.includes(t.type)) return false;
  if (filter.tags.length > 0 && !t.tags.some((tag) => filter.tags.includes(tag))) return false;
  if (filter.statuses.length > 0 && !filter.statuses.map(String).includes(byRole('status'))) return false;
  if (filter.field && String(readField(t, filterFieldName(defs, filter.field.name)) ?? '') !== String(filter.field.equals)) return false;
  return true;
}
