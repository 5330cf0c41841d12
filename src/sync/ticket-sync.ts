import { PlatformError, type FieldDefinition, type FieldValue, type RemoteRequester, type RemoteTicket, type TicketConnector } from '../core/connector.ts';
import { buildDescription } from '../core/description-builder.ts';
import { safeTicketUrl, withPartnerReference, type PartnerReference } from '../core/partner-reference.ts';
import { plainSubject, sanitizeTicketHtml, sanitizeTicketWrite } from '../core/sanitize-html.ts';
import type { Mappings, SideConfiguration, TypeMapping } from '../core/sync-config.ts';
import type { EngineStore, RunDetail, TicketLink } from './ports.ts';
import { carryConversation, type CarryContext } from './conversation-sync.ts';
import { creatableType, defaultValues, withDefaults, withTypeLine } from './copy-rules.ts';
import {
  admitsEverything,
  changedValues,
  directedRules,
  filterNeedsFields,
  matchesFilter,
  mirroredValues,
  otherSide,
  readField,
  snapshotOf,
  toWrite,
  typeMappingFor,
  type Side,
} from './field-mapping.ts';
import { closureBlockedBy, closureOf, fieldDefsOf, linkedTypeMapping, requireMandatoryOnCreate, resolvedMapping } from './mandatory-check.ts';
import { resolveRequester } from './requester.ts';
import { describeValues, type TicketEventLog } from './ticket-events.ts';

export interface SideRuntime {
  side: Side;
  connector: TicketConnector;
  config: SideConfiguration;
  organisationName: string;
  /** Requesters already resolved on this side during the run, by lower-case e-mail. */
  requesters?: Map<string, RemoteRequester>;
  /** Comment authors' names already looked up on this side during the run, by person id. */
  people?: Map<string, Promise<string | null>>;
  /** Field labels and picklist display values: the description builder's (source), and the timeline's words for values written into this side. */
  describe?: { labels: Record<string, string>; choiceLabels: Record<string, Record<string, string>> };
  /**
   * This side's form fields, read at most once per run (mandatory-check.ts fieldDefsOf): labels, roles, status
   * categories and mandatory fields; rejects when unreadable.
   */
  fieldDefs?: Promise<FieldDefinition[]> | undefined;
  /** Type mappings with their roles resolved for this run (kept on the source side's runtime). */
  resolved?: WeakMap<TypeMapping, Promise<TypeMapping>>;
}

export interface TicketSyncContext {
  connectionId: string;
  store: EngineStore;
  mappings: Mappings;
  sides: Record<Side, SideRuntime>;
  /** Test hook: runs between the remote create and the link write (a crash there must not duplicate). */
  afterRemoteCreate?: (ticketId: string) => Promise<void> | void;
  /**
   * A create whose answer was lost (timeout, reset, crash) may still be carried out by the platform a
   * moment later. Its copy is looked for (and, if absent, created again) only once its intent is this
   * old, so a late copy is not missed and doubled.
   */
  lostCreateSettleMs?: number;
  /** The timeline of the ticket being worked (engine.ts sets it per ticket). */
  events?: TicketEventLog;
  /** Comments and attachments found to copy, copied and failed: the run's live progress (progress.ts). */
  onConversation?: CarryContext['onProgress'];
}

export type TicketOutcome = Omit<RunDetail, 'originSide'> | null;

const idsFor = (side: Side, here: string, there: string | null) =>
  side === 'source' ? { sourceTicketId: here, targetTicketId: there } : { sourceTicketId: there, targetTicketId: here };

/**
 * Whether the side's filter (source) or reverse sync and its filter (target) admit the ticket. Status and
 * group conditions are read through the side's role fields, so its field definitions are read (once per run)
 * only when the filter has such a condition; fields that cannot be read leave the roles' own names, which
 * is what filters meant before roles (a condition on a field the ticket lacks admits nothing).
 */
async function eligible(ctx: TicketSyncContext, side: Side, t: RemoteTicket): Promise<boolean> {
  const rt = ctx.sides[side];
  const cfg = rt.config;
  if (side === 'target' && !cfg.reverseSync.enabled) return false;
  const filter = side === 'source' ? cfg.filters : cfg.reverseSync.filters;
  const defs = filterNeedsFields(filter)
    ? await fieldDefsOf(rt).catch((err: unknown) => {
        if (err instanceof PlatformError && err.isAccountWide) throw err;
        return [];
      })
    : [];
  return matchesFilter(filter, t, defs);
}

