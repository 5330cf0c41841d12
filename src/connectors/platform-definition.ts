/**
 * What a connector folder hands the registry: its manifest and the few entry points that need no
 * account (URL rules, credential checks, Test Connection, the webhook receiver) besides the connector.
 */
import type { ConnectionTestResult } from '../core/connection-test.ts';
import type { TicketConnector } from '../core/connector.ts';
import type { InstanceSettings, PlatformManifest } from '../core/platform-manifest.ts';
import type { WorkspaceChoice } from '../core/sync-config.ts';
import type { PlatformLimits } from '../connector-kit/limits.ts';
import type { BudgetWaitListener, RateGate } from '../connector-kit/rate-gate.ts';
import type { AddressPolicy } from '../connector-kit/ssrf.ts';

/** An account's credentials: its normalised API URL and the manifest's credential fields by name (secrets decrypted). */
export interface PlatformCredentials {
  apiUrl: string;
  fields: Record<string, string>;
}

/**
 * Where a connector keeps credentials it was given anew (a rotated OAuth refresh token): the data layer
 * implements it, so a connector stores tokens without knowing the database.
 */
export interface CredentialStore {
  /** Replaces these fields (others kept), encrypted like the rest. */
  update(fields: Record<string, string>): Promise<void>;
  /**
   * Runs `fn` while no other holder of this set, in this process or another, runs its own (an OAuth refresh
   * with rotation: two would spend one refresh token and the platform would kill the set). `fn` gets the
   * fields as stored now, and an update that writes before the lock is let go. Without it, a store is
   * serialised only within the process.
   */
  withRefreshLock?<T>(fn: (locked: LockedCredentials) => Promise<T>): Promise<T>;
}

/** A credential set while its refresh lock is held (see CredentialStore.withRefreshLock). */
export interface LockedCredentials {
  /** Every field as stored when the lock was taken (secrets decrypted). */
  fields: Record<string, string>;
  update(fields: Record<string, string>): Promise<void>;
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
  /** The side's per-side settings (`manifest.sideSettings`): a project, a board... */
  sideSettings?: Record<string, string>;
  /** Where rotated credentials (OAuth tokens) are kept; without one they live only as long as the connector. */
  credentialStore?: CredentialStore;
  /** The instance's platform settings (an OAuth app, endpoints: config `platformSettings`); none without. */
  platformSettings?: InstanceSettings;
}

export interface TestConnectionOptions {
  timeoutMs: number;
  addressPolicy?: AddressPolicy;
  rateGate?: RateGate;
  budgetAccount?: string;
  /** A person is waiting: a budget wait longer than this fails the step as rate_limited. */
  maxBudgetWaitMs?: number;
  credentialStore?: CredentialStore;
  platformSettings?: InstanceSettings;
}

/** An inbound webhook call as the server received it. */
export interface InboundHook {
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export type HookReading =
  | {
      ok: true;
      ticketIds: string[];
      /**
       * Those of `ticketIds` the call reports deleted (an issue-deleted event), where the platform's
       * webhooks say so; absent when none. They are still hints: the engine's read of each finds it gone.
       */
      deleted?: string[];
    }
  | {
      ok: false;
      message: string;
      /** The answer's error code: invalid_body (the default), invalid_json, or invalid_ticket_id. */
      code?: 'invalid_body' | 'invalid_json' | 'invalid_ticket_id';
      /** The body field at fault, when one is. */
      field?: string;
    };

export interface WebhookReceiver {
  /**
   * Whether the call proves it comes from the platform: a signature over the raw body with the side's
   * secret (null when the platform does not sign, and the URL's token is the proof).
   */
  verify(hook: InboundHook, secret: string | null): boolean;
  /** The tickets the call names, or why it names none (the answer says how to fix the platform's set-up). */
  read(hook: InboundHook): HookReading;
}

export type ApiUrlResult = { ok: true; url: string } | { ok: false; message: string };
export type CredentialsResult = { ok: true; fields: Record<string, string> } | { ok: false; field: string; message: string };

export interface PlatformDefinition {
  manifest: PlatformManifest;
  /** Turns what a user pasted into the API base URL, or says what is wrong (also the SSRF rule). */
  normaliseApiUrl(input: string, opts: { allowPrivate: boolean }): ApiUrlResult;
  /**
   * Checks (and trims) the credential fields typed in Settings, naming the first wrong one. `instance`: the
   * instance settings where the caller knows them (what a field may be left blank for can depend on them).
   */
  validateCredentials(fields: Record<string, unknown>, instance?: InstanceSettings): CredentialsResult;
  createConnector(creds: PlatformCredentials, opts: ConnectorOptions): TicketConnector;
  testConnection(creds: PlatformCredentials, opts: TestConnectionOptions): Promise<ConnectionTestResult>;
  /** Where people of the account open a ticket in the platform's own web UI (`origin`: the API URL's), or null. */
  ticketWebUrl(origin: string, ticket: { id: string; displayId: string }): string | null;
  webhook: WebhookReceiver | null;
}
