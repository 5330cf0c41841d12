/** Checklist 6: comments per channel with their visibility kept, found again by marker, and rich text that reaches a fixed point. */
import { expect, it } from 'vitest';
import type { RemoteComment } from '../../src/core/connector.ts';
import { forEachPlatform, platformError, SHORT_TIMEOUT_MS } from './suite.ts';

/** Rich text every platform's canonical form can hold: paragraphs, emphasis, a list, a link, an entity. */
const RICH = '<p>Hello <strong>bold</strong> &amp; <em>italic</em></p><ul><li>one</li><li>two</li></ul><p><a href="https://example.com/x">a link</a></p>';

forEachPlatform('comments', (p) => {
  let ticketId = '';
  const ticket = async () => (ticketId ||= (await p.createTicket('Conformance: comments')).ticket.id);
  const listed = async (id: string): Promise<RemoteComment[]> => p.connector().listComments(id);

  for (const channel of p.manifest.capabilities.comments.channels) {
    it(`channel ${channel.id} (${channel.visibility}): written, read back in its channel with its visibility, found by its marker`, async () => {
      const id = await ticket();
      const marker = p.marker();
      const written = await p
        .connector()
        .addComment(id, { body: `<p>Conformance comment in ${channel.id}</p>`, private: channel.visibility === 'internal', channel: channel.id, marker });
      if (p.caps.comments.writeReturnsId) expect(written.id).toBeTruthy();
      const found = await p.connector().findCommentByMarker(id, marker);
      expect(found, 'findCommentByMarker').not.toBeNull();
      if (p.caps.comments.writeReturnsId) expect(found!.id).toBe(written.id);
      const read = (await listed(id)).find((c) => c.id === found!.id);
      expect(read, 'listComments has the comment').toBeDefined();
      expect({ private: read!.private, channel: read!.channel }).toEqual({ private: channel.visibility === 'internal', channel: channel.id });
      expect(read!.bodyText).toContain(`Conformance comment in ${channel.id}`);
      // A ticket read that brings the conversation along tells the same.
      const embedded = (await p.connector().getTicket(id))!.comments?.find((c) => c.id === read!.id);
      if (embedded) expect({ private: embedded.private, channel: embedded.channel }).toEqual({ private: read!.private, channel: read!.channel });
    });
  }

  it('without a channel, a comment goes to the first channel of its visibility', async () => {
    const id = await ticket();
    for (const visibility of ['internal', 'public'] as const) {
      const expected = p.caps.comments.channels.find((c) => c.visibility === visibility);
      if (!expected) continue;
      const marker = p.marker();
      await p.connector().addComment(id, { body: `<p>Default ${visibility}</p>`, private: visibility === 'internal', marker });
      const found = await p.connector().findCommentByMarker(id, marker);
      expect({ private: found?.private, channel: found?.channel }).toEqual({ private: visibility === 'internal', channel: expected.id });
    }
  });

  it('a comment write that timed out is not sent again, and is found by its marker once the platform acted', async () => {
    const id = await ticket();
    const marker = p.marker();
    await p.sim.clearRequestLog();
    await p.sim.injectFault({ hang: true });
    const c = p.connector('admin', { timeoutMs: SHORT_TIMEOUT_MS });
    const err = await platformError(c.addComment(id, { body: '<p>Interrupted comment</p>', private: true, marker }));
    expect(['timeout', 'network']).toContain(err.kind);
    const writes = (await p.sim.requestLog()).filter((r) => r.method === 'POST');
    expect(writes.length, 'comment writes sent').toBeLessThanOrEqual(1);
    // The held request goes on once released: the platform acts after the client gave up.
    await p.sim.clearFaults();
    let found = null;
    for (let i = 0; i < 50 && !found; i++) found = await p.connector().findCommentByMarker(id, marker);
    expect(found?.bodyText).toContain('Interrupted comment');
    expect(found?.private).toBe(true);
    // Searches may be POSTs too: only the write's own path counts.
    expect((await p.sim.requestLog()).filter((r) => r.method === 'POST' && r.path === writes[0]?.path)).toHaveLength(1);
  });

  it('an unknown marker finds no comment', async () => {
    expect(await p.connector().findCommentByMarker(await ticket(), p.marker())).toBeNull();
  });

  it('rich text in a comment reaches a fixed point: what was read, written again, reads the same', async () => {
    const id = await ticket();
    const internal = p.caps.comments.channels.find((c) => c.visibility === 'internal') ?? p.caps.comments.channels[0]!;
    const first = p.marker();
    await p.connector().addComment(id, { body: RICH, private: internal.visibility === 'internal', channel: internal.id, marker: first });
    const once = (await p.connector().findCommentByMarker(id, first))!;
    expect(once.bodyText).toContain('bold');
    expect(once.bodyText).toContain('a link');
    const second = p.marker();
    await p.connector().addComment(id, { body: once.body, private: internal.visibility === 'internal', channel: internal.id, marker: second });
    const twice = (await p.connector().findCommentByMarker(id, second))!;
    // The second copy carries its own marker after the first's body, unchanged.
    expect(twice.body.startsWith(once.body), `not a fixed point:\n${once.body}\n---\n${twice.body}`).toBe(true);
  });

  it('rich text in a description reaches a fixed point', async () => {
    const { ticket: t } = await p.createTicket('Conformance: rich description 1', { description: RICH });
    const once = (await p.connector().getTicket(t.id))!.description;
    expect(once).toContain('bold');
    const { ticket: t2 } = await p.createTicket('Conformance: rich description 2', { description: once });
    expect((await p.connector().getTicket(t2.id))!.description).toBe(once);
    if (p.caps.description.writable === 'always') {
      await p.connector().updateTicket(t.id, { description: once });
      expect((await p.connector().getTicket(t.id))!.description).toBe(once);
    }
  });
});
