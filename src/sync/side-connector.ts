import type { TicketConnector } from '../core/connector.ts';
import type { WorkspaceChoice } from '../core/sync-config.ts';
import { abortableSleep } from '../connector-kit/abortable-sleep.ts';
import { budgetAccountOf, credentialFingerprint } from '../connector-kit/budget-account.ts';
import { withRateModel, type BudgetWaitListener, type RateGate } from '../connector-kit/rate-gate.ts';
import type { AddressPolicy, Resolver } from '../connector-kit/ssrf.ts';
import { availablePlatforms, platformDefinition, requirePlatform } from '../connectors/registry.ts';
import type { Db } from '../db/database.ts';
import { getConnectionSide, type Side } from '../db/repositories/connections.ts';
import { credentialStoreFor, getOverrideCredentials, getPlatformConfig, openCredentials, type CredentialOwner } from '../db/repositories/platform-configs.ts';
import { sharedRateBudget } from '../db/repositories/rate-budget.ts';
import { isCredentialTested } from '../db/repositories/tested-credentials.ts';
import { decryptSecret } from '../security/crypto.ts';

export interface SideCredentials {
  platform: string;
  apiUrl: string;
  /** The manifest's credential fields by name, secrets decrypted. */
  fields: Record<string, string>;
  /** The secret fields as one string (a one-key platform's key): what the budget fingerprint covers. */
  secret: string;
  /** fields.apiKey, for callers of one-key platforms ('' when the platform has no such field). */
  apiKey: string;
  /** The organisation whose credentials these are. */
  organisationId: string;
  /** When the organisation last saved its platform settings (null for an override's own URL and key). */
  settingsSavedAt: Date | null;
  /** The side's workspace choice (its configuration): which workspaces the connector works in. */
  workspaces?: WorkspaceChoice | undefined;
  /** The side's per-side settings (`manifest.sideSettings`), as its configuration holds them. */
  sideSettings?: Record<string, string> | undefined;
  /** Where these credentials are stored (a connector's rotated tokens go back there). */
  owner?: CredentialOwner | undefined;
}

/** The secret fields of a set, by the platform's manifest (all of them for a platform this build lacks). */
export function secretFieldsOf(platform: string, fields: Record<string, string>): Record<string, string> {
  const manifest = platformDefinition(platform)?.manifest;
  const secret = (name: string) => manifest?.credentials.find((f) => f.name === name)?.secret ?? true;
  return Object.fromEntries(Object.entries(fields).filter(([name]) => secret(name)));
}

/**
 * What the budget fingerprint covers: the secret fields, or a sealed set's plaintext (their JSON). A set of
 * one secret is that value alone, so the fingerprint of a key tested before credential sets still matches.
 */
export function budgetSecret(secrets: Record<string, string> | string): string {
  if (typeof secrets === 'string') {
    if (!secrets.startsWith('{')) return secrets;
    try {
      const parsed: unknown = JSON.parse(secrets);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && Object.values(parsed).every((v) => typeof v === 'string'))
        return budgetSecret(parsed as Record<string, string>);
    } catch {
      // a key that merely starts with a brace
    }
    return secrets;
  }
  const entries = Object.entries(secrets).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 1 ? entries[0]![1] : JSON.stringify(Object.fromEntries(entries));
}

/** The fingerprint of a credential set at an API URL (tested-credentials, budget accounts). */
export function credentialFingerprintOf(apiUrl: string, secret: string): string {
  return credentialFingerprint(apiUrl, budgetSecret(secret));
}

/** The first platform this build offers: the platform of an override whose organisation has none saved. */
export function defaultPlatformId(): string {
  return availablePlatforms()[0]!.manifest.id;
}

/** The credential members of a SideCredentials for these fields. */
export function credentialsFor(platform: string, fields: Record<string, string>): Pick<SideCredentials, 'fields' | 'secret' | 'apiKey'> {
  return { fields, secret: budgetSecret(secretFieldsOf(platform, fields)), apiKey: fields.apiKey ?? '' };
}

/** What is needed to reach a side's platform; AppContext satisfies it. */
export interface SideConnectorContext {
  db: Db;
  masterKey: Buffer;
  /** allowPrivatePlatformUrls (SF_ALLOW_PRIVATE_PLATFORM_URLS): connectors may reach private addresses; refused when unset. */
  config: {
    platformTimeoutMs: number;
    allowPrivatePlatformUrls?: boolean;
    rateHeadroom?: number;
    maxListPages?: number;
    maxAttachmentBytes?: number;
    /** The instance's platform settings (an OAuth app, endpoints). */
    platformSettings?: Record<string, string>;
  };
  /** DNS resolver for the SSRF guard (tests); the system resolver by default. */
  resolve?: Resolver;
}

/** Where this instance's connectors may connect (see connector-kit/ssrf.ts). */
export function addressPolicyOf(ctx: Pick<SideConnectorContext, 'config' | 'resolve'>): AddressPolicy {
  return { allowPrivate: ctx.config.allowPrivatePlatformUrls === true, ...(ctx.resolve ? { resolve: ctx.resolve } : {}) };
}

