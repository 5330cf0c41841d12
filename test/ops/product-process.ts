import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const launcher = fileURLToPath(new URL('../../bin/support-fusion.mjs', import.meta.url));
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface ProductProcess {
  child: ChildProcess;
  /** Everything it wrote so far (stdout and stderr). */
  output(): string;
  /** Resolves when the output matches `re`; rejects when the process exits first or after `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL unless it has exited already; resolves once it has. */
  kill(): Promise<void>;
}

/** `support-fusion <args>` as its own process (the npm bin launcher), with the test's SF_ and DATABASE_URL variables removed. */
export function startProduct(args: string[], env: Record<string, string>, command: string[] = [process.execPath, launcher]): ProductProcess {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SF_') && k !== 'DATABASE_URL'));
  const child = spawn(command[0]!, [...command.slice(1), ...args], {
    cwd: repoRoot,
    env: { ...clean, SF_HOST: '127.0.0.1', SF_LOG_LEVEL: 'info', SF_ALLOW_PRIVATE_PLATFORM_URLS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += String(d);
    for (const w of [...waiters]) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  void exited.then(() => {
    for (const w of [...waiters]) w();
  });
  return {
    child,
    output: () => out,
    waitFor(re, ms = 180_000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`timed out after ${ms} ms waiting for ${re}:\n${out.slice(-4000)}`)), ms);
        const check = () => {
          if (re.test(out)) done();
          else if (child.exitCode !== null || child.signalCode !== null)
            done(new Error(`exited (${child.exitCode ?? child.signalCode}) before ${re}:\n${out.slice(-4000)}`));
        };
        const done = (err?: Error) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (err) reject(err);
          else resolve();
        };
        waiters.add(check);
        check();
      });
    },
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
