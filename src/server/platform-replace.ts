import type { ConnectionTestResult } from '../core/connection-test.ts';
import { credentialFingerprint } from '../connector-kit/budget-account.ts';
import { testFreshserviceConnection } from '../connectors/freshservice/test-connection.ts';
import type { PlatformConfigRow } from '../db/repositories/platform-configs.ts';
import { recordCredentialTest } from '../db/repositories/tested-credentials.ts';
import { decryptSecret } from '../security/crypto.ts';
import { addressPolicyOf, budgetAccountFor, rateBudgetOf } from '../sync/side-connector.ts';
import type { AppContext } from './context.ts';
import { ApiError } from './errors.ts';

/** The guide's category names, for the message of a refused replacement (the UI shows the same titles). */
const CATEGORY: Record<string, string> = {
  authentication_failed: 'Authentication Failed',
  permission_denied: 'Permission Denied',
  invalid_api_url: 'Invalid API URL',
  connection_timeout: 'Connection Timeout',
  connection_refused: 'Connection Refused',
  rate_limited: 'Rate limited',
  platform_error: 'Platform error',
};

/** A configuration whose last Test Connection passed, and that no sync has since found rejected. */
export function isWorking(existing: PlatformConfigRow | undefined): boolean {
  const last = existing?.lastTest;
  if (!last || typeof last !== 'object') return false;
  return (last as { ok?: unknown }).ok === true && !('rejectedDuringSync' in last);
}

/**
 * Save Configuration over a working configuration: the new credentials are tested before they replace
 * it, so a mistyped key never stops a syncing organisation. Returns the passing result (to be recorded
 * with the saved configuration), 'unchanged' when the same credentials are saved again (their last test
 * still holds), or null when there is nothing to protect (no working configuration). A failing test
 * throws 409 `replacement_failed_test` and nothing is saved.
 */
export async function testBeforeReplacing(
  ctx: AppContext,
  organisationId: string,
  existing: PlatformConfigRow | undefined,
  candidate: { platform: string; apiUrl: string; apiKey: string | undefined },
): Promise<ConnectionTestResult | 'unchanged' | null> {
  if (!existing || !isWorking(existing)) return null;
  const savedKey = decryptSecret(ctx.masterKey, existing.apiKeyCiphertext, organisationId);
  const apiKey = candidate.apiKey ?? savedKey;
  const keyChanged = apiKey !== savedKey;
  const urlChanged = candidate.apiUrl !== existing.apiUrl || candidate.platform !== existing.platform;
  if (!keyChanged && !urlChanged) return 'unchanged';

  const creds = { apiUrl: candidate.apiUrl, apiKey };
  const result = await testFreshserviceConnection(creds, {
    timeoutMs: ctx.config.platformTimeoutMs,
    addressPolicy: addressPolicyOf(ctx),
    rateGate: rateBudgetOf(ctx),
    budgetAccount: await budgetAccountFor(ctx.db, creds),
  });
  // A rate-limited test proved nothing either way: the key keeps what it had.
  if (result.ok || result.error.code !== 'rate_limited')
    await recordCredentialTest(ctx.db, organisationId, credentialFingerprint(creds.apiUrl, apiKey), result.ok);
  if (result.ok) return result;

  const what = keyChanged && urlChanged ? 'API URL and API key' : keyChanged ? 'API key' : 'API URL';
  const field = keyChanged && !urlChanged ? 'apiKey' : 'apiUrl';
  throw new ApiError(
    409,
    'replacement_failed_test',
    `The new ${what} did not pass Test Connection, so nothing was saved: the working configuration stays in use. ` +
      `${CATEGORY[result.error.code] ?? 'Connection problem'}: ${result.error.message}`,
    { field, hints: result.error.hints },
  );
}
