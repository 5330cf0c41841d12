import { PlatformError, type FieldDefinition } from '../core/connector.ts';
import { credentialFingerprint } from '../connector-kit/budget-account.ts';
import { BudgetUnavailableError, withMaxWait } from '../connector-kit/rate-gate.ts';
import type { ConnectionRecord, Side } from '../db/repositories/connections.ts';
import { connectorFor, rateBudgetOf, sideCredentials, type SideConnectorContext } from '../sync/side-connector.ts';

export type FieldsResult = { fields: FieldDefinition[]; creatableTypes?: string[] | null; error: null | { code: string; message: string } };

/** A field list read from the platform is reused this long: form fields change rarely, pages load often. */
export const FIELDS_FRESH_MS = 5 * 60_000;
/** A failed read is reused briefly, so reloading a page does not call a failing platform again and again. */
export const FIELDS_FAILED_MS = 30_000;
/** A person waits for the page: a longer budget wait answers rate_limited instead. */
const MAX_BUDGET_WAIT_MS = 10_000;
const MAX_ENTRIES = 1_000;

/**
 * One side's form fields (with picklists) for the fields and mappings routes, through a per-process cache.
 * The cache key is the side's credential (organisation, platform, host + key fingerprint) and when its
 * organisation last saved its platform settings, so any change of the settings or the key reads afresh,
 * in every process. Concurrent requests share one platform read. Each read goes through the API budget
 * like every platform call.
 */
export function sideFieldsLoader(ctx: SideConnectorContext, opts: { now?: () => number } = {}) {
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { expires: number; value: Promise<FieldsResult> }>();

  async function read(creds: NonNullable<Awaited<ReturnType<typeof sideCredentials>>>, orgName: string): Promise<FieldsResult> {
    try {
      const connector = await connectorFor(ctx, creds, { rateGate: withMaxWait(rateBudgetOf(ctx), MAX_BUDGET_WAIT_MS) });
      return { fields: await connector.fieldDefinitions(), creatableTypes: connector.creatableTypes ? [...connector.creatableTypes] : null, error: null };
    } catch (err) {
      if (err instanceof BudgetUnavailableError) return fieldsError('rate_limited', `${orgName}'s fields cannot be loaded right now: ${err.message}.`);
      if (err instanceof PlatformError) return fieldsError(err.kind, `${orgName}'s platform could not be reached for its fields: ${err.message}`);
      return fieldsError('platform_error', `${orgName}'s platform fields could not be loaded: ${(err as Error).message}`);
    }
  }

  return async function loadFields(c: ConnectionRecord, side: Side): Promise<FieldsResult> {
    const org = c[side];
    if (!org) return fieldsError('partner_not_connected', 'The partner has not accepted the connection yet, so its fields are not known.');
    let creds;
    try {
      creds = await sideCredentials(ctx.db, ctx.masterKey, c.id, side);
    } catch (err) {
      return fieldsError(
        'credentials_unreadable',
        `${org.name}'s saved API key cannot be read (${(err as Error).message}); its admin should save the platform settings again.`,
      );
    }
    if (!creds)
      return fieldsError('not_configured', `${org.name} has not set up its helpdesk platform yet (Settings > Platform), so its fields cannot be loaded.`);
    // The workspace choice is part of the key: fields and groups come from the chosen workspaces.
    const key = [
      creds.organisationId,
      creds.platform,
      credentialFingerprint(creds.apiUrl, creds.apiKey),
      creds.settingsSavedAt?.getTime() ?? 0,
      JSON.stringify(creds.workspaces ?? null),
    ].join('|');
    const t = now();
    const hit = cache.get(key);
    if (hit && hit.expires > t) return hit.value;
    if (cache.size >= MAX_ENTRIES) for (const [k, e] of cache) if (e.expires <= t || cache.size >= MAX_ENTRIES) cache.delete(k);
    const entry = { expires: Infinity, value: read(creds, org.name) };
    cache.set(key, entry);
    void entry.value.then((r) => {
      entry.expires = now() + (r.error ? FIELDS_FAILED_MS : FIELDS_FRESH_MS);
    });
    return entry.value;
  };
}

function fieldsError(code: string, message: string): FieldsResult {
  return { fields: [], error: { code, message } };
}
