import { describe, expect, it } from 'vitest';
import { freshserviceManifest } from '../connectors/freshservice/manifest.ts';
import { timeFeed } from '../connector-kit/time-feed.ts';
import { PlatformError, type RemoteTicket, type TicketConnector } from '../core/connector.ts';
import { defaultMappings, SideConfiguration } from '../core/sync-config.ts';
import { createMemorySyncStore, type SyncStoreReads } from './dry-run/memory-store.ts';
import { runSync } from './engine.ts';
import type { ConnectionForSync, EngineEvent, TicketLink } from './ports.ts';

/**
 * A webhook that reports a ticket deleted (a `deleted` sync hint) is a claim, proven only as coming from
 * the platform's account: the engine confirms it with one read. Gone: reported deleted (timeline, event),
 * nothing written or unlinked on either side. Still readable (a forged or stale call): worked as a change.
 * A read that fails: the ticket is left to its pass, never reported deleted.
 */
const OLD = '2026-01-01T00:00:00Z';
const ticket = (id: string): RemoteTicket => ({
  id,
  displayId: `INC-${id}`,
  type: 'Incident',
  subject: `Subject ${id}`,
  description: '<p>d</p>',
  fields: { status: 2, priority: 2 },
  tags: [],
  requester: { id: 'r', email: 'alice@example.com', name: 'Alice' },
  createdAt: OLD,
  updatedAt: OLD,
  attachments: [],
});

function platform(tickets: RemoteTicket[], failRead = false) {
  const reads: string[] = [];
  const writes: string[] = [];
  const connector: TicketConnector = {
    platform: 'freshservice',
    manifest: freshserviceManifest,
    changes(cursor, opts) {
      return timeFeed(() => this.listChangedTickets(new Date(0)), cursor, opts);
    },
    whoAmI: async () => ({ id: '1', name: 'Agent', email: 'agent@example.com' }),
    listChangedTickets: async () => [],
    getTicket: async (id) => {
      reads.push(id);
      if (failRead) throw new PlatformError('server', `Freshservice answered 500 (server error) while trying to read ticket ${id}.`, { status: 500 });
      return structuredClone(tickets.find((t) => t.id === id) ?? null);
    },
    listComments: async () => [],
    findRequesterByEmail: async (email) => ({ id: 'p1', email, name: null }),
    fieldDefinitions: async () => [],
    findTicketByMarker: async () => null,
    findCommentByMarker: async () => null,
    createTicket: async (input) => (writes.push(`create ${input.subject}`), { ...ticket('900'), subject: input.subject, tags: input.tags ?? [] }),
    updateTicket: async (id) => (writes.push(`update ${id}`), ticket(id)),
    addComment: async (id) => {
      writes.push(`comment ${id}`);
      throw new Error('no comments here');
    },
    addAttachments: async () => [],
    createRequester: async (input) => ({ id: 'p2', email: input.email, name: input.name }),
    downloadAttachment: async () => {
      throw new Error('no attachments here');
    },
  };
  return { connector, reads, writes };
}

const link: TicketLink = {
  id: 'L1',
  originSide: 'source',
  ticketIds: { source: '5', target: '9' },
  snapshots: { source: {}, target: {} },
  writtenAt: { source: null, target: null },
  closureBlocked: null,
};

function reads(opts: { linked: boolean; deleted: boolean }): SyncStoreReads {
  const conn: ConnectionForSync = {
    id: 'c1',
    contractName: 'Test',
    status: 'active',
    syncState: 'ready_for_automatic_sync',
    mappings: defaultMappings(),
    sides: {
      source: { organisationId: 'o1', organisationName: 'Acme', configuration: SideConfiguration.parse({}), cursorAt: null },
      target: { organisationId: 'o2', organisationName: 'Globex', configuration: SideConfiguration.parse({}), cursorAt: null },
    },
  };
  return {
    loadConnection: async () => structuredClone(conn),
    findLink: async (_c, side, id) => (opts.linked && link.ticketIds[side] === id ? structuredClone(link) : null),
    pendingIntents: async () => [],
    commentLedger: async () => [],
    attachmentLedger: async () => [],
    retries: async () => [],
    hints: async () => [{ side: 'source', ticketId: '5', createdAt: new Date(OLD), ...(opts.deleted ? { deleted: true } : {}) }],
  };
}

