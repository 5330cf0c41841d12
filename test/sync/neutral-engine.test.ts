import { describe, expect, it } from 'vitest';
import type { ChangePage, FieldDefinition, RemoteComment, RemoteTicket, TicketConnector } from '../../src/core/connector.ts';
import type { PlatformManifest } from '../../src/core/platform-manifest.ts';
import { defaultMappings, SideConfiguration } from '../../src/core/sync-config.ts';
import { freshserviceManifest } from '../../src/connectors/freshservice/manifest.ts';
import { runSync, type EngineDeps, type RunRequest } from '../../src/sync/engine.ts';
import { createMemorySyncStore } from '../../src/sync/dry-run/memory-store.ts';
import type { ConnectionForSync, EngineEvent, RunDetail, Side } from '../../src/sync/ports.ts';

/**
 * The engine between two platforms that share nothing but the contract: different field names, status
 * values, priority scales, comment channels, cursors and per-side settings. Both are small in-memory
 * connectors (fixture data, no platform's API).
 */

interface Shape {
  id: string;
  statusField: string;
  statuses: Array<{ value: string | number; label: string; category: 'new' | 'open' | 'pending' | 'resolved' | 'closed' }>;
  priorityField: string;
  priorities: Array<string | number>;
  creatableTypes: string[];
  channels: PlatformManifest['capabilities']['comments']['channels'];
  sideSettings: PlatformManifest['sideSettings'];
}

const numbers: Shape = {
  id: 'numbers',
  statusField: 'status',
  statuses: [
    { value: 2, label: 'Open', category: 'open' },
    { value: 3, label: 'Pending', category: 'pending' },
    { value: 4, label: 'Resolved', category: 'resolved' },
    { value: 5, label: 'Closed', category: 'closed' },
  ],
  priorityField: 'priority',
  priorities: [1, 2, 3, 4],
  creatableTypes: ['Incident'],
  channels: [{ id: 'note', label: 'Note', visibility: 'internal', notifiesRequester: false }],
  sideSettings: [],
};

const tracker: Shape = {
  id: 'tracker',
  statusField: 'state',
  statuses: [
    { value: 'todo', label: 'To Do', category: 'new' },
    { value: 'doing', label: 'In Progress', category: 'open' },
    { value: 'waiting', label: 'Waiting', category: 'pending' },
    { value: 'done', label: 'Done', category: 'closed' },
  ],
  priorityField: 'prio',
  priorities: ['lowest', 'low', 'medium', 'high', 'highest'],
  creatableTypes: ['Task'],
  channels: [
    { id: 'public-comment', label: 'Reply to customer', visibility: 'public', notifiesRequester: true },
    { id: 'internal-comment', label: 'Internal comment', visibility: 'internal', notifiesRequester: false },
  ],
  sideSettings: [{ name: 'project', label: 'Project', help: 'Where copies are created', required: true }],
};

/** A platform in memory: a paged change feed with its own cursor (`seq:<n>`, exclusive), markers kept in a property. */
class FakePlatform {
  tickets = new Map<string, RemoteTicket & { seq: number; project?: string }>();
  comments = new Map<string, RemoteComment[]>();
  seq = 0;
  next = 100;
  /** Side settings each connector was built with. */
  builtWith: Array<Record<string, string> | undefined> = [];
  projects = ['SUP'];
  /** Where each change-feed read started. */
  feedReads: Array<{ cursor: string | null; since: string | null }> = [];
  /** Called before each ticket read (a test stops the run there). */
  beforeRead: (id: string) => void = () => {};
  readonly manifest: PlatformManifest;

  constructor(readonly shape: Shape) {
    this.manifest = {
      ...freshserviceManifest,
      id: shape.id,
      name: shape.id === 'tracker' ? 'Tracker' : 'Numbers',
      capabilities: {
        ...freshserviceManifest.capabilities,
        changeFeed: { ...freshserviceManifest.capabilities.changeFeed, kind: 'opaqueCursor' },
        comments: { channels: shape.channels, writeReturnsId: true },
        creatableTypes: shape.creatableTypes,
        marker: { ticket: 'property', comment: 'property' },
      },
      sideSettings: shape.sideSettings,
    };
  }

  put(id: string, fields: Record<string, string | number>, extra: Partial<RemoteTicket> = {}) {
    const now = new Date(Date.UTC(2026, 0, 1, 0, 0, ++this.seq)).toISOString();
    const before = this.tickets.get(id);
    this.tickets.set(id, {
      id,
      displayId: `T-${id}`,
      type: this.shape.creatableTypes[0]!,
      subject: `Ticket ${id}`,
      description: `<p>About ${id}</p>`,
      tags: [],
      requester: { id: 'r1', email: 'alice@example.com', name: 'Alice' },
      createdAt: before?.createdAt ?? now,
      attachments: [],
      ...before,
      ...extra,
      fields: { ...before?.fields, ...fields },
      updatedAt: now,
      seq: this.seq,
    });
  }

