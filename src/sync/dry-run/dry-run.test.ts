import { freshserviceManifest } from '../../connectors/freshservice/manifest.ts';
import { timeFeed } from '../../connector-kit/time-feed.ts';
import { describe, expect, it } from 'vitest';
import type { RemoteComment, RemoteRequester, RemoteTicket, TicketConnector } from '../../core/connector.ts';
import { defaultMappings, SideConfiguration } from '../../core/sync-config.ts';
import type { ConnectionForSync, Side, TicketLink } from '../../db/repositories/sync-store.ts';
import { snapshotOf } from '../field-mapping.ts';
import { bodyPreview, dryRun } from './dry-run.ts';
import type { SyncStoreReads } from './memory-store.ts';

const OLD = '2026-01-01T00:00:00Z';
const ticket = (id: string, over: Partial<RemoteTicket> = {}): RemoteTicket => ({
  id,
  displayId: `INC-${id}`,
  type: 'Incident',
  subject: `Subject ${id}`,
  description: `<p>Description ${id}</p>`,
  fields: { status: 2, priority: 2 },
  tags: [],
  requester: { id: `r-${id}`, email: 'alice@example.com', name: 'Alice' },
  createdAt: OLD,
  updatedAt: OLD,
  attachments: [],
  ...over,
});

/** A platform that answers reads from memory and fails the test on any write or download. */
function platform(tickets: RemoteTicket[], opts: { comments?: Record<string, RemoteComment[]>; people?: RemoteRequester[] } = {}) {
  const calls: string[] = [];
  const refuse = (what: string) => async (): Promise<never> => {
    calls.push(what);
    throw new Error(`dry run called ${what} on the real platform`);
  };
  const connector: TicketConnector = {
    platform: 'freshservice',
    manifest: freshserviceManifest,
    changes(cursor, opts) {
      return timeFeed(() => this.listChangedTickets(new Date(0)), cursor, opts);
    },
    whoAmI: async () => ({ id: '1', name: 'Agent', email: 'agent@example.com' }),
    listChangedTickets: async () => tickets.map((t) => ({ id: t.id, updatedAt: t.updatedAt })).sort((a, b) => a.updatedAt.localeCompare(b.updatedAt)),
    getTicket: async (id) => structuredClone(tickets.find((t) => t.id === id) ?? null),
    listComments: async (id) => structuredClone(opts.comments?.[id] ?? []),
    findRequesterByEmail: async (email) => opts.people?.find((p) => p.email?.toLowerCase() === email.toLowerCase()) ?? null,
    fieldDefinitions: async () => [],
    findTicketByMarker: async () => (calls.push('findTicketByMarker'), null),
    findCommentByMarker: async () => (calls.push('findCommentByMarker'), null),
    createTicket: refuse('createTicket'),
    updateTicket: refuse('updateTicket'),
    addComment: refuse('addComment'),
    addAttachments: refuse('addAttachments'),
    createRequester: refuse('createRequester'),
    downloadAttachment: refuse('downloadAttachment'),
  };
  return { connector, calls };
}

function reads(links: TicketLink[], target: Partial<SideConfiguration> = {}): SyncStoreReads & { calls: string[] } {
  const calls: string[] = [];
  const conn: ConnectionForSync = {
    id: 'c1',
    contractName: 'Test',
    status: 'active',
    syncState: 'initial_sync_required',
    mappings: defaultMappings(),
    sides: {
      source: { organisationId: 'o1', organisationName: 'Acme', configuration: SideConfiguration.parse({}), cursorAt: null },
      target: { organisationId: 'o2', organisationName: 'Globex', configuration: SideConfiguration.parse(target), cursorAt: null },
    },
  };
  const log = <T>(name: string, v: T) => (calls.push(name), v);
  return {
    calls,
    loadConnection: async () => log('loadConnection', structuredClone(conn)),
    findLink: async (_c, side: Side, id) => log('findLink', structuredClone(links.find((l) => l.ticketIds[side] === id) ?? null)),
    pendingIntents: async () => log('pendingIntents', []),
    commentLedger: async () => log('commentLedger', []),
    attachmentLedger: async () => log('attachmentLedger', []),
    retries: async () => log('retries', []),
    hints: async () => log('hints', []),
  };
}

