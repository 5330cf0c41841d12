import { describe, expect, it } from 'vitest';
import { PlatformError, type TicketConnector } from '../../core/connector.ts';
import type { SyncStore, TicketLink } from '../../db/repositories/sync-store.ts';
import { createMemorySyncStore, readsOf, type SyncStoreReads } from './memory-store.ts';
import { DryRunRecorder, recordingConnector } from './recording-connector.ts';

const realLink: TicketLink = {
  id: '00000000-0000-0000-0000-000000000001',
  originSide: 'source',
  ticketIds: { source: '1', target: '10' },
  snapshots: { source: { subject: 'a' }, target: { subject: 'a' } },
  writtenAt: { source: null, target: null },
  closureBlocked: null,
};

function fakeReads() {
  const calls: string[] = [];
  const reads: SyncStoreReads = {
    loadConnection: async () => (calls.push('loadConnection'), null),
    findLink: async (_c, side, id) => (calls.push(`findLink ${side}:${id}`), realLink.ticketIds[side] === id ? structuredClone(realLink) : null),
    pendingIntents: async () => (
      calls.push('pendingIntents'),
      [{ id: 'i1', originSide: 'target', originTicketId: '77', marker: 'sf-0123456789abcdef', createdAt: new Date(0), resumed: true }]
    ),
    commentLedger: async (linkId) => (
      calls.push(`commentLedger ${linkId}`),
      [{ id: 'e1', originSide: 'source', originCommentId: 'c1', copyCommentId: 'c10', marker: 'sf-c0123456789abcdef' }]
    ),
    attachmentLedger: async (linkId) => (calls.push(`attachmentLedger ${linkId}`), []),
    retries: async (_c, side) => (calls.push(`retries ${side}`), side === 'source' ? ['5'] : []),
    hints: async () => (calls.push('hints'), [{ side: 'source', ticketId: '9', createdAt: new Date(0) }]),
  };
  return { reads, calls };
}

describe('memory sync store', () => {
  it('reads lazily, once, and keeps every change in memory', async () => {
    const { reads, calls } = fakeReads();
    const { store, recorded } = createMemorySyncStore(reads);

    const link = (await store.findLink('c', 'source', '1'))!;
    expect(link.id).toBe(realLink.id);
    expect(await store.findLink('c', 'target', '10')).toEqual(link); // indexed both ways: no second read
    await store.saveLinkState(link.id, { snapshots: { target: { subject: 'b' } }, writtenAt: { source: 'x' } });
    expect((await store.findLink('c', 'source', '1'))!).toMatchObject({ snapshots: { target: { subject: 'b' } }, writtenAt: { source: 'x' } });
    expect(realLink.snapshots.target).toEqual({ subject: 'a' }); // the value read is never changed in place
    expect(await store.findLink('c', 'source', '2')).toBeNull();
    expect(await store.findLink('c', 'source', '2')).toBeNull();

    // Intents: the real one resumes, a new one is remembered and settles into a link.
    expect(await store.openCreateIntent('c', 'target', '77')).toMatchObject({ id: 'i1', resumed: true });
    const intent = await store.openCreateIntent('c', 'source', '2');
    expect(intent).toMatchObject({ resumed: false, marker: expect.stringMatching(/^sf-[0-9a-f]{16}$/) });
    expect(await store.openCreateIntent('c', 'source', '2')).toMatchObject({ id: intent.id, marker: intent.marker, resumed: true });
    const created = await store.completeCreate('c', intent, 'dry-ticket-1', { source: {}, target: {} }, { source: null, target: null });
    expect(await store.findLink('c', 'target', 'dry-ticket-1')).toEqual(created);
    expect((await store.pendingIntents('c')).map((i) => i.originTicketId)).toEqual(['77']);

    // Ledgers: the real entries plus the dry run's; a dry link never asks the database.
    const entry = await store.openCommentCopy(link.id, 'source', 'c2');
    await store.completeCommentCopy(entry.id, 'dry-comment-1');
    expect((await store.commentLedger(link.id)).map((e) => e.copyCommentId)).toEqual(['c10', 'dry-comment-1']);
    expect(await store.commentLedger(created.id)).toEqual([]);
    await store.recordAttachmentCopies(created.id, 'source', [{ originId: 'a1', copyId: 'dry-attachment-1' }]);
    expect(await store.attachmentLedger(created.id)).toEqual([{ originSide: 'source', originAttachmentId: 'a1', copyAttachmentId: 'dry-attachment-1' }]);

    // Retries, hints, cursors, run rows: recorded, nothing else.
    await store.clearRetry('c', 'source', '5');
    await store.markRetry('c', 'source', '6', 'boom');
    expect(await store.retries('c', 'source')).toEqual(['6']);
    await store.clearHint('c', 'source', '9', new Date());
    expect(await store.hints('c')).toEqual([]);
    await store.advanceCursor('c', 'source', new Date(1000));
    await store.markReadyForAutomaticSync('c');
    await store.finishRun('dry-run', 'success', null);
    expect(recorded).toMatchObject({
      retries: [{ side: 'source', ticketId: '6', error: 'boom' }],
      cursors: [{ side: 'source' }],
      readyForAutomaticSync: true,
      finished: { status: 'success' },
    });
    await expect(store.adoptOrStartRun('c', 'manual', 'w', true)).rejects.toThrow(/dry run/);

    expect(calls).toEqual(['findLink source:1', 'findLink source:2', 'pendingIntents', `commentLedger ${realLink.id}`, 'retries source', 'hints']);
  });

  it('readsOf hands out only the read methods of a real store', () => {
    const fn = () => {
      throw new Error('not expected');
    };
    const fake = new Proxy({}, { get: () => fn }) as unknown as SyncStore;
    expect(Object.keys(readsOf(fake)).sort()).toEqual([
      'attachmentLedger',
      'commentLedger',
      'findLink',
      'hints',
      'loadConnection',
      'pendingIntents',
      'retries',
    ]);
  });
});