  fields(): FieldDefinition[] {
    return [
      {
        name: this.shape.statusField,
        label: 'Status',
        kind: 'picklist',
        role: 'status',
        requiredForClosure: false,
        choices: this.shape.statuses.map((s) => ({ value: s.value, label: s.label, category: s.category })),
      },
      {
        name: this.shape.priorityField,
        label: 'Priority',
        kind: 'picklist',
        role: 'priority',
        requiredForClosure: false,
        choices: this.shape.priorities.map((p) => ({ value: p, label: String(p) })),
      },
    ];
  }

  connector(sideSettings?: Record<string, string>): TicketConnector {
    this.builtWith.push(sideSettings);
    const copy = (t: RemoteTicket & { seq?: number }): RemoteTicket => {
      const { seq: _seq, ...rest } = structuredClone(t);
      return rest;
    };
    const feed = async function* (this: FakePlatform, cursor: string | null, opts: { since?: Date }): AsyncIterable<ChangePage> {
      const after = cursor ? Number(/^seq:(\d+)$/.exec(cursor)?.[1] ?? Number.NaN) : -1;
      if (Number.isNaN(after)) throw new Error(`not a cursor of this platform: ${cursor}`);
      this.feedReads.push({ cursor, since: opts.since?.toISOString() ?? null });
      const all = [...this.tickets.values()]
        .filter((t) => t.seq > after && (!opts.since || t.updatedAt >= opts.since.toISOString()))
        .sort((a, b) => a.seq - b.seq);
      // Two changes per page: a run of three tickets reads two pages.
      for (let i = 0; i < all.length; i += 2) {
        const page = all.slice(i, i + 2);
        yield { changes: page.map((t) => ({ id: t.id, updatedAt: t.updatedAt })), deleted: [], cursor: `seq:${page[page.length - 1]!.seq}` };
      }
      if (all.length === 0) yield { changes: [], deleted: [], cursor: `seq:${after < 0 ? 0 : after}` };
    }.bind(this);
    return {
      platform: this.shape.id,
      manifest: this.manifest,
      whoAmI: async () => ({ id: 'agent', name: 'Agent', email: 'agent@example.com' }),
      listChangedTickets: async () => {
        throw new Error('the engine reads the paged feed, not listChangedTickets');
      },
      changes: feed,
      sideSettingChoices: async (name) => (name === 'project' ? this.projects.map((p) => ({ value: p, label: `Project ${p}` })) : []),
      getTicket: async (id) => {
        this.beforeRead(id);
        const t = this.tickets.get(id);
        return t ? copy(t) : null;
      },
      listComments: async (id) => structuredClone(this.comments.get(id) ?? []),
      createTicket: async (input) => {
        if (this.shape.sideSettings.length > 0 && !sideSettings?.project) throw new Error('a project is required');
        const id = String(++this.next);
        this.put(
          id,
          { ...(input.fields as Record<string, string | number>) },
          { subject: input.subject, description: input.description, type: input.type, marker: input.marker },
        );
        if (sideSettings?.project) this.tickets.get(id)!.project = sideSettings.project;
        return copy(this.tickets.get(id)!);
      },
      updateTicket: async (id, patch) => {
        this.put(id, { ...(patch.fields as Record<string, string | number>) });
        return copy(this.tickets.get(id)!);
      },
      findTicketByMarker: async (marker) => {
        const t = [...this.tickets.values()].find((x) => x.marker === marker);
        return t ? copy(t) : null;
      },
      addComment: async (ticketId, input) => {
        const c: RemoteComment = {
          id: String(++this.next),
          body: input.body,
          bodyText: input.body,
          private: input.private,
          ...(input.channel ? { channel: input.channel } : {}),
          marker: input.marker,
          kind: 'note',
          authorId: null,
          createdAt: new Date().toISOString(),
          attachments: [],
        };
        this.comments.set(ticketId, [...(this.comments.get(ticketId) ?? []), c]);
        return structuredClone(c);
      },
      findCommentByMarker: async (ticketId, marker) => (this.comments.get(ticketId) ?? []).find((c) => c.marker === marker) ?? null,
      downloadAttachment: async () => {
        throw new Error('no files here');
      },
      addAttachments: async () => [],
      findRequesterByEmail: async (email) => ({ id: 'r9', email, name: null }),
      createRequester: async (input) => ({ id: 'r10', email: input.email, name: input.name }),
      fieldDefinitions: async () => this.fields(),
    };
  }
}

