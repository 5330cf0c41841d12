import type { ConnectionTestResult } from '../core/connection-test.ts';
import { requirePlatform } from '../connectors/registry.ts';
import { openCredentials, type PlatformConfigRow } from '../db/repositories/platform-configs.ts';
import { recordCredentialTest } from '../db/repositories/tested-credentials.ts';
import { addressPolicyOf, budgetAccountFor, budgetSecret, credentialFingerprintOf, rateBudgetOf, secretFieldsOf } from '../sync/side-connector.ts';
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
  candidate: { platform: string; apiUrl: string; fields: Record<string, string> },
): Promise<ConnectionTestResult | 'unchanged' | null> {
  if (!existing || !isWorking(existing)) return null;
  const saved = openCredentials(ctx.masterKey, existing.credentials, organisationId);
  const changedFields = [...new Set([...Object.keys(saved), ...Object.keys(candidate.fields)])].filter((k) => saved[k] !== candidate.fields[k]);
  const keyChanged = changedFields.length > 0;
  const urlChanged = candidate.apiUrl !== existing.apiUrl || candidate.platform !== existing.platform;
  if (!keyChanged && !urlChanged) return 'unchanged';

  const definition = requirePlatform(candidate.platform);
  const secret = budgetSecret(secretFieldsOf(candidate.platform, candidate.fields));
  const result = await definition.testConnection(
    { apiUrl: candidate.apiUrl, fields: candidate.fields },
    {
      timeoutMs: ctx.config.platformTimeoutMs,
      addressPolicy: addressPolicyOf(ctx),
      rateGate: rateBudgetOf(ctx),
      budgetAccount: await budgetAccountFor(ctx.db, { apiUrl: candidate.apiUrl, apiKey: secret }),
    },
  );
  // A rate-limited test proved nothing either way: the key keeps what it had.
  if (result.ok || result.error.code !== 'rate_limited')
    await recordCredentialTest(ctx.db, organisationId, credentialFingerprintOf(candidate.apiUrl, secret), result.ok);
  if (result.ok) return result;

  const labels = definition.manifest.credentials.filter((f) => changedFields.includes(f.name)).map((f) => f.label);
  const credentialWords = labels.length > 0 ? labels.join(' and ') : 'credentials';
  const what = keyChanged && urlChanged ? `API URL and ${credentialWords}` : keyChanged ? credentialWords : 'API URL';
  const field = keyChanged && !urlChanged ? (changedFields[0] ?? 'apiUrl') : 'apiUrl';
  throw new ApiError(
    409,
    'replacement_failed_test',
    `The new ${what} did not pass Test Connection, so nothing was saved: the working configuration stays in use. ` +
      `${CATEGORY[result.error.code] ?? 'Connection problem'}: ${result.error.message}`,
    { field, hints: result.error.hints },
  );
}
