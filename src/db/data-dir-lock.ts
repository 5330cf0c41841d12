import { readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * The embedded store is one process's: PGlite files opened by two processes at once get corrupted.
 * `SF_DATA_DIR/pglite.lock` names the process that has it open; another process (e.g. a CLI command
 * while the server runs) is refused with a clear message. A lock whose process is gone (killed, or the
 * container restarted) is taken over.
 */
export class DataDirBusyError extends Error {}

export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = join(dataDir, 'pglite.lock');
  const me = { pid: process.pid, host: hostname(), at: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await writeFile(file, JSON.stringify(me), { flag: 'wx', mode: 0o600 });
      return async () => {
        const now = await readFile(file, 'utf8').catch(() => '');
        if (now === JSON.stringify(me)) await unlink(file).catch(() => {});
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await readFile(file, 'utf8').then(
      (t) => JSON.parse(t) as typeof me,
      () => null,
    );
    if (holder && holder.pid !== process.pid && holder.host === me.host && alive(holder.pid)) {
      throw new DataDirBusyError(
        `The embedded database in ${dataDir} is in use by process ${holder.pid} (since ${holder.at}). Stop Support Fusion first, ` +
          'or run this against PostgreSQL (DATABASE_URL). Delete pglite.lock only if no Support Fusion process uses this directory.',
      );
    }
    // Stale (its process is gone, it is ours, or it came from another host's container run): take it over.
    await unlink(file).catch(() => {});
  }
  throw new DataDirBusyError(`Cannot lock the embedded database in ${dataDir} (pglite.lock keeps coming back)`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