/**
 * Platforms stamp updated_at in whole seconds, so a change made in the same second as a version we
 * handled would carry the same stamp. A version is remembered as handled (and later skipped without
 * reading it) only once its second is long over, allowing for clock skew.
 */
const SETTLE_MS = 5_000;
const settled = (updatedAt: string) => Date.now() - Date.parse(updatedAt) >= SETTLE_MS;

async function rememberHandled(
  ctx: TicketSyncContext,
  link: TicketLink,
  side: Side,
  ticket: RemoteTicket,
  carried: { failedComments: number; failedAttachments: number },
) {
  if (carried.failedComments + carried.failedAttachments > 0 || !settled(ticket.updatedAt)) return;
  await ctx.store.saveLinkState(link.id, { writtenAt: { [side]: ticket.updatedAt } });
}

const openIntentOf = async (ctx: TicketSyncContext, side: Side, ticketId: string) =>
  (await ctx.store.pendingIntents(ctx.connectionId)).find((i) => i.originSide === side && i.originTicketId === ticketId) ?? null;

/** Whether a listed ticket can travel in this run, decided before the run counts or records it. */
export type Screening = { travels: true; read?: RemoteTicket } | { travels: false; reason: string };

/** A copy made by Support Fusion (this connection or another): its connector read a create marker back from it. */
const isEchoMarked = (t: RemoteTicket) => typeof t.marker === 'string' && t.marker !== '';

/**
 * Decides, before the run counts, lists or records a ticket anywhere the partner can see, whether it
 * can travel at all: a linked ticket (or one with an interrupted create) always can; a ticket with no
 * copy only when the sending side's filter (source) or reverse sync and its filter (target) admit it.
 * A ticket that cannot travel is the business of its own organisation only: the steps taken go to
 * `ctx.events` (its own timeline). The same checks are made again when the ticket is worked.
 */
export async function screenTicket(ctx: TicketSyncContext, side: Side, change: { id: string }): Promise<Screening> {
  if (await ctx.store.findLink(ctx.connectionId, side, change.id)) return { travels: true };
  if (await openIntentOf(ctx, side, change.id)) return { travels: true };
  const org = ctx.sides[side].organisationName;
  const cfg = ctx.sides[side].config;
  if (side === 'target' && !cfg.reverseSync.enabled) return { travels: false, reason: `reverse sync of ${org} is off` };
  // A filter without conditions keeps nothing back: no read needed (copies made by Support Fusion are
  // still recognised when the ticket is worked).
  if (admitsEverything(side === 'source' ? cfg.filters : cfg.reverseSync.filters)) return { travels: true };
  const ticket = await ctx.sides[side].connector.getTicket(change.id);
  const ev = ctx.events;
  if (!ticket) {
    ev?.add('skipped_missing', `Ticket #${change.id} no longer exists, or the integration agent of ${org} cannot see it`);
    return { travels: false, reason: 'missing' };
  }
  ev?.add('read', `Read #${ticket.id} from ${org} (${ticket.type || 'no type'})`);
  const there = otherSide(side);
  // The copy of a ticket from the other side whose link write was interrupted: it is settled when worked.
  if ((await ctx.store.pendingIntents(ctx.connectionId)).some((i) => i.originSide === there && ticket.marker === i.marker)) return { travels: true };
  if (isEchoMarked(ticket)) {
    ev?.add('skipped_echo', 'A copy made by Support Fusion (it carries a create marker tag): not sent back');
    return { travels: false, reason: 'a copy made by Support Fusion' };
  }
  if (!(await eligible(ctx, side, ticket))) {
    const reason =
      side === 'source'
        ? `Not admitted by the sync filter of ${org}: not copied`
        : `Not admitted by the reverse sync of ${org} (off, or its filter): not copied`;
    ev?.add('skipped_filtered', reason);
    return { travels: false, reason };
  }
  return { travels: true, read: ticket };
}

/**
 * Syncs one changed ticket of `side` to the other side. Returns null when nothing was written. `read`:
 * the ticket as screening read it this run (not read again: the platform's budget counts every read).
 */
