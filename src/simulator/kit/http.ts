import type { FastifyInstance } from 'fastify';
import type { Socket } from 'node:net';
import type { FaultController } from './faults.ts';

export function trackSockets(app: FastifyInstance): Set<Socket> {
  const sockets = new Set<Socket>();
  app.server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

export interface Listening {
  url: string;
  port: number;
  /** Idempotent: releases hung requests, drops open sockets, closes the server. */
  close(): Promise<void>;
}

/** Starts `app` on host:port (0 = any free port) and answers its base URL and a close that never waits for hung requests. */
export async function listen(
  app: FastifyInstance,
  opts: { port?: number; host?: string; faults: FaultController; closing: { value: boolean } },
): Promise<Listening> {
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ port: opts.port ?? 0, host });
  const sockets = trackSockets(app);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  let closed: Promise<void> | null = null;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close(): Promise<void> {
      closed ??= (async () => {
        opts.closing.value = true;
        opts.faults.releaseHung();
        for (const s of sockets) s.destroy();
        await app.close();
      })();
      return closed;
    },
  };
}
