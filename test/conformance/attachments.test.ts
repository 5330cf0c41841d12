/** Checklist 7: attachments' bytes, name and type round-trip; the size limit is a clear validation error sent nowhere. */
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import type { FileContent, RemoteAttachment } from '../../src/core/connector.ts';
import { forEachPlatform, platformError } from './suite.ts';

/** Above this the over-limit file is not built in memory (a platform allowing gigabytes is checked by its own tests). */
const MAX_BUILT_BYTES = 64 * 1024 * 1024;

forEachPlatform('attachments', (p) => {
  /** Attaches where the platform keeps files: on the ticket, or through a comment. */
  async function attach(ticketId: string, files: FileContent[]): Promise<RemoteAttachment[]> {
    const c = p.connector();
    if (p.caps.attachments.level === 'ticket') return c.addAttachments(ticketId, files);
    const comment = await c.addComment(ticketId, { body: '<p>Files</p>', private: true, marker: p.marker(), attachments: files });
    return comment.attachments;
  }

  it('bytes, name and type round-trip', async () => {
    const { ticket } = await p.createTicket('Conformance: attachments');
    const files: FileContent[] = [
      { name: 'conformance.bin', contentType: 'application/octet-stream', data: new Uint8Array(randomBytes(3000)) },
      { name: 'notes.txt', contentType: 'text/plain', data: new TextEncoder().encode('plain text, ünïcödé\n') },
      { name: 'picture.png', contentType: 'image/png', data: new Uint8Array(randomBytes(512)) },
    ];
    const added = await attach(ticket.id, files);
    expect(added.map((a) => a.name)).toEqual(files.map((f) => f.name));
    for (const [i, f] of files.entries()) {
      const a = added[i]!;
      expect({ name: a.name, contentType: a.contentType, size: a.size }).toEqual({ name: f.name, contentType: f.contentType, size: f.data.byteLength });
      const got = await p.connector().downloadAttachment(a);
      expect({ name: got.name, contentType: got.contentType }).toEqual({ name: f.name, contentType: f.contentType });
      expect(Buffer.from(got.data).equals(Buffer.from(f.data)), `bytes of ${f.name}`).toBe(true);
    }
    if (p.caps.attachments.level === 'ticket') {
      const read = await p.connector().getTicket(ticket.id);
      expect(read!.attachments.map((a) => a.name)).toEqual(expect.arrayContaining(files.map((f) => f.name)));
    }
  });

  it('a file over the platform’s size limit is a validation error that says so, and nothing is sent', async (ctx) => {
    const max = p.caps.attachments.maxBytes;
    ctx.skip(max > MAX_BUILT_BYTES, `${p.manifest.name}'s limit (${max} bytes) is too large to build a file over it here`);
    const { ticket } = await p.createTicket('Conformance: too large');
    await p.sim.clearRequestLog();
    const err = await platformError(attach(ticket.id, [{ name: 'huge.bin', contentType: 'application/octet-stream', data: new Uint8Array(max + 1) }]));
    expect(err.kind).toBe('validation');
    expect(err.message).toMatch(/MB|bytes|large|size/i);
    const writes = (await p.sim.requestLog()).filter((r) => r.method !== 'GET');
    expect(writes, 'requests sent with the over-limit file').toEqual([]);
  });

  // Not covered yet (the harness has no hook for them): download redirects only to the platform's own hosts,
  // and byte budgets waiting instead of failing. Listed as open in the issue note.
});
