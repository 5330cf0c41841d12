import { defaultTypeMapping, type FieldMapping, type Mappings, type SyncFilter, type TypeMapping } from './sync-config.ts';

/**
 * What the sync engine may write into each side of a connection, and which side's consent a change to
 * the shared mappings or to reverse sync needs (issue 11 item 3). Each organisation alone decides what
 * is written into its own platform: a change that lets the engine write something new into a side takes
 * effect only once that side's admin approves it; a change that writes only into the proposer's own side,
 * or narrows what is written, applies at once.
 *
 * The engine's behaviour (src/sync/ticket-sync.ts, field-mapping.ts) is modelled as a set of "grants",
 * one per thing it can write: a field written from a partner field (per ticket type, on updates and on
 * new copies, per value pair), the type new copies get, a description-builder line, reverse sync. A
 * change widens a side when the side's grants after it are not all among its grants before it.
 * Pure: no I/O.
 */
export type Side = 'source' | 'target';
const other = (s: Side): Side => (s === 'source' ? 'target' : 'source');

export interface ReverseSyncState {
  enabled: boolean;
  filters: SyncFilter;
}

/** Everything that decides what is written where: the shared mappings and the target's reverse sync. */
export interface WriteState {
  mappings: Mappings;
  reverseSync: ReverseSyncState;
}

export interface WriteGrant {
  /** The side written into. */
  into: Side;
  /** Identity of the grant; equal keys mean the same write. */
  key: string;
  /** Readable, e.g. 'Incident: Subject ← target Subject, on updates'. */
  text: string;
  /** Grants of one field mapping's value pairs share a group, so a summary lists the pairs on one line. */
  group?: string;
  /** A value pair a→a, covered by a direct mapping of the same fields. */
  identityOf?: string;
}

export type NewWrites = Record<Side, WriteGrant[]>;

const OTHER_TYPES = '*';
const typeLabel = (t: string) => (t === OTHER_TYPES ? 'Other ticket types' : t);

const sendsInto = (f: FieldMapping, into: Side) =>
  f.direction === 'bidirectional' || (into === 'target' ? f.direction === 'source_to_target' : f.direction === 'target_to_source');

/**
 * The value written into `into` for each value read on the other side. The engine takes the first pair
 * whose value matches (translate / mirroredValues), so a later duplicate never applies.
 */
function effectivePairs(f: FieldMapping, into: Side): Array<[string, string]> {
  const seen = new Map<string, string>();
  for (const p of f.values) {
    const [from, to] = into === 'target' ? [p.source, p.target] : [p.target, p.source];
    if (!seen.has(String(from))) seen.set(String(from), String(to));
  }
  return [...seen];
}

function fieldGrants(into: Side, type: string, f: FieldMapping, when: 'updates' | 'new copies'): WriteGrant[] {
  const [here, there] = into === 'target' ? [f.targetField, f.sourceField] : [f.sourceField, f.targetField];
  const base = `${typeLabel(type)}: ${here} ← ${other(into)} ${there}, on ${when}`;
  const key = `${into}|field|${type}|${here}|${there}|${when}`;
  if (f.kind === 'direct') return [{ into, key: `${key}|direct`, text: `${base} (copied as is)` }];
  return effectivePairs(f, into).map(([from, to]) => ({
    into,
    key: `${key}|value|${JSON.stringify([from, to])}`,
    text: `${base}: ${from} → ${to}`,
    group: base,
    ...(from === to ? { identityOf: `${key}|direct` } : {}),
  }));
}

/** The type mapping the engine uses for a target ticket of type `targetType` (typeMappingFor, target side). */
function forTargetType(m: Mappings, targetType: string): { mapping: TypeMapping; sourceType: string } {
  for (const [sourceType, mapping] of Object.entries(m.types)) {
    if ((mapping.targetType ?? sourceType) === targetType) return { mapping, sourceType };
  }
  return { mapping: defaultTypeMapping(), sourceType: targetType };
}

