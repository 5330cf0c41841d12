import { freshserviceManifest } from '../connectors/freshservice/manifest.ts';
import { timeFeed } from '../connector-kit/time-feed.ts';
import { describe, expect, it } from 'vitest';
import { PlatformError, type RemoteTicket, type TicketConnector } from '../core/connector.ts';
import { defaultMappings, SideConfiguration } from '../core/sync-config.ts';
import type { ConnectionForSync, RunProgress } from '../db/repositories/sync-store.ts';
import { createMemorySyncStore, type SyncStoreReads } from './dry-run/memory-store.ts';
import { runSync } from './engine.ts';

/**
 * The engine screens listed tickets against the sending side's filters before it counts or records them,
 * so what a filter keeps back is in no progress count, no detail row the partner sees, and only its own
 * organisation's timeline (issue 11, item 2).
 */
const OLD = '2026-01-01T00:00:00Z';
const ticket = (id: string, over: Partial<RemoteTicket> = {}): RemoteTicket => ({
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
  ...over,
});

function platform(tickets: RemoteTicket[], failRead = new Set<string>()) {
  const reads: string[] = [];
  let seq = 100;
  const connector: TicketConnector = {
    platform: 'freshservice',
    manifest: freshserviceManifest,
    changes(cursor, opts) {
      return timeFeed(() => this.listChangedTickets(new Date(0)), cursor, opts);
    },
    whoAmI: async () => ({ id: '1', name: 'Agent', email: 'agent@example.com' }),
    listChangedTickets: async () => tickets.map((t) => ({ id: t.id, updatedAt: t.updatedAt })),
    getTicket: async (id) => {
      reads.push(id);
      if (failRead.has(id)) throw new PlatformError('server', `Freshservice answered 500 (server error) while trying to read ticket ${id}.`, { status: 500 });
      return structuredClone(tickets.find((t) => t.id === id) ?? null);
    },
    listComments: async () => [],
    findRequesterByEmail: async (email) => ({ id: 'p1', email, name: null }),
    fieldDefinitions: async () => [],
    findTicketByMarker: async () => null,
    findCommentByMarker: async () => null,
    createTicket: async (input) => ticket(String(++seq), { subject: input.subject, tags: input.tags ?? [] }),
    updateTicket: async (id) => ticket(id),
    addComment: async () => {
      throw new Error('no comments here');
    },
    addAttachments: async () => [],
    createRequester: async (input) => ({ id: 'p2', email: input.email, name: input.name }),
    downloadAttachment: async () => {
      throw new Error('no attachments here');
    },
  };
  return { connector, reads };
}

function reads(source: Partial<SideConfiguration>, target: Partial<SideConfiguration> = {}): SyncStoreReads {
  const conn: ConnectionForSync = {
    id: 'c1',
    contractName: 'Test',
    status: 'active',
    syncState: 'initial_sync_required',
    mappings: defaultMappings(),
    sides: {
      source: { organisationId: 'o1', organisationName: 'Acme', configuration: SideConfiguration.parse(source), cursorAt: null },
      target: { organisationId: 'o2', organisationName: 'Globex', configuration: SideConfiguration.parse(target), cursorAt: null },
    },
  };
  return {
    loadConnection: async () => structuredClone(conn),
    findLink: async () => null,
    pendingIntents: async () => [],
    commentLedger: async () => [],
    attachmentLedger: async () => [],
    retries: async () => [],
    hints: async () => [],
  };
}

async function run(src: ReturnType<typeof platform>, tgt: ReturnType<typeof platform>, store: SyncStoreReads) {
  const { store: memory, recorded } = createMemorySyncStore(store);
  const progress: RunProgress[] = [];
  const screened: Array<[string, string, boolean]> = [];
  const outcome = await runSync(
    {
      store: { ...memory, reportProgress: async (_id: string, p: RunProgress) => void progress.push({ ...p }) },
      connectorFor: async (_c, side) => (side === 'source' ? src.connector : tgt.connector),
      onScreened: (side, id, v) => screened.push([side, id, v.travels]),
    },
    { runId: 'r1', connectionId: 'c1', trigger: 'manual', since: new Date(OLD) },
  );
  return { outcome, recorded, progress, screened };
}

