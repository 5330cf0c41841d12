import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { decryptSecret, encryptSecret, opensWith, setPreviousKeys } from '../security/crypto.ts';
import { MASTER_KEY_FILE, NEXT_KEY_FILE, parseSecretKey, PREVIOUS_KEY_FILE } from '../security/secret-key.ts';
import { CommandFailed, EXIT, openStore, UsageError, type CommandSpec } from './common.ts';

/** Every encrypted column; all are sealed with their organisation id as associated data. */
const SEALED = [
  { table: 'platform_configs', column: 'api_key_ciphertext', key: ['organisation_id'] },
  { table: 'connection_sides', column: 'api_override_key_ciphertext', key: ['connection_id', 'side'] },
  { table: 'connection_sides', column: 'webhook_token_ciphertext', key: ['connection_id', 'side'] },
  { table: 'connection_sides', column: 'webhook_secret_ciphertext', key: ['connection_id', 'side'] },
  { table: 'notification_channels', column: 'secret_ciphertext', key: ['id'] },
] as const;

export interface RotationReport {
  reencrypted: number;
  alreadyCurrent: number;
  /** Values no known key opens (listed by table/column/row): they must be saved again in the UI. */
  unreadable: string[];
}

/**
 * Re-encrypts every sealed value with `current`; `keyring` (current plus earlier keys) decrypts. A row is
 * updated only if it still holds the value read (a key saved meanwhile by a running server, already under
 * the current key, is not overwritten), so this runs safely beside live processes.
 */
export async function reencryptAll(db: Db, current: Buffer, opts: { dryRun?: boolean } = {}): Promise<RotationReport> {
  const report: RotationReport = { reencrypted: 0, alreadyCurrent: 0, unreadable: [] };
  for (const s of SEALED) {
    const rows = await sql<Record<string, string>>`SELECT ${sql.join(s.key.map((k) => sql.ref(k)))}, organisation_id AS aad, ${sql.ref(s.column)} AS sealed
      FROM ${sql.table(s.table)} WHERE ${sql.ref(s.column)} IS NOT NULL`.execute(db);
    for (const row of rows.rows) {
      const where = s.key.map((k) => `${k}=${row[k]}`).join(' ');
      if (opensWith(current, row.sealed!, row.aad!)) {
        report.alreadyCurrent++;
        continue;
      }
      let plain: string;
      try {
        plain = decryptSecret(current, row.sealed!, row.aad!);
      } catch {
        report.unreadable.push(`${s.table}.${s.column} (${where})`);
        continue;
      }
      if (!opts.dryRun) {
        const conditions = [...s.key.map((k) => sql`${sql.ref(k)} = ${row[k]}`), sql`${sql.ref(s.column)} = ${row.sealed}`];
        await sql`UPDATE ${sql.table(s.table)} SET ${sql.ref(s.column)} = ${encryptSecret(current, plain, row.aad!)} WHERE ${sql.join(conditions, sql` AND `)}`.execute(
          db,
        );
      }
      report.reencrypted++;
    }
  }
  return report;
}

export const rotateSecretKeyCommand: CommandSpec = {
  name: 'rotate-secret-key',
  summary: 're-encrypt stored platform API keys and webhook tokens with the current master key',
  usage: 'support-fusion rotate-secret-key [--generate] [--dry-run]',
  help: `Re-encrypts every stored secret (platform API keys, per-connection API overrides, webhook tokens, notification channel secrets) with
the current master key. Values are decrypted with any known key: SF_SECRET_KEY, then the earlier keys
in SF_SECRET_KEY_PREVIOUS (comma-separated).

With SF_SECRET_KEY (PostgreSQL, no downtime; see docs/operations.md "Rotating the secret key"):
  1. every process: SF_SECRET_KEY=<new>, SF_SECRET_KEY_PREVIOUS=<old> (rolling restart; they read both)
  2. support-fusion rotate-secret-key       (safe while they run)
  3. remove SF_SECRET_KEY_PREVIOUS (rolling restart)

With the generated key file (SF_SECRET_KEY unset, embedded store; stop the server first):
  --generate   make a new key, re-encrypt under it, then make it SF_DATA_DIR/master.key; the old key
               is kept as master.key.previous until you delete it. An interrupted run resumes.

  --dry-run    only count what would be re-encrypted

Exit codes: 0 every value is under the current key, 1 some value opens with no known key (listed; save
that API key again in the UI) or the database failed, 2 usage.`,
  options: { generate: { type: 'boolean' }, 'dry-run': { type: 'boolean' } },
  async run({ values }) {
    const dryRun = Boolean(values['dry-run']);
    const { config, masterKey, database } = await openStore();
    try {
      let current = masterKey;
      let fromFile = false;
      if (values.generate) {
        if (config.secretKey)
          throw new UsageError(
            '--generate is for the generated key file; with SF_SECRET_KEY set, make a key (openssl rand -hex 32) and follow the steps in --help',
          );
        const next = join(config.dataDir, NEXT_KEY_FILE);
        const existing = await readFile(next, 'utf8').then(parseSecretKey, () => null);
        current = existing ?? randomBytes(32);
        if (!existing && !dryRun) await writeFile(next, current.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
        if (existing) console.error(`Resuming the rotation to ${NEXT_KEY_FILE} left by an earlier run.`);
        // The new key encrypts; master.key and an earlier master.key.previous still decrypt.
        const older = await readFile(join(config.dataDir, PREVIOUS_KEY_FILE), 'utf8').then(parseSecretKey, () => null);
        setPreviousKeys(current, older ? [masterKey, older] : [masterKey]);
        fromFile = true;
      }
      const report = await reencryptAll(database.db, current, { dryRun });
      const verb = dryRun ? 'would re-encrypt' : 're-encrypted';
      console.log(`${verb} ${report.reencrypted} value(s); ${report.alreadyCurrent} already under the current key`);
      if (report.unreadable.length > 0) {
        console.error(`${report.unreadable.length} value(s) open with no known key (not changed): ${report.unreadable.join('; ')}`);
        console.error('Add the key that sealed them to SF_SECRET_KEY_PREVIOUS and run again, or save those API keys again in the UI.');
      }
      if (fromFile && !dryRun && report.unreadable.length === 0) {
        await rename(join(config.dataDir, MASTER_KEY_FILE), join(config.dataDir, PREVIOUS_KEY_FILE));
        await rename(join(config.dataDir, NEXT_KEY_FILE), join(config.dataDir, MASTER_KEY_FILE));
        console.log(
          `New master key in ${join(config.dataDir, MASTER_KEY_FILE)}; the old one is ${PREVIOUS_KEY_FILE} (delete it once Support Fusion works; back up the new key)`,
        );
      } else if (!dryRun && report.unreadable.length === 0 && config.previousSecretKeys.length > 0) {
        console.log('Every value is under SF_SECRET_KEY now: remove SF_SECRET_KEY_PREVIOUS from every process.');
      }
      if (report.unreadable.length > 0) throw new CommandFailed('some values could not be re-encrypted');
      return EXIT.ok;
    } finally {
      await database.close();
    }
  },
};
