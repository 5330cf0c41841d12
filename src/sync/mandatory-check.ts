import { PlatformError, type FieldDefinition, type FieldValue, type RemoteTicket } from '../core/connector.ts';
import type { Mappings, TypeMapping } from '../core/sync-config.ts';
import type { TicketLink } from '../db/repositories/sync-store.ts';
import { MandatoryFieldsError, missingForClosure, missingMandatory, missingOnCloseMessage, missingOnCreateMessage } from './copy-rules.ts';
import { snapshotOf, typeMappingFor, type Side } from './field-mapping.ts';
import type { SideRuntime } from './ticket-sync.ts';

/**
 * The receiving side's form fields, read once per run and only when a copy is made or closed there.
 * A read that fails for one reason or another (not the whole account) leaves the check to the
 * platform's own validation rather than failing tickets it would accept.
 */
async function fieldsOf(rt: SideRuntime): Promise<FieldDefinition[]> {
  rt.fieldDefs ??= rt.connector.fieldDefinitions().catch((err: unknown) => {
    if (err instanceof PlatformError && err.isAccountWide) {
      rt.fieldDefs = undefined;
      throw err;
    }
    return null;
  });
  return (await rt.fieldDefs) ?? [];
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