function setup(opts: { sourceConfig?: object; targetConfig?: object } = {}) {
  const platforms: Record<Side, FakePlatform> = { source: new FakePlatform(numbers), target: new FakePlatform(tracker) };
  const conn: ConnectionForSync = {
    id: 'c1',
    contractName: 'Neutral',
    status: 'active',
    syncState: 'initial_sync_required',
    mappings: defaultMappings(),
    sides: {
      source: {
        organisationId: 'o1',
        organisationName: 'Alpha',
        configuration: SideConfiguration.parse(opts.sourceConfig ?? {}),
        cursorAt: null,
        cursor: null,
      },
      target: {
        organisationId: 'o2',
        organisationName: 'Beta',
        configuration: SideConfiguration.parse({ reverseSync: { enabled: true }, ...opts.targetConfig }),
        cursorAt: null,
        cursor: null,
      },
    },
  };
  const details: RunDetail[] = [];
  const { store, recorded } = createMemorySyncStore(
    {
      loadConnection: async () => null,
      findLink: async () => null,
      pendingIntents: async () => [],
      commentLedger: async () => [],
      attachmentLedger: async () => [],
      retries: async () => [],
      hints: async () => [],
    },
    { detail: (d) => details.push(d) },
  );
  // Cursors are kept like the database keeps them, so a later run starts where the last saved page ended.
  const saved: Array<{ side: Side; cursor: string }> = [];
  store.loadConnection = async () => structuredClone(conn);
  store.saveCursor = async (_c, side, cursor, at) => {
    saved.push({ side, cursor });
    conn.sides[side].cursor = cursor;
    if (at && (!conn.sides[side].cursorAt || conn.sides[side].cursorAt < at)) conn.sides[side].cursorAt = at;
  };
  const events: EngineEvent[] = [];
  let runs = 0;
  const deps: EngineDeps = {
    store,
    connectorFor: async (_id, side, hooks) => platforms[side].connector(hooks?.sideSettings ?? conn.sides[side].configuration.sideSettings),
    onEvent: (e) => events.push(e),
  };
  const run = (req: Partial<RunRequest> = {}) => runSync(deps, { runId: `run-${++runs}`, connectionId: 'c1', trigger: 'automatic', since: null, ...req });
  return { platforms, conn, details, recorded, saved, events, run, source: platforms.source, target: platforms.target };
}

const byOrigin = (p: FakePlatform, marker: string | null | undefined) => [...p.tickets.values()].find((t) => t.marker === marker);

