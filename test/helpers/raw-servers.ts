import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A local HTTP server answering every request with `handler`; tracks sockets so close() never waits. */
export async function rawServer(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(handler);
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A port nothing listens on (bound then released). */
export async function closedPortUrl(): Promise<string> {
  const s = await rawServer((_q, res) => res.end());
  await s.close();
  return s.url;
}
