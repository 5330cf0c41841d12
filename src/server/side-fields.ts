import { createHash } from 'node:crypto';
import { PlatformError, type FieldDefinition } from '../core/connector.ts';
import { BudgetUnavailableError, withMaxWait } from '../connector-kit/rate-gate.ts';
import type { ConnectionRecord, Side } from '../db/repositories/connections.ts';
import { getCachedFields, putCachedFields } from '../db/repositories/field-cache.ts';
import { connectorFor, credentialFingerprintOf, rateBudgetOf, sideCredentials, type SideConnectorContext } from '../sync/side-connector.ts';

export type FieldsResult = {
  fields: FieldDefinition[];
  /** The side's platform id: the Mappings page maps by meaning only between two different platforms, as a run does. */
  platform?: string;
  creatableTypes?: string[] | null;
  error: null | { code: string; message: string };
  /** When the fields were read from the platform (ISO); absent for an error. */
  fetchedAt?: string;
};

/** A field list read from the platform is reused this long: form fields change rarely, pages load often. */
export const FIELDS_FRESH_MS = 5 * 60_000;
/** A failed read is reused briefly, so reloading a page does not call a failing platform again and again. */
export const FIELDS_FAILED_MS = 30_000;
/** A person waits for the page: a longer budget wait answers rate_limited instead. */
const MAX_BUDGET_WAIT_MS = 10_000;
const MAX_ENTRIES = 1_000;

/**
 * One side's form fields (with picklists) for the fields and mappings routes, through the field cache
 * (table field_cache, shared by every process, so opening a tab does not call both platforms each time) and
 * a per-process memory in front of it. An entry is good for FIELDS_FRESH_MS and only for the account it was
 * read from: its source is a hash of the side's credential (organisation, platform, host + key fingerprint),
 * when its organisation last saved its platform settings and its workspace choice, so any change of these
 * reads afresh. `refresh` reads afresh anyway. Concurrent requests share one platform read. Each read goes
 * through the API budget like every platform call; failures are not stored (only remembered briefly here).
 */
export function sideFieldsLoader(ctx: SideConnectorContext, opts: { now?: () => number } = {}) {
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { expires: number; value: Promise<FieldsResult> }>();

  async function read(creds: NonNullable<Awaited<ReturnType<typeof sideCredentials>>>, orgName: string): Promise<FieldsResult> {
    try {
      const connector = await connectorFor(ctx, creds, { rateGate: withMaxWait(rateBudgetOf(ctx), MAX_BUDGET_WAIT_MS) });
      const fields = await connector.fieldDefinitions();
      return {
        fields,
        platform: creds.platform,
        creatableTypes: connector.creatableTypes ? [...connector.creatableTypes] : null,
        error: null,
        fetchedAt: new Date(now()).toISOString(),
      };
    } catch (err) {
      if (err instanceof BudgetUnavailableError) return fieldsError('rate_limited', `${orgName}'s fields cannot be loaded right now: ${err.message}.`);
      if (err instanceof PlatformError) return fieldsError(err.kind, `${orgName}'s platform could not be reached for its fields: ${err.message}`);
      return fieldsError('platform_error', `${orgName}'s platform fields could not be loaded: ${(err as Error).message}`);
    }
  }

  return async function loadFields(c: ConnectionRecord, side: Side, opts: { refresh?: boolean } = {}): Promise<FieldsResult> {
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
      credentialFingerprintOf(creds.apiUrl, creds.secret),
      creds.settingsSavedAt?.getTime() ?? 0,
      JSON.stringify(creds.workspaces ?? null),
    ].join('|');
    const source = createHash('sha256').update(key).digest('base64url');
    const t = now();
    const hit = cache.get(key);
    // A read in flight (expires not set yet) is shared even by a refresh: it is as fresh as one would be.
    if (hit && (hit.expires === Infinity || (!opts.refresh && hit.expires > t))) return hit.value;
    if (cache.size >= MAX_ENTRIES) for (const [k, e] of cache) if (e.expires <= t || cache.size >= MAX_ENTRIES) cache.delete(k);
    // The stored entry is looked up inside the shared promise too: concurrent first requests make one read.
    const entry = {
      expires: Infinity,
      value: (async (): Promise<FieldsResult> => {
        if (!opts.refresh) {
          const stored = await getCachedFields(ctx.db, c.id, side);
          const fresh = stored && stored.source === source && t - stored.fetchedAt.getTime() < FIELDS_FRESH_MS ? parseStored(stored.fields) : null;
          if (fresh && stored) return { ...fresh, platform: creds.platform, fetchedAt: stored.fetchedAt.toISOString() };
        }
        const r = await read(creds, org.name);
        // A failed write (the connection was just deleted) costs only the next read.
        if (!r.error)
          await putCachedFields(ctx.db, c.id, side, {
            source,
            fields: { fields: r.fields, creatableTypes: r.creatableTypes ?? null },
            fetchedAt: new Date(r.fetchedAt!),
          }).catch(() => undefined);
        return r;
      })(),
    };
    cache.set(key, entry);
    void entry.value.then(
      (r) => {
        entry.expires = r.error || !r.fetchedAt ? now() + FIELDS_FAILED_MS : Date.parse(r.fetchedAt) + FIELDS_FRESH_MS;
      },
      () => cache.delete(key),
    );
    return entry.value;
  };
}

/** A stored entry as a result, or null when it is not what this version writes (then it is read afresh). */
function parseStored(raw: unknown): Pick<FieldsResult, 'fields' | 'creatableTypes' | 'error'> | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as { fields?: unknown; creatableTypes?: unknown };
  if (!Array.isArray(r.fields)) return null;
  const creatableTypes = Array.isArray(r.creatableTypes) ? r.creatableTypes.filter((t): t is string => typeof t === 'string') : null;
  return { fields: r.fields as FieldDefinition[], creatableTypes, error: null };
}

function fieldsError(code: string, message: string): FieldsResult {
  return { fields: [], error: { code, message } };
}