describe('the engine between two different platforms, with no configuration', () => {
  it('maps status by category and priority by rank both ways, and uses the only project there is', async () => {
    const s = setup();
    s.source.put('1', { status: 2, priority: 4 });
    s.source.put('2', { status: 3, priority: 1 });
    const out = await s.run({ trigger: 'manual', since: new Date(0) });
    expect(out).toMatchObject({ status: 'success' });
    const copies = [...s.target.tickets.values()];
    expect(copies.map((t) => [t.fields.state, t.fields.prio, t.type, t.project])).toEqual([
      ['doing', 'highest', 'Task', 'SUP'],
      ['waiting', 'lowest', 'Task', 'SUP'],
    ]);
    // The single project was given to the connector that created them.
    expect(s.target.builtWith).toEqual([undefined, { project: 'SUP' }]);
    // Metrics hear of each ticket from the engine's events.
    expect(s.events.filter((e) => e.kind === 'ticket').map((e) => (e as { outcome: string }).outcome)).toEqual(['created', 'created']);

    // A change on the target travels back into the source's own values.
    const copy = copies[0]!;
    s.target.put(copy.id, { state: 'waiting' });
    await s.run();
    expect(s.source.tickets.get('1')!.fields.status).toBe(3);
  });

  it('detects a closure by the receiving status category, and obeys the sender Closures switch', async () => {
    const s = setup();
    s.source.put('1', { status: 2, priority: 2 });
    await s.run({ trigger: 'manual', since: new Date(0) });
    const copy = [...s.target.tickets.values()][0]!;

    s.source.put('1', { status: 4 }); // resolved there → the first closing-side match here: done (closed)
    await s.run();
    expect(s.target.tickets.get(copy.id)!.fields.state).toBe('done');
    expect(s.details.at(-1)).toMatchObject({ outcome: 'closed', targetTicketId: copy.id });

    // Closures switched off on the target: reopening travels back, closing there does not.
    s.conn.sides.target.configuration.closures.enabled = false;
    s.target.put(copy.id, { state: 'doing' });
    await s.run();
    expect(s.source.tickets.get('1')!.fields.status).toBe(2);
    s.target.put(copy.id, { state: 'done' });
    await s.run();
    expect(s.source.tickets.get('1')!.fields.status).toBe(2);
  });

  it('fails the run naming the setting when the account has several projects and none is chosen; a chosen one is used', async () => {
    const s = setup();
    s.target.projects = ['SUP', 'OPS'];
    s.source.put('1', { status: 2, priority: 2 });
    const out = await s.run({ trigger: 'manual', since: new Date(0) });
    expect(out.status).toBe('failed');
    expect(out.error).toMatch(
      /^Beta \(target\): Project \(project\) is not set for Beta: the Tracker account has 2 \(Project SUP, Project OPS\).*Configuration/,
    );
    expect(out.fault).toEqual({ side: 'target', kind: 'not_configured' });
    expect(s.target.tickets.size).toBe(0);

    s.conn.sides.target.configuration.sideSettings = { project: 'OPS' };
    expect((await s.run({ trigger: 'manual', since: new Date(0) })).status).toBe('success');
    expect([...s.target.tickets.values()].map((t) => t.project)).toEqual(['OPS']);
  });

  it('saves each cursor once its page is done: a run stopped between pages reads the unfinished page again, with no gap', async () => {
    const s = setup();
    for (const id of ['1', '2', '3']) s.source.put(id, { status: 2, priority: 2 });
    // The run is stopped as it starts the third ticket (the second page).
    const stop = new AbortController();
    s.source.beforeRead = (id) => {
      if (id !== '3') return;
      // As a worker that dies mid-ticket: the read never answers.
      stop.abort(new Error('worker stopped'));
      throw stop.signal.reason;
    };
    const first = await s.run({ trigger: 'manual', since: new Date(0), signal: stop.signal });
    expect(first).toMatchObject({ status: 'failed', error: 'worker stopped' });
    const page1 = `seq:${s.source.tickets.get('2')!.seq}`;
    expect(s.saved.filter((c) => c.side === 'source').map((c) => c.cursor)).toEqual([page1]);
    expect(s.conn.sides.source.cursor).toBe(page1);

    s.source.beforeRead = () => {};
    expect((await s.run()).status).toBe('success');
    // Every ticket copied exactly once.
    const origins = ['1', '2', '3'].map((id) => [...s.target.tickets.values()].filter((t) => t.subject === `Ticket ${id}`).length);
    expect(origins).toEqual([1, 1, 1]);
    expect(s.conn.sides.source.cursor).toBe(`seq:${s.source.tickets.get('3')!.seq}`);
  });

  it('writes incoming comments into the channel of the configured visibility that does not notify the requester', async () => {
    const s = setup({ targetConfig: { reverseSync: { enabled: true }, comments: { incomingAs: 'public' } } });
    s.source.put('1', { status: 2, priority: 2 });
    s.source.comments.set('1', [
      { id: 'c1', body: '<p>Hello</p>', bodyText: 'Hello', private: false, kind: 'reply', authorId: null, createdAt: '2026-01-01T00:00:00Z', attachments: [] },
    ]);
    await s.run({ trigger: 'manual', since: new Date(0) });
    const copy = [...s.target.tickets.values()][0]!;
    // The only public channel mails the requester: never chosen for copies, so the connector decides by visibility alone.
    expect(s.target.comments.get(copy.id)!.map((c) => [c.channel ?? null, c.private])).toEqual([[null, false]]);

    s.conn.sides.target.configuration.comments.incomingAs = 'private';
    s.source.comments.get('1')!.push({ ...s.source.comments.get('1')![0]!, id: 'c2' });
    s.source.put('1', { priority: 3 });
    await s.run();
    expect(s.target.comments.get(copy.id)!.map((c) => [c.channel ?? null, c.private])).toEqual([
      [null, false],
      ['internal-comment', true],
    ]);
    // The copy carries its marker where the connector keeps it; it is not carried back.
    expect(s.source.comments.get('1')).toHaveLength(2);
    expect(byOrigin(s.target, s.target.tickets.get(copy.id)!.marker)).toBeDefined();
  });

  it('resumes a side saved before cursors were opaque from its time, and a manual run from its own date', async () => {
    const s = setup();
    s.conn.sides.source.cursorAt = new Date('2026-01-01T00:00:05Z');
    s.conn.sides.target.cursor = 'seq:0';
    await s.run();
    expect([s.source.feedReads.at(-1), s.target.feedReads.at(-1)]).toEqual([
      { cursor: null, since: '2026-01-01T00:00:05.000Z' },
      { cursor: 'seq:0', since: null },
    ]);
    await s.run({ trigger: 'manual', since: new Date('2025-12-01T00:00:00Z') });
    expect(s.target.feedReads.at(-1)).toEqual({ cursor: null, since: '2025-12-01T00:00:00.000Z' });
  });
});
