import type { Db } from '../database.ts';

/**
 * Which credentials passed Test Connection, per organisation (by fingerprint: host + key, see
 * connector-kit/budget-account.ts). Only those spend the platform account's shared budget.
 */
export async function isCredentialTested(db: Db, organisationId: string, fingerprint: string): Promise<boolean> {
  const row = await db.selectFrom('tested_credentials').select('fingerprint').where('organisation_id', '=', organisationId).where('fingerprint', '=', fingerprint).executeTakeFirst();
  return row !== undefined;
}

/** A passed test records the credential; a failed one forgets it (the key may have been revoked since). */
export async function recordCredentialTest(db: Db, organisationId: string, fingerprint: string, passed: boolean): Promise<void> {
  if (passed) {
    await db
      .insertInto('tested_credentials')
      .values({ organisation_id: organisationId, fingerprint, tested_at: new Date() })
      .onConflict((oc) => oc.columns(['organisation_id', 'fingerprint']).doUpdateSet({ tested_at: new Date() }))
      .execute();
  } else {
    await db.deleteFrom('tested_credentials').where('organisation_id', '=', organisationId).where('fingerprint', '=', fingerprint).execute();
  }
}
