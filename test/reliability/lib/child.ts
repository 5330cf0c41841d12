import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { World } from './world.ts';

const script = fileURLToPath(new URL('../sync-child.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface ChildDone {
  event: 'done';
  ms: number;
  interrupted: number;
  trigger: string;
  result: { kind: 'ran'; runId: string; outcome: { status: string; error: string | null } } | { kind: 'busy' } | { kind: 'skipped'; reason: string };
  pending: number;
}

export interface ChildRun {
  child: ChildProcess;
  /** The child's 'done' line, or null when it died first (killed, crashed); `output` has everything it wrote. */
  finished: Promise<{ done: ChildDone | null; code: number | null; signal: NodeJS.Signals | null; output: string }>;
}

/** Starts sync-child.ts for `world` (the world's store must not be open in this process). */
export function startChild(world: World, since: Date): ChildRun {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: repoRoot,
    env: { ...process.env, ...world.childEnv, RELIABILITY_CONNECTION: world.connectionId, RELIABILITY_SINCE: since.toISOString() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let done: ChildDone | null = null;
  let buffered = '';
  child.stdout!.on('data', (d) => {
    out += String(d);
    buffered += String(d);
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      try {
        const msg = JSON.parse(line) as { event?: string };
        if (msg.event === 'done') done = msg as ChildDone;
      } catch {
        // not ours
      }
    }
  });
  child.stderr!.on('data', (d) => (out += String(d)));
  const finished = new Promise<{ done: ChildDone | null; code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) => {
    child.once('exit', (code, signal) => {
      // stdout may still hold the last line: wait for the stream to end.
      const finish = () => resolve({ done, code, signal, output: out });
      if (child.stdout!.readableEnded) finish();
      else child.stdout!.once('end', finish);
    });
  });
  return { child, finished };
}
