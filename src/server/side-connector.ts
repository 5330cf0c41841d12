import type { TicketConnector } from '../core/connector.ts';
import type { BudgetWaitListener, RateGate } from '../connector-kit/rate-gate.ts';
import type { AddressPolicy, Resolver } from '../connector-kit/ssrf.ts';
import { createConnector } from '../connectors/registry.ts';
import type { Db } from '../db/database.ts';
import { getConnectionSide, type Side } from '../db/repositories/connections.ts';
import { getPlatformConfig } from '../db/repositories/platform-configs.ts';
import { decryptSecret } from '../security/crypto.ts';

export interface SideCredentials {
  platform: string;
  apiUrl: string;
  apiKey: string;
}

/** What is needed to reach a side's platform; AppContext satisfies it. */
export interface SideConnectorContext {
  db: Db;
  masterKey: Buffer;
  /** allowPrivatePlatformUrls (SF_ALLOW_PRIVATE_PLATFORM_URLS): connectors may reach private addresses; refused when unset. */
  config: { platformTimeoutMs: number; allowPrivatePlatformUrls?: boolean };
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
    };
  }
  if (!platform) return null;
  return { platform: platform.platform, apiUrl: platform.apiUrl, apiKey: decryptSecret(masterKey, platform.apiKeyCiphertext, row.organisationId) };
}

/**
 * A connector for one side of a connection, or null when that side has no credentials (see sideCredentials).
 * With `rateGate` every request waits for the shared API budget; `onBudgetWait` hears about those waits.
 */
export async function connectorForSide(
  ctx: SideConnectorContext,
  connectionId: string,
  side: Side,
  opts: { rateGate?: RateGate | undefined; onBudgetWait?: BudgetWaitListener | undefined } = {},
): Promise<TicketConnector | null> {
  const creds = await sideCredentials(ctx.db, ctx.masterKey, connectionId, side);
  if (!creds) return null;
  return createConnector(
    creds.platform,
    { apiUrl: creds.apiUrl, apiKey: creds.apiKey },
    { timeoutMs: ctx.config.platformTimeoutMs, addressPolicy: addressPolicyOf(ctx), ...(opts.rateGate ? { rateGate: opts.rateGate } : {}), ...(opts.onBudgetWait ? { onBudgetWait: opts.onBudgetWait } : {}) },
  );
}
