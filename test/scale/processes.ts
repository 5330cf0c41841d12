import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

export interface ProductProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves when the output contains `text`. */
  waitFor(text: string | RegExp, ms?: number): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Runs `support-fusion <command>` as its own Node.js process, as an operator would. */
export async function startProcess(command: 'start' | 'worker', env: Record<string, string>): Promise<ProductProcess & { dataDir: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), `sf-${command}-`));
  const child = spawn(process.execPath, ['--import', 'tsx', cli, command], {
    env: { ...process.env, SF_DATA_DIR: dataDir, SF_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    dataDir,
    output: () => out,
    async waitFor(text, ms = 30_000) {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        if (typeof text === 'string' ? out.includes(text) : text.test(out)) return;
        if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before "${String(text)}":\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`timed out waiting for "${String(text)}":\n${out}`);
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