export async function syncTicket(ctx: TicketSyncContext, side: Side, change: { id: string; updatedAt: string }, read?: RemoteTicket): Promise<TicketOutcome> {
  const ev = ctx.events;
  const link = await ctx.store.findLink(ctx.connectionId, side, change.id);
  if (link && ev) ev.linkedTicketId = link.ticketIds[otherSide(side)];
  // A version of this ticket already handled, listed again (cursors are inclusive): nothing changed.
  if (link && link.writtenAt[side] === change.updatedAt) {
    ev?.add('skipped_unchanged', 'This version of the ticket was already synced: not read again');
    return null;
  }
  // Without reverse sync an unlinked target ticket never travels: not even worth reading (unless a create of it was interrupted).
  if (!link && side === 'target' && !ctx.sides.target.config.reverseSync.enabled && !(await openIntentOf(ctx, side, change.id))) return null;
  const got = read ?? (await ctx.sides[side].connector.getTicket(change.id));
  // Its number and (when this side shares them) link, readable by mappings as partner.ticketId / partner.ticketUrl.
  const ticket = got ? withPartnerReference(got, partnerReferenceOf(ctx.sides[side], got)) : null;
  if (!ticket) {
    // Deleted there (a webhook that reports deletions hints it), or out of the agent's sight: the copy stays as it is.
    const kept = link
      ? `: its copy #${link.ticketIds[otherSide(side)]} on ${ctx.sides[otherSide(side)].organisationName} is kept, nothing is deleted there`
      : '';
    ev?.add('skipped_missing', `Ticket #${change.id} no longer exists, or the integration agent of ${ctx.sides[side].organisationName} cannot see it${kept}`);
    return null;
  }
  ev?.add('read', `Read #${ticket.id} from ${ctx.sides[side].organisationName} (${ticket.type || 'no type'})`);
  if (!link) return createCopy(ctx, side, ticket);
  return updateCopy(ctx, side, ticket, link);
}