/**
 * The credentials one side of a connection uses: its API override when set, else its organisation's
 * platform settings. Keys are decrypted with the owning organisation's id as associated data. Null
 * when the side does not exist yet (partner has not accepted) or its organisation has no platform.
 * An override has no platform of its own: it is the organisation's platform (the first one offered if unset).
 * Throws when a stored key cannot be decrypted (e.g. a different master key).
 */
export async function sideCredentials(db: Db, masterKey: Buffer, connectionId: string, side: Side): Promise<SideCredentials | null> {
  const row = await getConnectionSide(db, connectionId, side);
  if (!row) return null;
  const platform = await getPlatformConfig(db, row.organisationId);
  const sideSettings = row.configuration.sideSettings;
  const common = { organisationId: row.organisationId, workspaces: row.configuration.workspaces, ...(sideSettings ? { sideSettings } : {}) };
  if (row.apiOverride) {
    const override = await getOverrideCredentials(db, connectionId, side);
    const platformId = platform?.platform ?? defaultPlatformId();
    const fields = override
      ? openCredentials(masterKey, override.credentials, row.organisationId)
      : { apiKey: decryptSecret(masterKey, row.apiOverride.apiKeyCiphertext, row.organisationId) };
    return {
      platform: platformId,
      apiUrl: row.apiOverride.apiUrl,
      ...credentialsFor(platformId, fields),
      ...common,
      settingsSavedAt: platform?.updatedAt ?? null,
      owner: { kind: 'override', organisationId: row.organisationId, connectionId, side },
    };
  }
  if (!platform) return null;
  return {
    platform: platform.platform,
    apiUrl: platform.apiUrl,
    ...credentialsFor(platform.platform, openCredentials(masterKey, platform.credentials, row.organisationId)),
    ...common,
    settingsSavedAt: platform.updatedAt,
    owner: { kind: 'platform', organisationId: row.organisationId },
  };
}

/**
 * The budget account a credential spends: the host's shared budget once a Test Connection passed with
 * exactly this host and key, else the key's own budget (see connector-kit/budget-account.ts for why).
 */
export async function budgetAccountFor(db: Db, creds: { apiUrl: string; apiKey: string }): Promise<string> {
  const fingerprint = credentialFingerprintOf(creds.apiUrl, creds.apiKey);
  return budgetAccountOf(creds.apiUrl, { fingerprint, tested: await isCredentialTested(db, fingerprint) });
}

/** The process's budget for this context (every platform call waits for it). */
export function rateBudgetOf(ctx: SideConnectorContext) {
  return sharedRateBudget(ctx.db, ctx.config.rateHeadroom ?? 0.2);
}

/** What a caller adds to a side's connector: the budget, its waits, an end signal, and side settings the engine resolved. */
export interface ConnectorHooks {
  rateGate?: RateGate | undefined;
  onBudgetWait?: BudgetWaitListener | undefined;
  signal?: AbortSignal | undefined;
  /** Replace the configured side settings (a required one the engine filled in because the account offers only one value). */
  sideSettings?: Record<string, string> | undefined;
}

/**
 * A connector for one side of a connection, or null when that side has no credentials (see sideCredentials).
 * Every request waits for the shared API budget (`rateGate`, the process's budget by default) of the
 * credential's budget account; `onBudgetWait` hears about those waits. `signal` ends every request and
 * wait (a run past its time limit).
 */
export async function connectorForSide(
  ctx: SideConnectorContext,
  connectionId: string,
  side: Side,
  opts: ConnectorHooks = {},
): Promise<TicketConnector | null> {
  const creds = await sideCredentials(ctx.db, ctx.masterKey, connectionId, side);
  if (!creds) return null;
  return connectorFor(ctx, creds, opts);
}

/** A connector for credentials already read (see connectorForSide). */
export async function connectorFor(ctx: SideConnectorContext, creds: SideCredentials, opts: ConnectorHooks = {}): Promise<TicketConnector> {
  const definition = requirePlatform(creds.platform);
  const secretNames = definition.manifest.credentials.filter((f) => f.secret).map((f) => f.name);
  return definition.createConnector(
    { apiUrl: creds.apiUrl, fields: creds.fields },
    {
      timeoutMs: ctx.config.platformTimeoutMs,
      addressPolicy: addressPolicyOf(ctx),
      limits: { maxListPages: ctx.config.maxListPages, maxAttachmentBytes: ctx.config.maxAttachmentBytes },
      // The budget checks the platform's own windows (its manifest's model); the connector never sees them.
      rateGate: withRateModel(opts.rateGate ?? rateBudgetOf(ctx), definition.manifest.rateLimit),
      budgetAccount: await budgetAccountFor(ctx.db, { apiUrl: creds.apiUrl, apiKey: creds.secret }),
      ...((opts.sideSettings ?? creds.sideSettings) ? { sideSettings: opts.sideSettings ?? creds.sideSettings } : {}),
      ...(creds.owner ? { credentialStore: credentialStoreFor(ctx.db, ctx.masterKey, creds.owner, secretNames) } : {}),
      ...(ctx.config.platformSettings ? { platformSettings: ctx.config.platformSettings } : {}),
      ...(creds.workspaces ? { workspaces: creds.workspaces } : {}),
      ...(opts.onBudgetWait ? { onBudgetWait: opts.onBudgetWait } : {}),
      ...(opts.signal ? { signal: opts.signal, sleep: abortableSleep(opts.signal) } : {}),
    },
  );
}
