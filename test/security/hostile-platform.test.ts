import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, NetworkError } from '../../src/connector-kit/http.ts';
import { rawServer } from '../helpers/raw-servers.ts';
import { startSyncPair, ticketsOf, type SyncPair } from '../helpers/sync-pair.ts';
import { call } from '../simulator/helpers.ts';

/**
 * A hostile platform must not be able to take the process down for every tenant. The source
 * organisation's Freshservice is a simulator behind a front that turns hostile on some requests: a
 * ticket listing without end, one that repeats itself, an attachment that streams far past the size it
 * declared (with no Content-Length). The run ends with a reason naming the platform and the bound; what
 * the process reads is bounded (counted by the hostile server as it sends); other tickets still sync.
 */

const MB = 1024 * 1024;
const MAX_PAGES = 5;
const MAX_ATTACHMENT_MB = 1;

type Hostility = (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;

/** A front for `simUrl`: each request goes to `hostile` first; what it does not answer is passed through. */
async function hostileFront(simUrl: string) {
  const state: { hostile: Hostility | null } = { hostile: null };
  const server = await rawServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://front');
    if (state.hostile?.(req, res, url)) return;
    const upstream = httpRequest(`${simUrl}${req.url ?? '/'}`, { method: req.method, headers: { ...req.headers, host: new URL(simUrl).host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return { ...server, state };
}

/** One page of a ticket listing: 100 tickets with the given ids, each with a long subject, announcing the next page. */
function listingPage(res: ServerResponse, url: URL, ids: number[]): void {
  const page = Number(url.searchParams.get('page') ?? '1');
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const tickets = ids.map((id) => ({ id, subject: `Endless ${id} ${'x'.repeat(2000)}`, created_at: now, updated_at: now }));
  const next = new URL(url.toString());
  next.searchParams.set('page', String(page + 1));
  res.writeHead(200, { 'content-type': 'application/json', link: `<${next.toString()}>; rel="next"` });
  res.end(JSON.stringify({ tickets }));
}

/**
 * Streams bytes until the client goes away, honouring back-pressure (as a real server would), without a
 * Content-Length; `sent` counts what the socket accepted.
 */
function endlessBody(res: ServerResponse, counter: { sent: number; done: Promise<void> }): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  let closed = false;
  counter.done = new Promise((resolve) =>
    res.on('close', () => {
      closed = true;
      resolve();
    }),
  );
  const pump = () => {
    while (!closed) {
      counter.sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

describe('a run against a hostile platform', () => {
  let pair: SyncPair;
  let front: Awaited<ReturnType<typeof hostileFront>>;

  beforeAll(async () => {
    pair = await startSyncPair({
      sourceSeed: 'empty',
      stack: { env: { SF_MAX_LIST_PAGES: String(MAX_PAGES), SF_MAX_ATTACHMENT_MB: String(MAX_ATTACHMENT_MB) } },
    });
    front = await hostileFront(pair.source.sim.url);
    const saved = await pair.stack.app.inject({
      method: 'PUT',
      url: '/api/v1/platform',
      headers: pair.source.auth,
      payload: { platform: 'freshservice', apiUrl: front.url, apiKey: pair.source.sim.keyFor('admin') },
    });
    expect(saved.statusCode).toBe(200);
    await pair.configure('source', { filters: { tags: ['hostile-platform'] } });
    // Two simulators and an embedded store: slow to start on a loaded machine, whatever the tests do.
  }, 180_000);

  afterAll(async () => {
    await front?.close();
    await pair?.close();
  });

  describe('listings', () => {
    it(`an endless listing ends the run after ${MAX_PAGES} pages, Failed with the reason; the process goes on and the next run works`, async () => {
      let pages = 0;
      let next = 1_000_000;
      front.state.hostile = (req, res, url) => {
        if (req.method !== 'GET' || url.pathname !== '/api/v2/tickets') return false;
        pages++;
        listingPage(
          res,
          url,
          Array.from({ length: 100 }, () => next++),
        );
        return true;
      };
      try {
        const run = await pair.sync();
        expect(run.status).toBe('failed');
        expect(run.error).toContain('(source)');
        expect(run.error).toContain(`Freshservice kept announcing more pages after ${MAX_PAGES} pages`);
        expect(run.error).toContain('SF_MAX_LIST_PAGES');
        // Read exactly up to the bound, not one page more.
        expect(pages).toBe(MAX_PAGES);
      } finally {
        front.state.hostile = null;
      }
      const after = await pair.sync();
      expect(after.status).not.toBe('failed');
    });

    it('a listing that repeats its page ends the run at the first repetition', async () => {
      let pages = 0;
      front.state.hostile = (req, res, url) => {
        if (req.method !== 'GET' || url.pathname !== '/api/v2/tickets') return false;
        pages++;
        listingPage(
          res,
          url,
          Array.from({ length: 100 }, (_, i) => 2_000_000 + i),
        );
        return true;
      };
      try {
        const run = await pair.sync();
        expect(run.status).toBe('failed');
        expect(run.error).toContain('(source)');
        expect(run.error).toMatch(/Freshservice's listing repeated itself: page 2 had nothing that earlier pages had not listed/);
        expect(pages).toBe(2);
      } finally {
        front.state.hostile = null;
      }
    });
  });

  describe('attachments', () => {
    function form(fields: Record<string, string>, files: Array<[string, string]>): FormData {
      const f = new FormData();
      for (const [k, v] of Object.entries(fields)) f.append(k, v);
      for (const [name, text] of files) f.append('attachments[]', new Blob([text], { type: 'text/plain' }), name);
      return f;
    }
    const ticket = async (subject: string, file: [string, string]) => {
      const r = await call(pair.source.sim, 'POST', '/tickets', {
        form: form({ subject, description: 'see file', email: 'mallory@acme.test', status: '2', priority: '1', 'tags[]': 'hostile-platform' }, [file]),
      });
      expect(r.status).toBe(201);
      return r.json.ticket as { id: number; attachments: Array<{ id: number; size: number }> };
    };

    it('one that streams far past its declared size, without a Content-Length, is stopped at the bound; the other ticket and its file are copied', async () => {
      const bad = await ticket('Hostile attachment', ['huge.bin', 'small']);
      const good = await ticket('Ordinary attachment', ['notes.txt', 'hello from acme']);
      const badAttachment = bad.attachments[0]!;
      expect(badAttachment.size).toBe(5); // what the platform declares
      const counter = { sent: 0, done: Promise.resolve() };
      let downloads = 0;
      front.state.hostile = (req, res, url) => {
        if (req.method !== 'GET' || !url.pathname.endsWith(`/attachments/${badAttachment.id}`)) return false;
        downloads++;
        endlessBody(res, counter);
        return true;
      };
      try {
        const run = await pair.sync();
        await counter.done; // the client hung up: the stream is over
        expect(run.status).toBe('partial');
        expect(downloads).toBe(1); // not retried
        const detail = run.details.find((d: { sourceTicketId: string | null }) => d.sourceTicketId === String(bad.id));
        expect(detail.failedAttachments).toBe(1);
        expect(detail.error).toContain(`sent more than the ${MAX_ATTACHMENT_MB} MB copied per file (SF_MAX_ATTACHMENT_MB) although it declared 5 bytes`);
        // What the socket took before the client hung up: the bound plus what loopback buffers hold, far from
        // an endless stream (or the 41 MB read per file before this bound existed).
        expect(counter.sent).toBeGreaterThan(MAX_ATTACHMENT_MB * MB);
        expect(counter.sent).toBeLessThan(MAX_ATTACHMENT_MB * MB + 16 * MB);
        // The other ticket, and the hostile ticket itself, are copied; only the hostile file is not.
        const copies = ticketsOf(pair.target.sim);
        const goodCopy = copies.find((t) => t.subject === 'Ordinary attachment');
        const badCopy = copies.find((t) => t.subject === 'Hostile attachment');
        expect(goodCopy).toBeDefined();
        expect(badCopy).toBeDefined();
        const namesOf = (id: number) => pair.target.sim.state.attachmentsOf(pair.target.sim.state.tickets.get(id)!.attachment_ids).map((a) => a.name);
        expect(namesOf(goodCopy!.id)).toEqual(['notes.txt']);
        expect(namesOf(badCopy!.id)).toEqual([]);
        expect(good.attachments).toHaveLength(1);
      } finally {
        front.state.hostile = null;
      }
    });
  });
});

describe('the HTTP client reads by the bytes that arrive', () => {
  it.each<[string, Record<string, string>]>([
    ['no Content-Length (chunked without end)', {}],
    ['a Content-Length far beyond the bound (refused once the headers arrive)', { 'content-length': String(2 * 1024 * MB) }],
  ])('%s: stopped at the bound, the server sees the connection closed', async (_name, headers) => {
    const counter = { sent: 0, done: Promise.resolve() };
    const server = await rawServer((_req, res) => {
      for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      endlessBody(res, counter);
    });
    try {
      const http = createHttpClient({ baseUrl: server.url, auth: { kind: 'none' }, timeoutMs: 30_000, addressPolicy: { allowPrivate: true } });
      const err = await http.request('GET', '/file', { responseType: 'bytes', maxBodyBytes: MB }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect((err as NetworkError).kind).toBe('too_large');
      await counter.done;
      expect(counter.sent).toBeLessThan(MB + 16 * MB);
    } finally {
      await server.close();
    }
  });

  it('a small Content-Length followed by far more bytes: the answer is the declared bytes, nothing more is kept', async () => {
    // Written on the raw socket: Node's own HTTP server would refuse to send more than it declared.
    let socket: Socket | undefined;
    const tcp = createTcpServer((s) => {
      socket = s;
      s.on('error', () => {});
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: 5\r\n\r\n');
        const chunk = Buffer.alloc(64 * 1024, 0x42);
        const pump = () => {
          while (!s.destroyed && s.write(chunk));
          if (!s.destroyed) s.once('drain', pump);
        };
        pump();
      });
    });
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    try {
      const port = (tcp.address() as AddressInfo).port;
      const http = createHttpClient({ baseUrl: `http://127.0.0.1:${port}`, auth: { kind: 'none' }, timeoutMs: 30_000, addressPolicy: { allowPrivate: true } });
      const res = await http.request('GET', '/file', { responseType: 'bytes', maxBodyBytes: MB });
      expect(Buffer.from(res.bytes!).toString()).toBe('BBBBB');
    } finally {
      socket?.destroy();
      await new Promise((resolve) => tcp.close(resolve));
    }
  });
});