async function createCopy(ctx: TicketSyncContext, side: Side, ticket: RemoteTicket): Promise<TicketOutcome> {
  const there = otherSide(side);
  const pending = (await ctx.store.pendingIntents(ctx.connectionId)).find((i) => i.originSide === there && isEchoMarked(ticket) && ticket.marker === i.marker);
  if (pending) {
    // The copy of a ticket from the other side whose link write was interrupted: settle it, send nothing
    // back. The original may have changed since the copy was made: it is gone through again (next run).
    const origin = await ctx.sides[there].connector.getTicket(pending.originTicketId);
    if (!origin) return null;
    await ctx.store.completeCreate(ctx.connectionId, pending, ticket.id, interruptedPair(there, ticket), { source: null, target: null });
    await ctx.store.markRetry(ctx.connectionId, there, pending.originTicketId, 'its copy was found after an interruption; its fields are compared again');
    if (ctx.events) ctx.events.linkedTicketId = pending.originTicketId;
    ctx.events?.add('skipped_echo', `A copy of #${pending.originTicketId} made by an interrupted run: linked to it, nothing sent back`);
    return null;
  }
  if (isEchoMarked(ticket)) {
    ctx.events?.add('skipped_echo', 'A copy made by Support Fusion (it carries a create marker tag): not sent back');
    return null; // a copy made by another connection's engine run
  }
  const admitted = await eligible(ctx, side, ticket);
  // A ticket that left the filter after a create of it was interrupted: its copy may exist, and is then
  // linked like any other; if it does not, the intent is dropped.
  const stale = admitted ? null : await openIntentOf(ctx, side, ticket.id);
  if (!admitted && !stale) {
    ctx.events?.add(
      'skipped_filtered',
      side === 'source'
        ? `Not admitted by the sync filter of ${ctx.sides[side].organisationName}: not copied`
        : `Not admitted by the reverse sync of ${ctx.sides[side].organisationName} (off, or its filter): not copied`,
    );
    return null;
  }

  const to = ctx.sides[there];
  const intent = stale ?? (await ctx.store.openCreateIntent(ctx.connectionId, side, ticket.id));
  // An earlier attempt moments ago may still land: a later run looks (the intent stays open until then).
  if (intent.resumed && Date.now() - intent.createdAt.getTime() < (ctx.lostCreateSettleMs ?? 0)) {
    ctx.events?.add('retried', 'A create of it was interrupted moments ago and may still land: its copy is looked for in a later run');
    return null;
  }
  let copy = intent.resumed
    ? await to.connector.findTicketByMarker(intent.marker, { subject: plainSubject(ticket.subject), createdAfter: intent.createdAt })
    : null;
  const found = copy !== null;
  if (!copy && !admitted) {
    await ctx.store.dropCreateIntent(intent.id);
    ctx.events?.add('skipped_filtered', 'No longer admitted by the filter, and an interrupted create of it made no copy: not copied');
    return null;
  }
  if (!copy) {
    const found = typeMappingFor(ctx.mappings, side, ticket.type);
    const otherType = found.otherType;
    const mapping = await resolvedMapping(ctx.sides, found.mapping, { side, ticket });
    const sent = changedValues(directedRules(mapping, side), ticket, null);
    // The receiving side's defaults fill what the mapping leaves empty.
    const values = withDefaults({ ...mirroredValues(mapping, side, ticket, sent), ...sent }, defaultValues(to.config.defaults));
    try {
      await requireMandatoryOnCreate(to, values, (await closureOf(to, values)).closing);
    } catch (err) {
      if (!intent.resumed) await ctx.store.dropCreateIntent(intent.id); // nothing was sent: no copy to look for later
      throw err;
    }
    const write = sanitizeTicketWrite(toWrite(values)); // untrusted: HTML sanitised, text made plain
    // Copies made by reverse sync get the partner reference line too, but not the source's field lines.
    const fromLabels =
      side === 'source'
        ? mapping.descriptionBuilder
        : { fields: [], separator: mapping.descriptionBuilder.separator, partnerReference: mapping.descriptionBuilder.partnerReference };
    // A type the receiving platform cannot create: the copy is of a type it can, and its description names the original's.
    const made = creatableType(otherType, creatableTypesOf(to.connector));
    const description = withTypeLine(
      buildDescription(fromLabels, describeSource(ctx.sides[side], ticket, ticket.description)),
      made.substituted ? otherType : null,
    );
    const typeNote = made.substituted ? ` as ${made.type} (its platform cannot create ${otherType}; the description starts with "Type: ${otherType}")` : '';
    ctx.events?.add(
      'mapped',
      `Mapped for ${to.organisationName}${typeNote}: ${describeValues({ type: made.type, subject: write.subject ?? plainSubject(ticket.subject), ...write.fields }, to.describe)}; description composed`,
    );
    const requester = await resolveRequester(to.connector, to.config, ticket.requester, (to.requesters ??= new Map()));
    try {
      copy = await to.connector.createTicket({
        ...write,
        type: made.type,
        subject: write.subject ?? plainSubject(ticket.subject),
        description: sanitizeTicketHtml(description),
        requesterId: requester.id,
        // Where the marker is kept (a tag, an external id...) is the connector's business.
        marker: intent.marker,
      });
    } catch (err) {
      // A create the platform refused outright (invalid, not permitted) made no copy, and an earlier attempt's
      // was looked for above: nothing to look for later, so a retry creates at once instead of waiting.
      if (err instanceof PlatformError && (err.kind === 'validation' || err.kind === 'permission')) await ctx.store.dropCreateIntent(intent.id);
      throw err;
    }
    if (ctx.events) ctx.events.linkedTicketId = copy.id;
    ctx.events?.add('written', `Created #${copy.id} on ${to.organisationName}`);
    await ctx.afterRemoteCreate?.(copy.id);
  }
  if (found) {
    if (ctx.events) ctx.events.linkedTicketId = copy.id;
    ctx.events?.add('written', `Linked to #${copy.id} on ${to.organisationName}: the copy an interrupted create had made (found by its marker), compared now`);
    // A copy made by an interrupted run, from the ticket as it was then: the fields are compared now.
    const link = await ctx.store.completeCreate(ctx.connectionId, intent, copy.id, interruptedPair(side, copy), { source: null, target: null });
    const done = await updateCopy(ctx, side, ticket, link);
    return {
      ...idsFor(side, ticket.id, copy.id),
      outcome: done?.outcome === 'failed' ? 'failed' : 'created',
      failedComments: done?.failedComments ?? 0,
      failedAttachments: done?.failedAttachments ?? 0,
      error: done?.error ?? null,
    };
  }
  const link = await ctx.store.completeCreate(ctx.connectionId, intent, copy.id, snapPair(side, ticket, copy), { source: null, target: null });
  const carried = await carryConversation(carryCtx(ctx, side, link), ticket);
  await rememberHandled(ctx, link, side, ticket, carried);
  return { ...idsFor(side, ticket.id, copy.id), outcome: 'created', ...failures(carried) };
}