/** Every type name either document mentions: a type a document leaves out falls back to the default mapping. */
function typeUniverse(docs: Mappings[]): { sourceTypes: string[]; targetTypes: string[] } {
  const sourceTypes = new Set<string>([OTHER_TYPES]);
  const targetTypes = new Set<string>([OTHER_TYPES]);
  for (const d of docs) {
    for (const [t, m] of Object.entries(d.types)) {
      sourceTypes.add(t);
      targetTypes.add(m.targetType ?? t);
    }
  }
  return { sourceTypes: [...sourceTypes].sort(), targetTypes: [...targetTypes].sort() };
}

/** What the engine may write into each side under `state`; `universe` names the ticket types to look at. */
export function writeGrants(state: WriteState, universe = typeUniverse([state.mappings])): WriteGrant[] {
  const out: WriteGrant[] = [];
  const m = state.mappings;
  // Into the target: every source ticket the source's filter admits is copied there (the connection's purpose).
  for (const t of universe.sourceTypes) {
    const mapping = t === OTHER_TYPES ? defaultTypeMapping() : (m.types[t] ?? defaultTypeMapping());
    const created = t === OTHER_TYPES ? 'their own type' : (mapping.targetType ?? t);
    out.push({ into: 'target', key: `target|type|${t}|${created}`, text: `${typeLabel(t)}: new copies are created as ${created}` });
    // A new copy starts equal to its original in every mapped field, whatever the direction (mirroredValues).
    for (const f of mapping.fields) out.push(...fieldGrants('target', t, f, 'new copies'));
    for (const f of mapping.fields.filter((x) => sendsInto(x, 'target'))) out.push(...fieldGrants('target', t, f, 'updates'));
    const b = mapping.descriptionBuilder;
    for (const field of b.fields)
      out.push({ into: 'target', key: `target|describe|${t}|${field}`, text: `${typeLabel(t)}: descriptions get a line with source ${field}` });
    if (b.fields.length > 0 && b.separator)
      out.push({ into: 'target', key: `target|separator|${t}|${b.separator}`, text: `${typeLabel(t)}: descriptions get the separator line "${b.separator}"` });
    if (b.partnerReference)
      out.push({
        into: 'target',
        key: `target|partner-ref|${t}`,
        text: `${typeLabel(t)}: new copies' descriptions get a line with the source ticket's number and link`,
      });
  }
  // Into the source: linked tickets are updated by mappings towards it; new tickets only with reverse sync.
  const rs = state.reverseSync;
  if (rs.enabled) {
    out.push({
      into: 'source',
      key: 'source|reverse-sync',
      text: `Reverse sync: tickets created on the target${describeFilter(rs.filters)} are created on the source, with requesters matched or created as the source's configuration says`,
    });
  }
  for (const y of universe.targetTypes) {
    const { mapping, sourceType } = y === OTHER_TYPES ? { mapping: defaultTypeMapping(), sourceType: 'their own type' } : forTargetType(m, y);
    for (const f of mapping.fields.filter((x) => sendsInto(x, 'source'))) out.push(...fieldGrants('source', y, f, 'updates'));
    if (!rs.enabled) continue;
    out.push({ into: 'source', key: `source|type|${y}|${sourceType}`, text: `${typeLabel(y)}: new copies are created as ${sourceType}` });
    for (const f of mapping.fields) out.push(...fieldGrants('source', y, f, 'new copies'));
    if (mapping.descriptionBuilder.partnerReference)
      out.push({
        into: 'source',
        key: `source|partner-ref|${y}`,
        text: `${typeLabel(y)}: new copies' descriptions get a line with the target ticket's number and link`,
      });
  }
  return out;
}

