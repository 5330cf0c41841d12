import { readFile, writeFile } from 'node:fs/promises';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { CommandFailed, openStore, readStdin, UsageError, type CommandSpec } from './common.ts';

export const EXPORT_FORMAT = 'support-fusion-export';

export interface ExportFile {
  format: typeof EXPORT_FORMAT;
  version: 1;
  exportedAt: string;
  /** The migrations the exporting database had: an import needs exactly these. */
  migrations: string[];
  tables: Record<string, unknown[]>;
}

/** The product's tables (schema public, without the migration ledger), parents before children. */
export async function productTables(db: Db): Promise<string[]> {
  const tables = (
    await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'sf_migrations' ORDER BY table_name`.execute(db)
  ).rows.map((r) => r.name);
  const edges = (
    await sql<{ child: string; parent: string }>`SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
      JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE k.contype = 'f' AND n.nspname = 'public' AND c.oid <> p.oid`.execute(db)
  ).rows;
  const ordered: string[] = [];
  const remaining = new Set(tables);
  while (remaining.size > 0) {
    const ready = [...remaining].filter((t) => !edges.some((e) => e.child === t && remaining.has(e.parent)));
    if (ready.length === 0) throw new Error(`circular foreign keys between ${[...remaining].join(', ')}`);
    for (const t of ready.sort()) {
      ordered.push(t);
      remaining.delete(t);
    }
  }
  return ordered;
}

/** Every row of every product table as JSON (PostgreSQL's own JSON of each row, so types survive the trip). */
export async function exportData(db: Db): Promise<ExportFile> {
  return db.transaction().execute(async (trx) => {
    // One snapshot: the rows of all tables agree with each other even while the server runs (PostgreSQL).
    await sql`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`.execute(trx);
    const migrations = (await sql<{ id: string }>`SELECT id FROM sf_migrations ORDER BY id`.execute(trx)).rows.map((r) => r.id);
    const tables: Record<string, unknown[]> = {};
    for (const t of await productTables(trx as unknown as Db)) {
      const rows = await sql<{ row: unknown }>`SELECT row_to_json(t) AS row FROM ${sql.table(t)} t`.execute(trx);
      tables[t] = rows.rows.map((r) => (typeof r.row === 'string' ? JSON.parse(r.row) : r.row));
    }
    return { format: EXPORT_FORMAT, version: 1, exportedAt: new Date().toISOString(), migrations, tables };
  });
}

/** Loads an export into an empty database of the same version, in one transaction; serial counters are moved past the data. */
export async function importData(db: Db, data: ExportFile): Promise<Record<string, number>> {
  if (data?.format !== EXPORT_FORMAT || data.version !== 1 || typeof data.tables !== 'object' || !Array.isArray(data.migrations)) {
    throw new CommandFailed('this is not a Support Fusion export (made by `support-fusion export`)');
  }
  return db.transaction().execute(async (trx) => {
    const here = (await sql<{ id: string }>`SELECT id FROM sf_migrations ORDER BY id`.execute(trx)).rows.map((r) => r.id);
    if (JSON.stringify(here) !== JSON.stringify([...data.migrations].sort())) {
      const missing = data.migrations.filter((m) => !here.includes(m));
      throw new CommandFailed(
        missing.length > 0
          ? `the export comes from a newer version (migrations ${missing.join(', ')} unknown here): upgrade this installation first`
          : `the export comes from an older version (at ${data.migrations.at(-1)}, this database is at ${here.at(-1)}): run the same version on both sides (upgrade the source, export again)`,
      );
    }
    const tables = await productTables(trx as unknown as Db);
    const unknown = Object.keys(data.tables).filter((t) => !tables.includes(t));
    if (unknown.length > 0) throw new CommandFailed(`the export has tables this version does not know: ${unknown.join(', ')}`);
    for (const t of tables) {
      const n = await sql<{ n: string }>`SELECT count(*)::text AS n FROM ${sql.table(t)}`.execute(trx);
      if (Number(n.rows[0]!.n) > 0) throw new CommandFailed(`the database is not empty (table ${t} has rows): import only into a fresh database`);
    }
    const counts: Record<string, number> = {};
    for (const t of tables) {
      const rows = data.tables[t] ?? [];
      counts[t] = rows.length;
      // Batches keep each statement's parameter reasonably small.
      for (let i = 0; i < rows.length; i += 500) {
        const batch = JSON.stringify(rows.slice(i, i + 500));
        await sql`INSERT INTO ${sql.table(t)} SELECT * FROM json_populate_recordset(NULL::${sql.table(t)}, ${batch}::json)`.execute(trx);
      }
    }
    const serials = await sql<{ table_name: string; column_name: string }>`SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_default LIKE 'nextval(%'`.execute(trx);
    for (const s of serials.rows) {
      await sql`SELECT setval(pg_get_serial_sequence(${s.table_name}, ${s.column_name}), coalesce((SELECT max(${sql.ref(s.column_name)}) FROM ${sql.table(s.table_name)}), 0) + 1, false)`.execute(
        trx,
      );
    }
    return counts;
  });
}

export const exportCommand: CommandSpec = {
  name: 'export',
  summary: 'write every product table as JSON (backups, moving embedded → PostgreSQL)',
  usage: 'support-fusion export [--output <file>]',
  help: `Writes the whole installation (organisations, users, platform settings, connections, links, ledgers,
run history; not the job queue) as one JSON document, to --output or standard output.

API keys stay encrypted with the master key: keep the key (SF_SECRET_KEY or SF_DATA_DIR/master.key) with
the export; the importing installation needs the same key. With the embedded store, stop the server first.

  --output <file>   write here (mode 0600) instead of standard output

Exit codes: 0 written, 1 the database could not be read or the file written, 2 usage.`,
  options: { output: { type: 'string', short: 'o' } },
  async run({ values }) {
    const { database } = await openStore();
    try {
      const data = await exportData(database.db);
      const text = JSON.stringify(data);
      if (values.output) {
        await writeFile(String(values.output), text + '\n', { mode: 0o600 });
        const rows = Object.values(data.tables).reduce((n, t) => n + t.length, 0);
        console.error(`Exported ${rows} rows from ${Object.keys(data.tables).length} tables to ${String(values.output)}`);
      } else {
        process.stdout.write(text + '\n');
      }
    } finally {
      await database.close();
    }
  },
};

export const importCommand: CommandSpec = {
  name: 'import',
  summary: 'load an export into an empty database',
  usage: 'support-fusion import <file | ->',
  help: `Loads a file written by \`support-fusion export\` (\`-\`: standard input) into the configured database
(DATABASE_URL, else the embedded store), which must be empty (fresh, migrated) and at the same version
as the export. Everything is imported in one transaction: on any error nothing is.

Use the same master key as the exporting installation (copy SF_DATA_DIR/master.key, or set SF_SECRET_KEY
to its contents), or the stored API keys cannot be decrypted.

Exit codes: 0 imported, 1 not an export, other version, database not empty, or a database error, 2 usage.`,
  positionals: [1, 1],
  async run({ positionals }) {
    const source = positionals[0]!;
    let text: string;
    try {
      text = source === '-' ? await readStdin() : await readFile(source, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${source}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    let data: ExportFile;
    try {
      data = JSON.parse(text) as ExportFile;
    } catch {
      throw new CommandFailed(`${source} is not JSON: not a Support Fusion export`);
    }
    const { database } = await openStore();
    try {
      const counts = await importData(database.db, data);
      const rows = Object.values(counts).reduce((a, b) => a + b, 0);
      console.log(`Imported ${rows} rows into ${Object.keys(counts).length} tables (${database.kind === 'pglite' ? 'embedded storage' : 'PostgreSQL'})`);
    } finally {
      await database.close();
    }
  },
};