const link = (source: RemoteTicket, target: RemoteTicket, writtenAt: string | null = null): TicketLink => ({
  id: `link-${source.id}`,
  originSide: 'source',
  ticketIds: { source: source.id, target: target.id },
  snapshots: { source: snapshotOf(source), target: snapshotOf(target) },
  writtenAt: { source: writtenAt, target: null },
  closureBlocked: null,
});

describe('dryRun', () => {
  it('plans creates, updates and failures per ticket, and asks no platform to write', async () => {
    const s1 = ticket('1', { updatedAt: '2026-02-01T00:00:01Z', attachments: [{ id: 'a1', name: 'log.txt', contentType: 'text/plain', size: 1234 }] });
    const s2 = ticket('2', { updatedAt: '2026-02-01T00:00:02Z', requester: { id: 'rb', email: 'bob@example.com', name: 'Bob' } });
    const s3 = ticket('3', { updatedAt: '2026-02-01T00:00:03Z', requester: { id: 'rb', email: 'bob@example.com', name: 'Bob' } });
    const s4 = ticket('4', { updatedAt: '2026-02-01T00:00:04Z', fields: { status: 2, priority: 9 } });
    const s5Before = ticket('5');
    const s5 = ticket('5', { updatedAt: '2026-02-01T00:00:05Z', fields: { status: 3, priority: 2 } });
    // Listed after s5: it must look as the dry run left it (status 3), not send status 2 back.
    const t5 = ticket('50', { updatedAt: '2026-02-01T00:00:07Z', fields: { status: 2, priority: 2 } });
    const s6 = ticket('6', { updatedAt: '2026-02-01T00:00:06Z' });
    const t6 = ticket('60', { updatedAt: '2026-02-01T00:00:08Z' });
    const comment: RemoteComment = {
      id: 'c1',
      body: '<p>Any news?</p><p>Tom &amp; Jerry</p>',
      bodyText: 'Any news?',
      private: false,
      kind: 'reply',
      authorId: null,
      createdAt: OLD,
      attachments: [{ id: 'a2', name: 'screen.png', contentType: 'image/png', size: 999 }],
    };
    const source = platform([s1, s2, s3, s4, s5, s6], { comments: { '5': [comment] } });
    const target = platform([t5, t6], { people: [{ id: 'p-alice', email: 'Alice@example.com', name: 'Alice' }] });
    const store = reads([link(s5Before, t5), link(s6, t6, s6.updatedAt)]);

    const plan = await dryRun(
      { reads: store, connectorFor: async (_c, side) => (side === 'source' ? source.connector : target.connector) },
      { connectionId: 'c1', since: new Date(OLD) },
    );
    if ('error' in plan) throw new Error(plan.error);

    expect(source.calls.filter((c) => !c.startsWith('find'))).toEqual([]);
    expect(target.calls.filter((c) => !c.startsWith('find'))).toEqual([]);
    // Markers this dry run made up are never looked up on the platform.
    expect([...source.calls, ...target.calls]).toEqual([]);
    expect(
      Object.keys(store)
        .filter((k) => typeof (store as any)[k] === 'function')
        .sort(),
    ).toEqual(['attachmentLedger', 'commentLedger', 'findLink', 'hints', 'loadConnection', 'pendingIntents', 'retries']);

    const byId = Object.fromEntries(plan.tickets.map((t) => [t.ticketId, t]));
    expect(plan.tickets.map((t) => t.ticketId)).toEqual(['1', '2', '3', '4', '5', '50', '60']); // oldest change first; 6 already handled
    expect(byId['1']).toMatchObject({
      action: 'create',
      displayId: 'INC-1',
      originSubject: 'Subject 1',
      type: 'Incident',
      subject: 'Subject 1',
      // New connections name the partner's ticket first (the test connector shares no link).
      description: '<div><strong>Partner ticket:</strong> INC-1</div><div>---</div><p>Description 1</p>',
      fields: { status: 2, priority: 2 },
      target: { side: 'target', ticketId: null },
      requester: { email: 'Alice@example.com', action: 'match' },
      attachments: [{ name: 'log.txt', size: 1234 }],
      comments: [],
    });
    expect(byId['2']!.requester).toEqual({ email: 'bob@example.com', action: 'create' });
    expect(byId['3']!.requester).toEqual({ email: 'bob@example.com', action: 'create' });
    expect(byId['4']).toMatchObject({
      action: 'fail',
      error: expect.stringMatching(/priority value 9 has no value mapping/),
      target: { ticketId: null },
      fields: {},
    });
    expect(byId['5']).toMatchObject({
      action: 'update',
      target: { side: 'target', ticketId: '50' },
      fields: { status: 3 },
      comments: [{ private: true, bodyPreview: 'Acme:\nAny news?\nTom & Jerry', attachments: [{ name: 'screen.png', size: 999 }] }],
    });
    expect(byId['5']!.subject).toBeUndefined();
    // Target tickets are read (status is bidirectional) but have nothing to send back.
    expect(byId['50']).toMatchObject({ side: 'target', action: 'skip', target: { side: 'source', ticketId: '5' } });
    expect(plan.counts).toEqual({ create: 3, update: 1, fail: 1, skip: 2 });
    expect(plan.truncated).toBe(false);
  });

  it('names the default requester when the receiving side uses it', async () => {
    const source = platform([ticket('1', { requester: { id: 'x', email: 'nobody@example.com', name: null } })]);
    const target = platform([], { people: [{ id: 'desk', email: 'desk@example.com', name: 'Desk' }] });
    const plan = await dryRun(
      {
        reads: reads([], { defaults: { requester: { mode: 'match_or_default', defaultRequesterEmail: 'desk@example.com' } } } as never),
        connectorFor: async (_c, side) => (side === 'source' ? source.connector : target.connector),
      },
      { connectionId: 'c1', since: new Date(OLD) },
    );
    if ('error' in plan) throw new Error(plan.error);
    expect(plan.tickets[0]!.requester).toEqual({ email: 'desk@example.com', action: 'default' });
  });

  it('stops before the ticket past its limit, and says so', async () => {
    const tickets = ['1', '2', '3'].map((id, i) => ticket(id, { updatedAt: `2026-02-01T00:00:0${i}Z` }));
    const source = platform(tickets);
    const target = platform([]);
    const plan = await dryRun(
      { reads: reads([]), connectorFor: async (_c, side) => (side === 'source' ? source.connector : target.connector) },
      { connectionId: 'c1', since: new Date(OLD), maxTickets: 2 },
    );
    if ('error' in plan) throw new Error(plan.error);
    expect(plan.truncated).toBe(true);
    expect(plan.tickets.map((t) => [t.ticketId, t.action])).toEqual([
      ['1', 'create'],
      ['2', 'create'],
    ]);
  });

  it('reports why it could not run, as a real run would', async () => {
    const plan = await dryRun(
      { reads: reads([]), connectorFor: async () => ({ error: 'no platform is configured' }) },
      { connectionId: 'c1', since: new Date(OLD) },
    );
    expect(plan).toEqual({ error: expect.stringMatching(/Acme \(source\): no platform is configured/) });
  });

  it('previews a comment as text', () => {
    expect(bodyPreview('<p><strong>Acme</strong> (internal note):</p><div>a &lt;b&gt; &quot;c&quot;<br>d</div><script>x</script>')).toBe(
      'Acme (internal note):\na <b> "c"\nd',
    );
    expect(Array.from(bodyPreview(`<p>${'x'.repeat(5000)}</p>`))).toHaveLength(1000);
  });
});
