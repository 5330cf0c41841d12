import { createHash } from 'node:crypto';
import type { Db } from '../database.ts';

/** An OAuth authorization in progress: who started it, for which platform, and the PKCE verifier. */
export interface OAuthState {
  organisationId: string;
  userId: string;
  platform: string;
  codeVerifier: string | null;
  redirectUri: string;
  expiresAt: Date;
}

/** Only a hash is stored: a leaked database row cannot finish someone's authorization. */
const hashState = (state: string) => createHash('sha256').update(state).digest('hex');

export async function saveOAuthState(db: Db, state: string, row: OAuthState): Promise<void> {
  // Expired rows of anyone go with each new one: the table stays as small as the flows in progress.
  await db.deleteFrom('oauth_states').where('expires_at', '<', new Date()).execute();
  await db
    .insertInto('oauth_states')
    .values({
      state_hash: hashState(state),
      organisation_id: row.organisationId,
      user_id: row.userId,
      platform: row.platform,
      code_verifier: row.codeVerifier,
      redirect_uri: row.redirectUri,
      expires_at: row.expiresAt,
    })
    .execute();
}

/**
 * Takes the state out (single use: a second caller with the same state gets undefined, even at the same
 * moment, since the delete is the read). Expiry is the caller's check, so it can say why it refused.
 */
export async function takeOAuthState(db: Db, state: string): Promise<OAuthState | undefined> {
  const row = await db.deleteFrom('oauth_states').where('state_hash', '=', hashState(state)).returningAll().executeTakeFirst();
  if (!row) return undefined;
  return {
    organisationId: row.organisation_id,
    userId: row.user_id,
    platform: row.platform,
    codeVerifier: row.code_verifier,
    redirectUri: row.redirect_uri,
    expiresAt: row.expires_at,
  };
}
