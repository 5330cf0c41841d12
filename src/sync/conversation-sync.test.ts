import { describe, expect, it } from 'vitest';
import type { CommentCreate, FileContent, RemoteAttachment, RemoteComment, RemoteTicket, TicketConnector } from '../core/connector.ts';
import type { SideConfiguration } from '../core/sync-config.ts';
import { carryConversation, type CarryContext } from './conversation-sync.ts';
import type { Side } from './field-mapping.ts';
import type { AttachmentLedgerEntry, CommentLedgerEntry, EngineStore, TicketLink } from './ports.ts';

/** A platform that keeps files on the ticket: a comment's files are added to its ticket, as Jira does. */
function ticketLevelPlatform(prefix: string) {
  let next = 1;
  const id = () => `${prefix}${next++}`;
  const ticket: RemoteTicket = {
    id: `${prefix}T`,
    displayId: `${prefix}T`,
    type: 'Incident',
    subject: 'Printer',
    description: '',
    fields: {},
    tags: [],
    requester: null,
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    attachments: [],
  };
  const comments: RemoteComment[] = [];
  const writes: string[] = [];
  const asAttachments = (files: FileContent[]): RemoteAttachment[] =>
    files.map((f) => ({ id: id(), name: f.name, contentType: f.contentType, size: f.data.byteLength }));
  const connector = {
    manifest: { capabilities: { comments: { channels: [] } } },
    getTicket: async () => ({ ...ticket, attachments: [...ticket.attachments] }),
    listComments: async () => comments.map((c) => ({ ...c })),
    addComment: async (_ticketId: string, input: CommentCreate) => {
      writes.push(`comment ${input.attachments?.length ?? 0} file(s)`);
      const files = asAttachments(input.attachments ?? []);
      ticket.attachments.push(...files);
      const c: RemoteComment = {
        id: id(),
        body: input.body,
        bodyText: input.body,
        private: true,
        kind: 'note',
        marker: input.marker,
        authorId: null,
        createdAt: '',
        attachments: [],
      };
      comments.push(c);
      return { ...c, attachments: files };
    },
    findCommentByMarker: async (_ticketId: string, marker: string) => comments.find((c) => c.marker === marker) ?? null,
    downloadAttachment: async (a: RemoteAttachment): Promise<FileContent> => ({ name: a.name, contentType: a.contentType, data: new Uint8Array(a.size) }),
    addAttachments: async (_ticketId: string, files: FileContent[]) => {
      writes.push(`${files.length} ticket file(s)`);
      const added = asAttachments(files);
      ticket.attachments.push(...added);
      return added;
    },
  } as unknown as TicketConnector;
  return { ticket, comments, writes, connector };
}

/**
 * The ledger in memory. `stopAfterWrite`: the process stops where it would record what a comment's files
 * became; every later call of that run fails too (`down`), as nothing runs after a crash.
 */
function memoryLedger() {
  const comments: CommentLedgerEntry[] = [];
  const files = new Map<string, AttachmentLedgerEntry>();
  const state = { stopAfterWrite: false, down: false };
  const alive = () => {
    if (state.down) throw new Error('the process is gone');
  };
  const store = {
    commentLedger: async () => {
      alive();
      return comments.map((e) => ({ ...e }));
    },
    openCommentCopy: async (_link: string, originSide: Side, originCommentId: string) => {
      const found = comments.find((e) => e.originSide === originSide && e.originCommentId === originCommentId);
      if (found) return { ...found, resumed: true };
      const e: CommentLedgerEntry = { id: String(comments.length + 1), originSide, originCommentId, copyCommentId: null, marker: `sfc${comments.length + 1}` };
      comments.push(e);
      return { ...e, resumed: false };
    },
    completeCommentCopy: async (entryId: string, copyId: string) => {
      comments.find((e) => e.id === entryId)!.copyCommentId = copyId;
    },
    attachmentLedger: async () => {
      alive();
      return [...files.values()].map((e) => ({ ...e }));
    },
    recordAttachmentCopies: async (_link: string, originSide: Side, pairs: Array<{ originId: string; copyId: string | null }>) => {
      alive();
      if (state.stopAfterWrite && pairs.some((p) => p.copyId !== '')) {
        state.stopAfterWrite = false;
        state.down = true;
        throw new Error('the process stopped here');
      }
      for (const p of pairs) files.set(`${originSide}:${p.originId}`, { originSide, originAttachmentId: p.originId, copyAttachmentId: p.copyId });
    },
  } as unknown as EngineStore;
  return { store, files, state };
}

const config = { comments: { sendPublic: true, sendPrivate: false, incomingAs: 'private' }, attachments: { enabled: true } } as SideConfiguration;

describe('a comment with a file, copied to a platform that keeps files on the ticket', () => {
  const setup = () => {
    const sides = { source: ticketLevelPlatform('s'), target: ticketLevelPlatform('t') };
    // The target's person writes a note with a file on the note itself.
    sides.target.comments.push({
      id: 'tc1',
      body: 'Log attached',
      bodyText: 'Log attached',
      private: false,
      kind: 'note',
      authorId: null,
      createdAt: '',
      attachments: [{ id: 'tf1', name: 'router.log', contentType: 'text/plain', size: 3 }],
    });
    const ledger = memoryLedger();
    const link = { id: 'L', ticketIds: { source: 'sT', target: 'tT' } } as TicketLink;
    const carry = (from: Side) => {
      const to: Side = from === 'source' ? 'target' : 'source';
      const ctx: CarryContext = {
        store: ledger.store,
        link,
        from: { side: from, connector: sides[from].connector, config, organisationName: from },
        to: { side: to, connector: sides[to].connector, config },
      };
      return sides[from].connector.getTicket(link.ticketIds[from]).then((t) => carryConversation(ctx, t!));
    };
    return { sides, ledger, carry };
  };

  it('records the copy on the ticket as that file’s copy: no later run carries it back or writes it again', async () => {
    const { sides, ledger, carry } = setup();
    await carry('target');
    expect(sides.source.writes).toEqual(['comment 1 file(s)']);
    const copy = sides.source.ticket.attachments[0]!;
    expect(ledger.files.get('target:tf1')).toEqual({ originSide: 'target', originAttachmentId: 'tf1', copyAttachmentId: copy.id });
    for (let i = 0; i < 2; i++) {
      await carry('source');
      await carry('target');
    }
    expect(sides.target.writes).toEqual([]);
    expect(sides.source.writes).toEqual(['comment 1 file(s)']);
  });

  it('a run stopped after the write, before recording it: the next runs find the copy by name and size, whichever direction goes first', async () => {
    for (const first of ['source', 'target'] as const) {
      const { sides, ledger, carry } = setup();
      ledger.state.stopAfterWrite = true;
      await expect(carry('target')).rejects.toThrow('the process is gone');
      ledger.state.down = false;
      expect(sides.source.writes).toEqual(['comment 1 file(s)']);
      expect(ledger.files.get('target:tf1')?.copyAttachmentId).toBe('');

      const second: Side = first === 'source' ? 'target' : 'source';
      for (let i = 0; i < 2; i++) {
        await carry(first);
        await carry(second);
      }
      expect(sides.target.writes, `${first} first`).toEqual([]);
      expect(sides.source.writes, `${first} first`).toEqual(['comment 1 file(s)']);
      expect(ledger.files.get('target:tf1')?.copyAttachmentId, `${first} first`).toBe(sides.source.ticket.attachments[0]!.id);
    }
  });
});