async function run(src: ReturnType<typeof platform>, tgt: ReturnType<typeof platform>, store: SyncStoreReads) {
  const { store: memory, recorded } = createMemorySyncStore(store);
  const events: EngineEvent[] = [];
  const outcome = await runSync(
    { store: memory, connectorFor: async (_c, side) => (side === 'source' ? src.connector : tgt.connector), onEvent: (e) => events.push(e) },
    { runId: 'r1', connectionId: 'c1', trigger: 'webhook', since: null },
  );
  const summaries = recorded.ticketEvents.flatMap((b) => b.events.map((e) => e.summary));
  return { outcome, recorded, deletedEvents: events.filter((e) => e.kind === 'deleted'), summaries };
}

describe('a webhook’s deletion hint is confirmed by one read before it is reported', () => {
  it.each([
    { linked: false, copy: '' },
    { linked: true, copy: ': its copy #9 is kept' },
  ])('gone (linked: $linked): reported deleted, read once, nothing written on either side, the hint spent', async ({ linked, copy }) => {
    const src = platform([]);
    const tgt = platform([ticket('9')]);
    const { outcome, recorded, deletedEvents, summaries } = await run(src, tgt, reads({ linked, deleted: true }));
    expect(outcome.status).toBe('no_tickets');
    expect(deletedEvents).toEqual([{ kind: 'deleted', runId: 'r1', connectionId: 'c1', side: 'source', ticketId: '5' }]);
    expect(summaries).toEqual([`Ticket #5 was deleted on Acme (its webhook says so, and it can no longer be read)${copy}`]);
    expect(recorded.ticketEvents[0]).toMatchObject({ side: 'source', ticketId: '5', linkedTicketId: linked ? '9' : null });
    // The confirming read is the only one: the ticket is not worked again as a change.
    expect(src.reads).toEqual(['5']);
    expect(tgt.reads).toEqual([]);
    expect([...src.writes, ...tgt.writes]).toEqual([]);
    expect(recorded.details).toEqual([]);
    expect(recorded.retries).toEqual([]);
    expect(recorded.clearedHints).toEqual([{ side: 'source', ticketId: '5' }]);
  });

  it('still readable (a forged or stale call): not reported deleted, said so on its timeline, and synced as a change', async () => {
    const src = platform([ticket('5')]);
    const tgt = platform([]);
    const { outcome, recorded, deletedEvents, summaries } = await run(src, tgt, reads({ linked: false, deleted: true }));
    expect(deletedEvents).toEqual([]);
    expect(summaries).toContain('A webhook reported ticket #5 deleted on Acme, but it can still be read: not deleted, synced as a change');
    expect(summaries.some((s) => s.includes('was deleted'))).toBe(false);
    expect(outcome.status).toBe('success');
    expect(recorded.details).toMatchObject([{ originSide: 'source', sourceTicketId: '5', outcome: 'created' }]);
    expect(tgt.writes).toEqual(['create Subject 5']);
  });

  it('a read that fails confirms nothing: the ticket is worked as a change (here: failed into the retry set), never reported deleted', async () => {
    const src = platform([], true);
    const { recorded, deletedEvents, summaries } = await run(src, platform([]), reads({ linked: true, deleted: true }));
    expect(deletedEvents).toEqual([]);
    expect(summaries.some((s) => s.includes('was deleted') || s.includes('can still be read'))).toBe(false);
    expect(recorded.retries.map((r) => r.ticketId)).toEqual(['5']);
    expect(recorded.details).toMatchObject([{ sourceTicketId: '5', targetTicketId: '9', outcome: 'failed' }]);
  });

  it('a change hint for a ticket that is gone is not a deletion: said as before (no longer exists, or cannot be seen)', async () => {
    const src = platform([]);
    const { deletedEvents, summaries } = await run(src, platform([]), reads({ linked: true, deleted: false }));
    expect(deletedEvents).toEqual([]);
    expect(summaries.some((s) => s.includes('Ticket #5 no longer exists, or the integration agent of Acme cannot see it'))).toBe(true);
  });
});
