import { createServer, type Server } from 'node:net';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { onFreePort } from './free-port.ts';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function holdPort(): Promise<number> {
  const s: Server = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((r) => s.close(r)));
  return (s.address() as { port: number }).port;
}

describe('onFreePort', () => {
  it('uses the preferred port when it is free', async () => {
    const free = await holdPort();
    await closers.pop()!();
    const app = Fastify();
    closers.push(() => app.close());
    let taken: number | null = null;
    await onFreePort(
      free,
      (port) => app.listen({ port, host: '127.0.0.1' }),
      (p) => (taken = p),
    );
    expect((app.server.address() as { port: number }).port).toBe(free);
    expect(taken).toBeNull();
  });

  it('takes another port when the preferred one is in use, and says which was taken', async () => {
    const busy = await holdPort();
    const app = Fastify();
    closers.push(() => app.close());
    let taken: number | null = null;
    await onFreePort(
      busy,
      (port) => app.listen({ port, host: '127.0.0.1' }),
      (p) => (taken = p),
    );
    const port = (app.server.address() as { port: number }).port;
    expect(port).not.toBe(busy);
    expect(port).toBeGreaterThan(0);
    expect(taken).toBe(busy);
    expect((await app.inject({ url: '/nothing' })).statusCode).toBe(404);
  });

  it('other failures are not hidden', async () => {
    const denied = Object.assign(new Error('listen EACCES'), { code: 'EACCES' });
    await expect(
      onFreePort(80, async () => {
        throw denied;
      }),
    ).rejects.toBe(denied);
  });
});
