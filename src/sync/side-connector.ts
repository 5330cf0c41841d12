import type { TicketConnector } from '../core/connector.ts';
import type { WorkspaceChoice } from '../core/sync-config.ts';
import { abortableSleep } from '../connector-kit/abortable-sleep.ts';
import { budgetAccountOf, credentialFingerprint } from '../connector-kit/budget-account.ts';
import type { BudgetWaitListener, RateGate } from '../connector-kit/rate-gate.ts';
import type { AddressPolicy, Resolver } from '../connector-kit/ssrf.ts';
import { createConnector } from '../connectors/registry.ts';
import type { Db } from '../db/database.ts';
import { getConnectionSide, type Side } from '../db/repositories/connections.ts';
import { getPlatformConfig } from '../db/repositories/platform-configs.ts';
import { sharedRateBudget } from '../db/repositories/rate-budget.ts';
import { isCredentialTested } from '../db/repositories/tested-credentials.ts';
import { decryptSecret } from '../security/crypto.ts';

export interface SideCredentials {
  platform: string;
  apiUrl: string;
  apiKey: string;
  /** The organisation whose credentials these are. */
  organisationId: string;
  /** When the organisation last saved its platform settings (null for an override's own URL and key). */
  settingsSavedAt: Date | null;
  /** The side's workspace choice (its configuration): which workspaces the connector works in. */
  workspaces?: WorkspaceChoice | undefined;
}

/** What is needed to reach a side's platform; AppContext satisfies it. */
export interface SideConnectorContext {
  db: Db;
  masterKey: Buffer;
  /** allowPrivatePlatformUrls (SF_ALLOW_PRIVATE_PLATFORM_URLS): connectors may reach private addresses; refused when unset. */
  config: { platformTimeoutMs: number; allowPrivatePlatformUrls?: boolean; rateHeadroom?: number; maxListPages?: number; maxAttachmentBytes?: number };
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
 * An override has no platform of its own: it is the organisation's platform (Freshservice if unset).
 * Throws when a stored key cannot be decrypted (e.g. a different master key).
 */
export async function sideCredentials(db: Db, masterKey: Buffer, connectionId: string, side: Side): Promise<SideCredentials | null> {
  const row = await getConnectionSide(db, connectionId, side);
  if (!row) return null;
  const platform = await getPlatformConfig(db, row.organisationId);
  if (row.apiOverride) {
    return {
      platform: platform?.platform ?? 'freshservice',
      apiUrl: row.apiOverride.apiUrl,
      apiKey: decryptSecret(masterKey, row.apiOverride.apiKeyCiphertext, row.organisationId),
      organisationId: row.organisationId,
      settingsSavedAt: platform?.updatedAt ?? null,
      workspaces: row.configuration.workspaces,
    };
  }
  if (!platform) return null;
  return {
    platform: platform.platform,
    apiUrl: platform.apiUrl,
    apiKey: decryptSecret(masterKey, platform.apiKeyCiphertext, row.organisationId),
    organisationId: row.organisationId,
    settingsSavedAt: platform.updatedAt,
    workspaces: row.configuration.workspaces,
  };
}

/**
 * The budget account a credential spends: the host's shared budget once a Test Connection passed with
 * exactly this host and key, else the key's own budget (see connector-kit/budget-account.ts for why).
 */
export async function budgetAccountFor(db: Db, creds: { apiUrl: string; apiKey: string }): Promise<string> {
  const fingerprint = credentialFingerprint(creds.apiUrl, creds.apiKey);
  return budgetAccountOf(creds.apiUrl, { fingerprint, tested: await isCredentialTested(db, fingerprint) });
}

/** The process's budget for this context (every platform call waits for it). */
export function rateBudgetOf(ctx: SideConnectorContext) {
  return sharedRateBudget(ctx.db, ctx.config.rateHeadroom ?? 0.2);
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
  opts: { rateGate?: RateGate | undefined; onBudgetWait?: BudgetWaitListener | undefined; signal?: AbortSignal | undefined } = {},
): Promise<TicketConnector | null> {
  const creds = await sideCredentials(ctx.db, ctx.masterKey, connectionId, side);
  if (!creds) return null;
  return connectorFor(ctx, creds, opts);
}

/** A connector for credentials already read (see connectorForSide). */
export async function connectorFor(
  ctx: SideConnectorContext,
  creds: SideCredentials,
  opts: { rateGate?: RateGate | undefined; onBudgetWait?: BudgetWaitListener | undefined; signal?: AbortSignal | undefined } = {},
): Promise<TicketConnector> {
  return createConnector(
    creds.platform,
    { apiUrl: creds.apiUrl, fields: { apiKey: creds.apiKey } },
    {
      timeoutMs: ctx.config.platformTimeoutMs,
      addressPolicy: addressPolicyOf(ctx),
      limits: { maxListPages: ctx.config.maxListPages, maxAttachmentBytes: ctx.config.maxAttachmentBytes },
      rateGate: opts.rateGate ?? rateBudgetOf(ctx),
      budgetAccount: await budgetAccountFor(ctx.db, creds),
      ...(creds.workspaces ? { workspaces: creds.workspaces } : {}),
      ...(opts.onBudgetWait ? { onBudgetWait: opts.onBudgetWait } : {}),
      ...(opts.signal ? { signal: opts.signal, sleep: abortableSleep(opts.signal) } : {}),
    },
  );
}