async function updateCopy(ctx: TicketSyncContext, side: Side, ticket: RemoteTicket, link: TicketLink): Promise<TicketOutcome> {
  const there = otherSide(side);
  const to = ctx.sides[there];
  const mapping = await resolvedMapping(ctx.sides, linkedTypeMapping(ctx.mappings, side, ticket, link), { side, ticket });
  const values = changedValues(directedRules(mapping, side), ticket, link.snapshots[side]);
  // Closure is the receiving side's status category, whatever the platform calls its values.
  const { statusField, closing } = await closureOf(to, values);
  const status = statusField ?? '';
  let closureError: string | null = null;
  let closed = false;
  if (closing && !ctx.sides[side].config.closures.enabled) delete values[status];
  if ('description' in values && side === 'source') {
    values.description = buildDescription(mapping.descriptionBuilder, describeSource(ctx.sides[side], ticket, String(values.description ?? '')));
  }
  if ('description' in values) {
    const { otherType } = typeMappingFor(ctx.mappings, side, ticket.type);
    if (creatableType(otherType, creatableTypesOf(to.connector)).substituted) values.description = withTypeLine(String(values.description ?? ''), otherType);
  }
  // Fields the platform requires before a close: the close is not attempted without them (reported once, as a refusal).
  if (closing && status in values) {
    closureError = await closureBlockedBy(to, link, there, values);
    if (closureError) delete values[status];
  }
  // A field mapped both ways and changed on both sides since the last sync: the later change wins. When
  // the other side's is later, it is not overwritten here; it travels back when that side is processed.
  const both = new Set(directedRules(mapping, there).map((r) => r.from));
  if (Object.keys(values).some((k) => both.has(k))) {
    const current = await to.connector.getTicket(link.ticketIds[there]);
    if (!current) return copyGone(ctx, side, ticket, link);
    if (Date.parse(current.updatedAt) > Date.parse(ticket.updatedAt)) {
      const before = link.snapshots[there];
      for (const k of Object.keys(values)) {
        if (both.has(k) && k in before && String(before[k] ?? '') !== String(readField(current, k) ?? '')) delete values[k];
      }
    }
  }
  let written = false;
  const snapshots: Partial<Record<Side, Record<string, FieldValue>>> = { [side]: snapshotOf(ticket) };
  const changedFields = Object.keys(values);
  if (changedFields.length > 0) {
    ctx.events?.add('mapped', `Changed since the last sync, for ${to.organisationName}: ${describeValues(values, to.describe)}`);
    let result: RemoteTicket;
    try {
      result = await to.connector.updateTicket(link.ticketIds[there], sanitizeTicketWrite(toWrite(values)));
    } catch (err) {
      if (err instanceof PlatformError && err.kind === 'not_found' && (await isGone(to, link.ticketIds[there]))) return copyGone(ctx, side, ticket, link);
      const isClosure = closing && status in values;
      if (!(err instanceof PlatformError) || err.kind !== 'validation' || !isClosure) throw err;
      // The platform's closure rules refused: report it once, keep the other changes, do not loop.
      closureError = `${to.organisationName} did not accept closing ticket ${link.ticketIds[there]}: ${err.message}`;
      delete values[status];
      result =
        Object.keys(values).length > 0
          ? await to.connector.updateTicket(link.ticketIds[there], sanitizeTicketWrite(toWrite(values)))
          : ((await to.connector.getTicket(link.ticketIds[there])) ?? ticket);
    }
    closed = closing && status in values;
    written = true;
    const wrote = Object.keys(values);
    if (wrote.length > 0)
      ctx.events?.add('written', `Updated #${link.ticketIds[there]} on ${to.organisationName}: ${wrote.join(', ')}${closed ? ' (closed)' : ''}`);
    // Only what was written is ours: a change someone made there meanwhile must still look like one.
    const after = snapshotOf(result);
    snapshots[there] = {
      ...link.snapshots[there],
      ...Object.fromEntries(
        Object.keys(values)
          .filter((k) => k in after)
          .map((k) => [k, after[k]!]),
      ),
    };
  }
  await ctx.store.saveLinkState(link.id, { snapshots, ...(closureError ? { closureBlocked: closureError } : {}) });
  const carried = await carryConversation(carryCtx(ctx, side, link), ticket);
  // Comments or files that could not be written because the copy is gone: said so, not retried run after run.
  if (carried.failedComments + carried.failedAttachments > 0 && carried.written === 0 && (await isGone(to, link.ticketIds[there])))
    return copyGone(ctx, side, ticket, link);
  await rememberHandled(ctx, link, side, ticket, carried);
  if (carried.written > 0) written = true;
  if (changedFields.length === 0 && carried.written === 0 && carried.failedComments + carried.failedAttachments === 0) {
    ctx.events?.add(
      'skipped_echo',
      'No mapped field differs from what was last synced (our own write seen again, or a change to an unmapped field) and no new comment or file: nothing written',
    );
  }
  const ids = idsFor(side, ticket.id, link.ticketIds[there]);
  if (closureError) return { ...ids, outcome: 'failed', ...failures(carried), error: [closureError, ...carried.errors].join('; ') };
  if (!written && carried.failedComments + carried.failedAttachments === 0) return null;
  const outcome = carried.failedComments + carried.failedAttachments > 0 && !written ? 'failed' : closed ? 'closed' : 'updated';
  return { ...ids, outcome, ...failures(carried) };
}

