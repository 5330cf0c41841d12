import type { TicketConnector } from '../core/connector.ts';
import type { WorkspaceChoice } from '../core/sync-config.ts';
import type { PlatformLimits } from '../connector-kit/limits.ts';
import type { BudgetWaitListener, RateGate } from '../connector-kit/rate-gate.ts';
import type { AddressPolicy } from '../connector-kit/ssrf.ts';
import { createFreshserviceConnector } from './freshservice/connector.ts';

export interface ConnectorCredentials {
  apiUrl: string;
  apiKey: string;
}

export interface ConnectorOptions {
  timeoutMs: number;
  sleep?: (ms: number) => Promise<void>;
  /** The shared API budget every request waits for; without one, requests are not gated. */
  rateGate?: RateGate;
  /** Told when a request waits for budget (the run shows "waiting"). */
  onBudgetWait?: BudgetWaitListener;
  /** Where requests may go (SSRF guard, see connector-kit/ssrf.ts); unchecked without one. */
  addressPolicy?: AddressPolicy;
  /** Pages per listing and bytes per attachment (connector-kit/limits.ts); the defaults without. */
  limits?: Partial<PlatformLimits>;
  /** The budget account the requests spend (connector-kit/budget-account.ts); the platform host when unset. */
  budgetAccount?: string;
  /** Aborts every request and wait of this connector (a run past its time limit). */
  signal?: AbortSignal;
  /** The side's workspace choice (platforms with workspaces); absent = the primary workspace. */
  workspaces?: WorkspaceChoice | undefined;
}

const factories: Record<string, (creds: ConnectorCredentials, opts: ConnectorOptions) => TicketConnector> = {
  freshservice: createFreshserviceConnector,
};

/** The connector for a platform id (as stored on a connection); throws for a platform without one. */
export function createConnector(platform: string, creds: ConnectorCredentials, opts: ConnectorOptions): TicketConnector {
  const factory = Object.hasOwn(factories, platform) ? factories[platform] : undefined;
  if (!factory) throw new Error(`No connector for platform "${platform}". Known platforms: ${Object.keys(factories).join(', ')}.`);
  return factory(creds, opts);
}
