import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { clkTck, sleep } from './util.ts';

export const cliPath = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

export interface Proc {
  label: string;
  child: ChildProcess;
  pid: number;
  output(): string;
  waitFor(text: string | RegExp, ms?: number): Promise<void>;
  /** SIGTERM (graceful: lets --cpu-prof write its profile), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Every bench child: registered so a crash or Ctrl+C of the driver ends them too. */
const children = new Set<ChildProcess>();
export function killAllChildren(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}
process.once('exit', killAllChildren);

/** `node [nodeArgs] --import tsx src/cli.ts <args>` as its own process (the product or a simulator). */
export function spawnCli(label: string, args: string[], env: Record<string, string>, nodeArgs: string[] = []): Proc {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', cliPath, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  const keep = (d: Buffer) => {
    out += String(d);
    if (out.length > 400_000) out = out.slice(-200_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  void exited.then(() => children.delete(child));
  return {
    label,
    child,
    pid: child.pid!,
    output: () => out,
    async waitFor(text, ms = 60_000) {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        if (typeof text === 'string' ? out.includes(text) : text.test(out)) return;
        if (child.exitCode !== null) throw new Error(`${label} exited (${child.exitCode}) before "${String(text)}":\n${out.slice(-4000)}`);
        await sleep(50);
      }
      throw new Error(`${label}: timed out waiting for "${String(text)}":\n${out.slice(-4000)}`);
    },
    async stop(graceMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(t);
    },
  };
}

export interface ProcStats {
  /** User + system CPU time so far, milliseconds. */
  cpuMs: number;
  rssMb: number;
  /** Peak resident set size so far (VmHWM), MB. */
  peakRssMb: number;
}

/** CPU time and memory of a live process, from /proc (Linux). */
export function procStats(pid: number): ProcStats {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return { cpuMs: ((utime + stime) * 1000) / clkTck(), rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

/** Samples a process's RSS every `everyMs` (VmHWM is kept by the kernel; this adds the curve's shape). */
export function rssSampler(pid: number, everyMs = 1000): { stop(): number[] } {
  const samples: number[] = [];
  const t = setInterval(() => {
    try {
      samples.push(Math.round(procStats(pid).rssMb));
    } catch {
      // process gone
    }
  }, everyMs);
  t.unref();
  return {
    stop() {
      clearInterval(t);
      return samples;
    },
  };
}