describe('recording connector', () => {
  const inner = (log: string[]): TicketConnector =>
    new Proxy({ platform: 'freshservice' } as TicketConnector, {
      get: (t, prop) =>
        prop === 'platform'
          ? t.platform
          : prop === 'getTicket'
            ? async (id: string) => (
                log.push(`getTicket ${id}`),
                {
                  id,
                  displayId: `INC-${id}`,
                  type: 'Incident',
                  subject: 's',
                  description: 'd',
                  fields: { status: 2 },
                  tags: [],
                  requester: null,
                  createdAt: '',
                  updatedAt: '',
                  attachments: [],
                }
              )
            : async () => {
                log.push(String(prop));
                return null;
              },
    });

  it('never hands a write or a download to the real connector, and answers with made-up results', async () => {
    const log: string[] = [];
    const rec = new DryRunRecorder({ maxTickets: 10, deadline: Date.now() + 60_000 });
    const c = recordingConnector(inner(log), 'target', rec);
    const requester = await c.createRequester({ email: 'a@example.com', name: 'A' });
    const t = await c.createTicket({
      type: 'Incident',
      subject: 'S',
      description: '<p>D</p>',
      requesterId: requester.id,
      marker: 'sf-0123456789abcdef',
      tags: ['sf-0123456789abcdef'],
      fields: { priority: 3 },
    });
    expect(t).toMatchObject({ id: expect.stringMatching(/^dry-/), subject: 'S', fields: { priority: 3 }, requester: { email: 'a@example.com' } });
    expect(await c.getTicket(t.id)).toEqual(t);
    const file = await c.downloadAttachment({ id: 'a1', name: 'x.pdf', contentType: 'application/pdf', size: 4096 });
    expect(file.data.byteLength).toBe(0);
    await c.addComment(t.id, { body: '<p>hi</p>', private: true, marker: 'sf-c0123456789abcdef', attachments: [file] });
    await c.addAttachments('42', [file]);
    const updated = await c.updateTicket('42', { fields: { status: 4 } });
    expect(updated.fields).toEqual({ status: 4 });
    expect((await c.getTicket('42'))!.fields).toEqual({ status: 4 }); // reads after a planned write see it
    expect(await c.findCommentByMarker(t.id, 'sf-c0123456789abcdef')).toBeNull();
    expect(log).toEqual(['getTicket 42', 'getTicket 42']);
    expect(rec.takeWrites().map((w) => w.kind)).toEqual(['createRequester', 'createTicket', 'addComment', 'addAttachments', 'updateTicket']);
  });

  it('starts a ticket at its first read after the last one was done, and stops past the limit', async () => {
    const rec = new DryRunRecorder({ maxTickets: 1, deadline: Date.now() + 60_000 });
    const c = recordingConnector(inner([]), 'source', rec);
    await c.getTicket('1');
    await c.getTicket('2'); // same ticket in hand (e.g. its origin on the other side)
    rec.itemDone();
    const err = await c.getTicket('3').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformError);
    expect((err as PlatformError).isAccountWide).toBe(true); // ends the engine's run, not just the ticket
    expect(rec.truncated).toBe(true);

    const late = new DryRunRecorder({ maxTickets: 10, deadline: Date.now() - 1 });
    await expect(recordingConnector(inner([]), 'source', late).getTicket('1')).rejects.toThrow(/limit/);
  });
});
