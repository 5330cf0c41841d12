import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { access, cp, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/database.ts';
import { migrations } from '../../src/db/migrations.ts';

/**
 * An embedded database created and migrated once, copied into each test stack's data directory. A fresh
 * PGlite store costs seconds (initdb, then every migration); a copy a fraction of that, and dozens of test
 * files start stacks. First start-up on an empty directory stays covered by the tests that start the real
 * product (test/ops, reliability) and by test/db.pglite-boss.test.ts.
 *
 * The template is shared by every test process of a run: named by a hash of the migrations and the PGlite
 * version (a changed migration makes a new one), built in a scratch directory and renamed into place, so
 * processes racing to build it never see half of one.
 */
const pgliteVersion =
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> }).dependencies[
    '@electric-sql/pglite'
  ] ?? '';
const key = createHash('sha256')
  .update(pgliteVersion)
  .update(JSON.stringify(migrations.map((m) => [m.id, m.sql])))
  .digest('hex')
  .slice(0, 16);
const templateDir = join(tmpdir(), `sf-pglite-template-${key}`);

let ready: Promise<void> | undefined;

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function build(): Promise<void> {
  if (await exists(join(templateDir, 'complete'))) return;
  const scratch = await mkdtemp(join(tmpdir(), 'sf-pglite-build-'));
  const handle = await openDatabase({ dataDir: scratch });
  await handle.close();
  await writeFile(join(scratch, 'complete'), key);
  await rename(scratch, templateDir).catch(async (err: NodeJS.ErrnoException) => {
    // Another test process got there first: its template is as good.
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err;
    await rm(scratch, { recursive: true, force: true });
  });
}

/** Puts a migrated, empty embedded database into `dataDir` (which must not hold one yet). */
export async function seedMigratedDatabase(dataDir: string): Promise<void> {
  ready ??= build();
  await ready;
  await cp(join(templateDir, 'pglite'), join(dataDir, 'pglite'), { recursive: true });
}
