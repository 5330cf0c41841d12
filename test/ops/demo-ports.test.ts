import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_ORGS } from '../../src/simulator/demo.ts';
import { freePort } from './ports.ts';
import { startProduct, type ProductProcess } from './product-process.ts';

// `npm run demo` when its ports are taken (another program, a second demo): it starts anyway and prints where.
const held: Server[] = [];
let demo: ProductProcess | undefined;
afterAll(async () => {
  if (demo && demo.child.exitCode === null) {
    demo.child.kill('SIGTERM'); // the demo deletes its temporary data directory on SIGTERM
    await demo.exited;
  }
  await Promise.all(held.map((s) => new Promise((r) => s.close(r))));
});

/** Holds the port if it is free; if someone else holds it already, it is taken either way. */
async function hold(port: number): Promise<void> {
  const s = createServer();
  await new Promise<void>((resolve) => {
    s.once('error', () => resolve());
    s.listen(port, '127.0.0.1', () => {
      held.push(s);
      resolve();
    });
  });
}

describe('npm run demo on taken ports', () => {
  it('picks free ports instead, prints them, and the demo works there', async () => {
    const appPort = await freePort();
    await hold(appPort);
    await hold(DEMO_ORGS[0]!.port);
    demo = startProduct(['demo'], { SF_PORT: String(appPort), SF_LOG_LEVEL: 'warn' });
    await demo.waitFor(/Support Fusion demo is running at http:\/\/127\.0\.0\.1:\d+/, 240_000);
    const out = demo.output();
    expect(out).toContain(`Support Fusion: port ${appPort} (SF_PORT) is taken: a free port was taken instead`);
    expect(out).toContain(`Acme Corp's simulated Freshservice: port ${DEMO_ORGS[0]!.port} is taken`);
    const base = /Support Fusion demo is running at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
    expect(base).not.toBe(`http://127.0.0.1:${appPort}`);
    const login = await fetch(`${base}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: DEMO_ORGS[0]!.email, password: 'demo-password-1' }),
    });
    expect(login.status).toBe(200);
    // Acme's simulator is where the demo says, not on the taken port.
    const simUrl = /\(Acme Corp, source, (http:\/\/127\.0\.0\.1:\d+)\)/.exec(out)![1]!;
    expect(simUrl).not.toBe(`http://127.0.0.1:${DEMO_ORGS[0]!.port}`);
  }, 300_000);
});