/** Readable filter, e.g. ' with tag escalate, in group 7'. Empty for "every ticket". */
export function describeFilter(f: SyncFilter): string {
  const parts: string[] = [];
  if (f.groups.length) parts.push(`in group ${f.groups.join(' or ')}`);
  if (f.ticketTypes.length) parts.push(`of type ${f.ticketTypes.join(' or ')}`);
  if (f.tags.length) parts.push(`tagged ${f.tags.join(' or ')}`);
  if (f.statuses.length) parts.push(`with status ${f.statuses.join(' or ')}`);
  if (f.field) parts.push(`where ${f.field.name} is ${JSON.stringify(f.field.equals)}`);
  return parts.length ? ` (${parts.join(', ')})` : ' (every ticket)';
}

/**
 * How `after` admits tickets `before` did not (a list condition left empty admits every value; a
 * filter is the AND of its conditions). Conservative: a condition that is not narrower or equal counts
 * as a widening, even if another condition got narrower at the same time.
 */
export function filterWidenings(before: SyncFilter, after: SyncFilter): string[] {
  const out: string[] = [];
  const list = (name: string, b: Array<string | number>, a: Array<string | number>) => {
    const bs = new Set(b.map(String));
    if (a.length === 0 && b.length > 0) out.push(`${name}: condition removed (was ${b.join(', ')})`);
    else if (b.length > 0) {
      const added = a.map(String).filter((v) => !bs.has(v));
      if (added.length) out.push(`${name}: also ${added.join(', ')}`);
    }
  };
  list('groups', before.groups, after.groups);
  list('ticket types', before.ticketTypes, after.ticketTypes);
  list('tags', before.tags, after.tags);
  list('statuses', before.statuses, after.statuses);
  if (before.field && (!after.field || after.field.name !== before.field.name || String(after.field.equals) !== String(before.field.equals))) {
    out.push(
      after.field
        ? `field condition: ${after.field.name} is ${JSON.stringify(after.field.equals)} instead of ${before.field.name} is ${JSON.stringify(before.field.equals)}`
        : `field condition removed (was ${before.field.name} is ${JSON.stringify(before.field.equals)})`,
    );
  }
  return out;
}

/** What `after` lets the engine write into each side that `before` did not. */
export function newWrites(before: WriteState, after: WriteState): NewWrites {
  const universe = typeUniverse([before.mappings, after.mappings]);
  const had = new Set(writeGrants(before, universe).map((g) => g.key));
  const fresh = writeGrants(after, universe).filter((g) => !had.has(g.key) && !(g.identityOf && had.has(g.identityOf)));
  if (before.reverseSync.enabled && after.reverseSync.enabled) {
    for (const w of filterWidenings(before.reverseSync.filters, after.reverseSync.filters)) {
      fresh.push({ into: 'source', key: `source|reverse-filter|${w}`, text: `Reverse sync filter admits more tickets created on the target: ${w}` });
    }
  }
  const unique = (side: Side) => [...new Map(fresh.filter((g) => g.into === side).map((g) => [g.key, g])).values()];
  return { source: unique('source'), target: unique('target') };
}

/**
 * The side whose admin must approve a change `proposer` makes, or null when it applies at once: only
 * new writes into the partner's side need the partner's consent; the proposer's own side consents by
 * proposing (members edit mappings today, and may keep doing so for their own side).
 */
export function consentNeededFrom(proposer: Side, writes: NewWrites): Side | null {
  const partner = other(proposer);
  return writes[partner].length > 0 ? partner : null;
}

/** Readable lines for the audit log and the Pending changes card: one per grant, a field's value pairs on one line. */
export function summarise(writes: NewWrites): Record<Side, string[]> {
  const lines = (grants: WriteGrant[]) => {
    const out = new Map<string, string[]>();
    for (const g of grants) {
      if (!g.group) out.set(g.text, []);
      else out.set(g.group, [...(out.get(g.group) ?? []), g.text.slice(g.group.length + 2)]);
    }
    return [...out].map(([head, pairs]) => (pairs.length ? `${head}: ${pairs.join(', ')}` : head));
  };
  return { source: lines(writes.source), target: lines(writes.target) };
}
