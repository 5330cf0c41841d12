import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { viteBin } from '../../scripts/vite-bin.mjs';
import { freePort } from './ports.ts';
import { startProduct } from './product-process.ts';

/**
 * Issue 11 item 15: SIGTERM to `npm start` (a process manager, a terminal closing) stops the server. Before,
 * npm signalled only its shell, and the server (tsx's child) stayed behind holding the port and the data
 * directory's lock. SF_SKIP_WEB_BUILD=1: the UI build is not what is tested here, and takes long.
 */
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'sf-npm-start-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe('npm start', () => {
  it('SIGTERM to the npm process stops the server: the port is free and the data directory unlocked when npm exits', async () => {
    const port = await freePort();
    const p = startProduct([], { SF_DATA_DIR: dataDir, SF_PORT: String(port), SF_SKIP_WEB_BUILD: '1' }, [npm, 'start', '--silent']);
    try {
      await p.waitFor(/Support Fusion is running/, 240_000);
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/health`)).status).toBe(200);
      expect(existsSync(join(dataDir, 'pglite.lock'))).toBe(true);
      p.child.kill('SIGTERM');
      await p.exited;
      // npm is gone: nothing of the server may be left behind.
      expect(await portFree(port), `port ${port} still taken after npm exited:\n${p.output().slice(-2000)}`).toBe(true);
      expect(existsSync(join(dataDir, 'pglite.lock')), 'the data directory is still locked').toBe(false);
      expect(p.output()).toMatch(/"msg":"stopped"/);
    } finally {
      await p.kill();
    }
  }, 400_000);

  it('the UI build step finds vite’s command line (the tests above skip the build)', () => {
    const bin = viteBin() as string;
    expect(existsSync(bin)).toBe(true);
    expect(execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' })).toMatch(/vite\/\d+\./);
  });
});
