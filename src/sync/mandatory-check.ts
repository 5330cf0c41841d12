import { PlatformError, type FieldDefinition, type FieldValue, type RemoteTicket } from '../core/connector.ts';
import { fieldWithRole, isClosingStatus, needsRoleResolution, resolveRoles } from '../core/field-roles.ts';
import type { Mappings, TypeMapping } from '../core/sync-config.ts';
import type { TicketLink } from './ports.ts';
import { MandatoryFieldsError, missingForClosure, missingMandatory, missingOnCloseMessage, missingOnCreateMessage } from './copy-rules.ts';
import { readField, snapshotOf, typeMappingFor, type Side } from './field-mapping.ts';
import type { SideRuntime } from './ticket-sync.ts';

/**
 * A side's form fields, read at most once per run (labels for the timeline, roles, status categories and
 * mandatory fields all come from this one read). A failure about the whole account is not kept, so a
 * later ticket asks again; any other failure is, so a broken field list costs one call per run.
 */
export function fieldDefsOf(rt: SideRuntime): Promise<FieldDefinition[]> {
  rt.fieldDefs ??= rt.connector.fieldDefinitions().catch((err: unknown) => {
    if (err instanceof PlatformError && err.isAccountWide) rt.fieldDefs = undefined;
    throw err;
  });
  return rt.fieldDefs;
}

/**
 * The receiving side's form fields for checks. A read that fails for one reason or another (not the
 * whole account) leaves the check to the platform's own validation rather than failing tickets it would accept.
 */
async function fieldsOf(rt: SideRuntime): Promise<FieldDefinition[]> {
  return fieldDefsOf(rt).catch((err: unknown) => {
    if (err instanceof PlatformError && err.isAccountWide) throw err;
    return [];
  });
}

/**
 * The side's status field (by role, never by name) and whether `values` closes the ticket there: its
 * status choice's category is a closing one. Without readable fields nothing counts as a closure.
 */
export async function closureOf(rt: SideRuntime, values: Record<string, FieldValue>): Promise<{ statusField: string | null; closing: boolean }> {
  if (Object.keys(values).length === 0) return { statusField: null, closing: false }; // nothing written: no read needed
  const defs = await fieldsOf(rt);
  const statusField = fieldWithRole(defs, 'status')?.name ?? null;
  return { statusField, closing: statusField !== null && statusField in values && isClosingStatus(defs, values[statusField]) };
}

/** Whether every value mapping from `side` has a pair for the ticket's value (an empty value needs none). */
function pairsCover(mapping: TypeMapping, side: Side, ticket: RemoteTicket): boolean {
  return mapping.fields.every((m) => {
    const sends = m.direction === 'bidirectional' || m.direction === (side === 'source' ? 'source_to_target' : 'target_to_source');
    if (m.kind !== 'value' || !sends || m.values.length === 0) return true;
    const value = readField(ticket, side === 'source' ? m.sourceField : m.targetField);
    return value === null || value === '' || m.values.some((p) => String(side === 'source' ? p.source : p.target) === String(value));
  });
}

/**
 * A type mapping with its roles (`@status`...) resolved against both sides' fields, for this run. A role
 * mapping cannot be applied without them: the ticket fails with the reason and is retried.
 */
export async function resolvedMapping(
  sides: Record<Side, SideRuntime>,
  mapping: TypeMapping,
  sending?: { side: Side; ticket: RemoteTicket },
): Promise<TypeMapping> {
  // Two accounts of one platform use the document as stored while its pairs cover the ticket's values (no
  // field reads); a value they do not cover (the default pairs were written for another platform) is mapped by meaning.
  const samePlatform = sides.source.connector.platform === sides.target.connector.platform;
  if (!needsRoleResolution(mapping, samePlatform && (!sending || pairsCover(mapping, sending.side, sending.ticket)))) return mapping;
  const cache = (sides.source.resolved ??= new WeakMap());
  let hit = cache.get(mapping);
  if (!hit) {
    const read = async (side: Side) => {
      try {
        return await fieldDefsOf(sides[side]);
      } catch (err) {
        if (err instanceof PlatformError && err.isAccountWide) throw err;
        throw new Error(
          `The ticket fields of ${sides[side].organisationName} could not be read to apply the default mappings (status by category, priority by rank): ${(err as Error).message}`,
          { cause: err },
        );
      }
    };
    hit = Promise.all([read('source'), read('target')]).then(([source, target]) => resolveRoles(mapping, { source, target }));
    // A failed resolution is not kept: the next ticket tries again.
    hit.catch(() => cache.delete(mapping));
    cache.set(mapping, hit);
  }
  return hit;
}

/** Throws when the copy (`values`: mapped values with defaults) lacks a field its platform requires; no call is made for it. */
export async function requireMandatoryOnCreate(to: SideRuntime, values: Record<string, FieldValue>, closing: boolean): Promise<void> {
  const missing = missingMandatory(await fieldsOf(to), values, closing);
  if (missing.length > 0) throw new MandatoryFieldsError(missingOnCreateMessage(to.organisationName, missing));
}

/**
 * Before closing a copy: the fields its platform requires first, from the last known state of the
 * copy and what is written now. Only when those lack one is the copy read (someone may have filled
 * it since). Returns why the close cannot be made, or null.
 */
export async function closureBlockedBy(to: SideRuntime, link: TicketLink, there: Side, values: Record<string, FieldValue>): Promise<string | null> {
  const defs = await fieldsOf(to);
  if (missingForClosure(defs, { ...link.snapshots[there], ...values }).length === 0) return null;
  const current = await to.connector.getTicket(link.ticketIds[there]);
  const missing = missingForClosure(defs, { ...(current ? snapshotOf(current) : link.snapshots[there]), ...values });
  return missing.length > 0 ? missingOnCloseMessage(to.organisationName, link.ticketIds[there], missing) : null;
}

/**
 * The type mapping of a linked pair, seen from `side`. A copy on the target created as another type
 * (its platform could not create the original's) is still under the mapping of its original's type.
 */
export function linkedTypeMapping(mappings: Mappings, side: Side, ticket: RemoteTicket, link: TicketLink): TypeMapping {
  const found = typeMappingFor(mappings, side, ticket.type).mapping;
  if (side !== 'target' || link.originSide !== 'source') return found;
  const originalType = link.snapshots.source?.ticket_type;
  const original = typeof originalType === 'string' ? mappings.types[originalType] : undefined;
  if (!original || (original.targetType ?? originalType) === ticket.type) return found;
  return original;
}
