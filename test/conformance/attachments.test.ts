/**
 * Checklist 7: attachments' bytes, name and type round-trip; the size limit is a clear validation error sent
 * nowhere; a download follows redirects only to the platform's own hosts; an upload byte budget is waited out.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FileContent, RemoteAttachment, TicketConnector } from '../../src/core/connector.ts';
import { forEachPlatform, platformError } from './suite.ts';

/** Above this the over-limit file is not built in memory (a platform allowing gigabytes is checked by its own tests). */
const MAX_BUILT_BYTES = 64 * 1024 * 1024;

forEachPlatform('attachments', (p) => {
  /** Attaches where the platform keeps files: on the ticket, or through a comment. */
  async function attach(ticketId: string, files: FileContent[], c: TicketConnector = p.connector()): Promise<RemoteAttachment[]> {
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

  /** A server that is not the platform: it records whatever reaches it. */
  const thief = { port: 0, hits: [] as Array<{ url: string; headers: IncomingHttpHeaders }>, close: async () => {} };
  beforeAll(async () => {
    const server = createServer((req, res) => {
      thief.hits.push({ url: req.url ?? '', headers: req.headers });
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end('not the file');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    thief.port = (server.address() as AddressInfo).port;
    thief.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  });
  afterAll(() => thief.close());

  let stored: { ticketId: string; file: FileContent; att: RemoteAttachment } | null = null;
  async function storedFile() {
    if (stored) return stored;
    const { ticket } = await p.createTicket('Conformance: download redirects');
    const file = { name: 'redirected.bin', contentType: 'application/octet-stream', data: new Uint8Array(randomBytes(700)) };
    const [att] = await attach(ticket.id, [file]);
    return (stored = { ticketId: ticket.id, file, att: att! });
  }

  it.for([
    ['another port of the platform’s own address', (port: number, api: URL) => `http://${api.hostname}:${port}/steal`],
    ['another host name', (port: number) => `http://localhost:${port}/steal`],
  ] as const)('a download redirected to %s is refused, and nothing is sent there', async ([, target], ctx) => {
    ctx.skip(!p.sim.redirectDownload, `the ${p.manifest.name} simulator cannot redirect a download`);
    const { att } = await storedFile();
    thief.hits.length = 0;
    await p.sim.redirectDownload!(att, target(thief.port, new URL(p.sim.apiUrl)));
    const err = await platformError(p.connector().downloadAttachment(att));
    expect(err.message).toMatch(/redirect/i);
    expect(
      thief.hits.map((h) => h.url),
      'requests that reached the foreign host',
    ).toEqual([]);
  });

  it('a download redirected to where the platform keeps its files is followed', async (ctx) => {
    ctx.skip(!p.sim.redirectDownload, `the ${p.manifest.name} simulator cannot redirect a download`);
    const { att, file } = await storedFile();
    await p.sim.redirectDownload!(att, 'platform');
    await p.sim.clearRequestLog();
    const got = await p.connector().downloadAttachment(att);
    expect(Buffer.from(got.data).equals(Buffer.from(file.data)), 'bytes after the redirect').toBe(true);
    expect(
      (await p.sim.requestLog()).some((r) => r.status >= 300 && r.status < 400),
      'the redirect was answered',
    ).toBe(true);
  });

  it('an upload over the platform’s byte budget waits for the budget, then goes through once', async (ctx) => {
    ctx.skip(!p.sim.limitUploadBytes || !p.sim.refillUploadBytes, `the ${p.manifest.name} simulator has no upload byte budget`);
    const { ticket } = await p.createTicket('Conformance: upload byte budget');
    const waits: number[] = [];
    // Time passes only in the connector's waits: each one refills the budget, as the window passing would.
    const sleep = async (ms: number) => {
      waits.push(ms);
      await p.sim.refillUploadBytes!();
    };
    const c = p.connector('admin', { sleep });
    const file = (n: number) => ({ name: `budget-${n}.bin`, contentType: 'application/octet-stream', data: new Uint8Array(randomBytes(20_000)) });
    await p.sim.limitUploadBytes!(30_000, 9);
    await p.sim.clearRequestLog();
    const first = await attach(ticket.id, [file(1)], c);
    const second = await attach(ticket.id, [file(2)], c);
    expect([...first, ...second].map((a) => a.name)).toEqual(['budget-1.bin', 'budget-2.bin']);
    const refused = (await p.sim.requestLog()).filter((r) => r.status === 429);
    expect(refused, 'uploads refused for the byte budget').toHaveLength(1);
    expect(
      waits.filter((ms) => ms >= 9000 && ms <= 10_000),
      `waits ${waits.join(', ')}`,
    ).toHaveLength(1);
    if (p.caps.attachments.level === 'ticket') {
      const names = (await p.connector().getTicket(ticket.id))!.attachments.map((a) => a.name);
      expect(names.filter((n) => n.startsWith('budget-')).sort()).toEqual(['budget-1.bin', 'budget-2.bin']);
    }
  });
});
