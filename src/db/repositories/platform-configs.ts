import { sql } from 'kysely';
import type { Db } from '../database.ts';

export interface PlatformConfigRow {
  platform: string;
  apiUrl: string;
  apiKeyCiphertext: string;
  apiKeyHint: string;
  lastTest: unknown;
  lastTestedAt: Date | null;
  /** When the settings were last saved (cached field lists made before are stale). */
  updatedAt: Date;
}

export async function getPlatformConfig(db: Db, organisationId: string): Promise<PlatformConfigRow | undefined> {
  const row = await db
    .selectFrom('platform_configs')
    .select(['platform', 'api_url', 'api_key_ciphertext', 'api_key_hint', 'last_test', 'last_tested_at', 'updated_at'])
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    platform: row.platform,
    apiUrl: row.api_url,
    apiKeyCiphertext: row.api_key_ciphertext,
    apiKeyHint: row.api_key_hint,
    lastTest: row.last_test,
    lastTestedAt: row.last_tested_at,
    updatedAt: row.updated_at,
  };
}

/** Saving new credentials forgets the last test: it said nothing about these. */
export async function savePlatformConfig(
  db: Db,
  organisationId: string,
  input: { platform: string; apiUrl: string; apiKeyCiphertext: string; apiKeyHint: string },
): Promise<void> {
  const values = {
    platform: input.platform,
    api_url: input.apiUrl,
    api_key_ciphertext: input.apiKeyCiphertext,
    api_key_hint: input.apiKeyHint,
    last_test: null,
    last_tested_at: null,
    updated_at: new Date(),
  };
  await db
    .insertInto('platform_configs')
    .values({ organisation_id: organisationId, ...values })
    .onConflict((oc) => oc.column('organisation_id').doUpdateSet(values))
    .execute();
}

export async function recordPlatformTest(db: Db, organisationId: string, result: unknown, at: Date): Promise<void> {
  await db
    .updateTable('platform_configs')
    .set({ last_test: JSON.stringify(result), last_tested_at: at })
    .where('organisation_id', '=', organisationId)
    .execute();
}

/** Kept inside last_test until the next Test Connection (which replaces last_test) or a save of new credentials. */
export interface KeyRejection {
  at: string;
  runId: string;
  connectionId: string;
}

/**
 * A sync run found the saved key rejected by the platform: the last Test Connection no longer says
 * anything true, so it is marked stale (Settings then asks for a new test).
 */
export async function markKeyRejected(db: Db, organisationId: string, rejection: KeyRejection): Promise<void> {
  await db
    .updateTable('platform_configs')
    .set({ last_test: sql`coalesce(last_test, '{}'::jsonb) || jsonb_build_object('rejectedDuringSync', ${JSON.stringify(rejection)}::jsonb)` })
    .where('organisation_id', '=', organisationId)
    .execute();
}

/** Splits stored last_test into the Test Connection result (if any) and a later rejection during a sync. */
export function splitLastTest(lastTest: unknown): { result: Record<string, unknown> | null; rejection: KeyRejection | null } {
  if (!lastTest || typeof lastTest !== 'object') return { result: null, rejection: null };
  const { rejectedDuringSync, ...rest } = lastTest as Record<string, unknown> & { rejectedDuringSync?: KeyRejection };
  return { result: 'ok' in rest ? rest : null, rejection: rejectedDuringSync ?? null };
}