/** Whether a ticket reads as not there (deleted, or out of the agent's sight); a read that fails says nothing. */
async function isGone(rt: SideRuntime, id: string): Promise<boolean> {
  return (await rt.connector.getTicket(id).catch(() => undefined)) === null;
}

/**
 * The copy of a linked ticket no longer exists on the other side (deleted there, or its agent cannot see it).
 * Nothing is deleted or re-created anywhere: the link stays, the ticket's row says that its changes are not
 * carried, and it is not put in the retry set (retrying cannot bring the copy back). Nothing is remembered as
 * synced either: a copy restored later (from a trash) still gets the changes made meanwhile, so each pass that
 * works a change of the original reports it again.
 */
function copyGone(ctx: TicketSyncContext, side: Side, ticket: RemoteTicket, link: TicketLink): TicketOutcome {
  const there = otherSide(side);
  const message =
    `The copy #${link.ticketIds[there]} on ${ctx.sides[there].organisationName} no longer exists (deleted there, or its integration agent ` +
    `cannot see it): changes to #${ticket.displayId || ticket.id} are not carried to it, and nothing was deleted on ${ctx.sides[side].organisationName}`;
  // The run adds the message to the ticket's timeline as this pass's failure.
  return { ...idsFor(side, ticket.id, link.ticketIds[there]), outcome: 'failed', failedComments: 0, failedAttachments: 0, error: message };
}

/** Types the receiving platform can create: its manifest's, else what the connector says (tests' fakes). */
function creatableTypesOf(c: TicketConnector): readonly string[] | undefined {
  const fromManifest = c.manifest?.capabilities.creatableTypes;
  return fromManifest && fromManifest.length > 0 ? fromManifest : c.creatableTypes;
}

function describeSource(rt: SideRuntime, t: RemoteTicket, description: string) {
  return {
    description,
    values: { ...t.fields, subject: t.subject, ticket_type: t.type },
    labels: rt.describe?.labels ?? {},
    choiceLabels: rt.describe?.choiceLabels ?? {},
    partnerRef: partnerReferenceOf(rt, t),
  };
}

/** The sending ticket's reference for the receiving side: its number, and its link only when the sending side shares links. */
function partnerReferenceOf(rt: SideRuntime, t: RemoteTicket): PartnerReference {
  const share = rt.config.ticketLinks?.share ?? true;
  return { displayId: t.displayId || t.id, url: share ? safeTicketUrl(rt.connector.ticketUrl?.(t)) : null };
}

/** Snapshots of a link to a copy found after an interruption: the original's unknown, so every mapped field is compared. */
function interruptedPair(originSide: Side, copy: RemoteTicket): Record<Side, Record<string, FieldValue>> {
  return originSide === 'source' ? { source: {}, target: snapshotOf(copy) } : { source: snapshotOf(copy), target: {} };
}

function snapPair(side: Side, here: RemoteTicket, there: RemoteTicket): Record<Side, Record<string, FieldValue>> {
  return side === 'source' ? { source: snapshotOf(here), target: snapshotOf(there) } : { source: snapshotOf(there), target: snapshotOf(here) };
}

function carryCtx(ctx: TicketSyncContext, side: Side, link: TicketLink) {
  const from = ctx.sides[side];
  const to = ctx.sides[otherSide(side)];
  return { store: ctx.store, link, from, to, events: ctx.events, onProgress: ctx.onConversation };
}

function failures(c: { failedComments: number; failedAttachments: number; errors: string[] }) {
  return { failedComments: c.failedComments, failedAttachments: c.failedAttachments, error: c.errors.length ? c.errors.join('; ') : null };
}