describe('runSync screens tickets against the filters before it counts them', () => {
  it('a ticket the source filter keeps back is not counted, gets no detail row, and only a timeline of its own', async () => {
    const src = platform([ticket('1', { tags: ['partner'] }), ticket('2', { subject: 'SECRET-merger' }), ticket('3', { tags: ['partner'] })]);
    const tgt = platform([ticket('9')]); // reverse sync off: never read, never counted
    const { outcome, recorded, progress, screened } = await run(src, tgt, reads({ filters: { tags: ['partner'] } } as never));

    expect(outcome.status).toBe('success');
    const working = progress.find((p) => p.phase === 'syncing tickets')!;
    expect(working.ticketsSeen).toBe(2);
    expect(progress.at(-1)!.ticketsDone).toBe(2);
    expect(recorded.details.map((d) => d.sourceTicketId)).toEqual(['1', '3']);
    expect(screened).toEqual(
      expect.arrayContaining([
        ['source', '2', false],
        ['target', '9', false],
        ['source', '1', true],
      ]),
    );
    expect(tgt.reads).toEqual([]);
    // Screening's read is handed to the pass: every ticket is read once (the platform's budget counts reads).
    expect(src.reads.sort()).toEqual(['1', '2', '3']);
    // Its own timeline says why; the batch has no linked ticket, which keeps it to its own organisation.
    const own = recorded.ticketEvents.find((b) => b.ticketId === '2')!;
    expect(own).toMatchObject({ side: 'source', linkedTicketId: null });
    expect(own.events.map((e) => e.kind)).toEqual(['read', 'skipped_filtered']);
  });

  it('with no filter nothing needs screening: the pass reads each ticket once', async () => {
    const src = platform([ticket('1'), ticket('2')]);
    const { recorded } = await run(src, platform([]), reads({}));
    expect(recorded.details).toHaveLength(2);
    expect(src.reads.sort()).toEqual(['1', '2']);
  });

  it('a ticket whose read fails before the filter admitted it is a failure its own side alone sees, in no count, with no ticket named in the run error', async () => {
    const src = platform([ticket('1', { tags: ['partner'] }), ticket('2')], new Set(['2']));
    const { outcome, recorded, progress } = await run(src, platform([]), reads({ filters: { tags: ['partner'] } } as never));
    expect(outcome.status).toBe('success');
    expect(progress.find((p) => p.phase === 'syncing tickets')!.ticketsSeen).toBe(1);
    expect(recorded.details).toEqual([
      expect.objectContaining({ sourceTicketId: '2', outcome: 'failed', ownerOnly: true }),
      expect.objectContaining({ sourceTicketId: '1', outcome: 'created' }),
    ]);
    expect(recorded.retries).toEqual([expect.objectContaining({ side: 'source', ticketId: '2' })]);
  });

  it('an account-wide failure while screening ends the run without naming the ticket', async () => {
    const src = platform([ticket('77')]);
    src.connector.getTicket = async () => {
      throw new PlatformError('authentication', 'Freshservice rejected the API key while trying to read ticket 77 (401).', { status: 401 });
    };
    const { outcome, recorded } = await run(src, platform([]), reads({ filters: { tags: ['partner'] } } as never));
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/Acme \(source\): the platform rejected the API key/);
    expect(outcome.error).not.toMatch(/77/);
    expect(recorded.ticketEvents.find((b) => b.ticketId === '77')!.events.at(-1)).toMatchObject({
      kind: 'failed',
      summary: expect.stringMatching(/ticket 77/),
    });
  });
});
