import type { Db } from '../database.ts';

/**
 * Which credentials passed Test Connection, by fingerprint (host + key, see connector-kit/budget-account.ts),
 * recorded per organisation that tested them. Only those spend the platform account's shared budget.
 */
export async function isCredentialTested(db: Db, fingerprint: string): Promise<boolean> {
  // Any organisation's passed test will do: it proved that this key authenticates to this host, and whoever
  // else holds the very same key can use the account anyway.
  const row = await db.selectFrom('tested_credentials').select('fingerprint').where('fingerprint', '=', fingerprint).limit(1).executeTakeFirst();
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
