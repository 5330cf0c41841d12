/**
 * What a platform hands the conformance suite: a way to start its simulator and the few hooks only the
 * simulator has (edits made by a person, faults, search lag, a real webhook call). Adding a platform to
 * the suite is one file under platforms/ whose default export implements `PlatformHarness`
 * (platforms/index.ts finds it; the file is named for the platform id).
 *
 * Everything the suite does through the connector goes through the registry's PlatformDefinition; the
 * handle is only for what no connector can do. Optional members are capabilities of the simulator: a
 * test that needs one it lacks is skipped with the reason, never passed silently.
 */
import type { RemoteAttachment } from '../../src/core/connector.ts';
import type { CredentialStore, InboundHook, PlatformCredentials } from '../../src/connectors/platform-definition.ts';

/**
 * - admin: the integration account as the setup guide configures it (everything passes);
 * - no_permission: an account that authenticates but lacks a right Test Connection checks (→ permission_denied);
 * - bad: credentials the platform refuses (→ authentication_failed).
 */
export type CredentialProfile = 'admin' | 'no_permission' | 'bad';

/** A failure the simulator answers instead of the next matching API requests. */
export interface FaultSpec {
  /** HTTP status to answer (429, 500, 503...); ignored with `hang`. */
  status?: number;
  /** How many matching requests get it; all of them (until `clearFaults`) when omitted. */
  times?: number;
  /** 429 only: the Retry-After header's seconds. */
  retryAfterSeconds?: number;
  /** Headers of the answer besides (or instead of) the platform's usual ones; an empty value leaves that header out. */
  headers?: Record<string, string>;
  /** Hold every API request without an answer until `clearFaults` (or close). */
  hang?: boolean;
  /** Only requests of this method (GET, POST...); any when omitted. */
  method?: string;
}

/** A change made in the platform's own UI by a person, not through the connector. */
export interface PersonEdit {
  subject?: string;
  /** When the platform should record the change (where the simulator can backdate it); now when omitted. */
  at?: Date;
}

/** A ticket put straight into the simulator's store (no API call, no rate limit), with its times. */
export interface SeedTicket {
  subject: string;
  createdAt?: Date;
  /** The last change; `createdAt` (else now) when omitted. */
  updatedAt?: Date;
}

/** A webhook call exactly as the platform would send it for `ticketId`, with the secret the receiver checks. */
export interface WebhookCall {
  hook: InboundHook;
  /** The side's secret for `WebhookReceiver.verify` (null where the platform does not sign). */
  secret: string | null;
}

/** A request the simulator received (its API only; control routes are not logged). */
export interface LoggedRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: Record<string, string>;
  /** 0 while pending, or when a fault dropped or held it. */
  status: number;
}

export interface SimHandle {
  /** The API URL a connector is given (already normalised; a loopback address, so private addresses must be allowed). */
  apiUrl: string;
  /** The profile's credential fields as saved now (in a token mode: after any refresh the connector stored). */
  credentials(profile: CredentialProfile): PlatformCredentials;
  /** The instance settings this way in needs (`ConnectorOptions.platformSettings`, e.g. an OAuth app); none when absent. */
  platformSettings?: Record<string, string>;
  /** Where a connector stores rotated credentials (OAuth tokens), so the next connector built for the profile uses them. */
  credentialStore?(profile: CredentialProfile): CredentialStore;
  /** Ways in with access tokens: the platform stops accepting every access token issued so far (refresh tokens stay good). */
  expireAccessTokens?(): Promise<void>;
  /** The per-side settings (`manifest.sideSettings`) the connector needs on this account, e.g. a Jira project key. */
  sideSettings: Record<string, string>;
  /** An e-mail address of a requester that exists on the account (a ticket's requester in create tests). */
  requesterEmail: string;
  /** A ticket type the connector can create here (`capabilities.creatableTypes[0]` where set). */
  ticketType: string;

  /** Creates tickets in the store directly; answers their ids as the connector names them, in order. */
  seedTickets(tickets: SeedTicket[]): Promise<string[]>;
  editTicketAsPerson(id: string, change: PersonEdit): Promise<void>;
  /** Removes a ticket as a person would (where the platform can delete tickets). */
  deleteTicket?(id: string): Promise<void>;

  injectFault(fault: FaultSpec): Promise<void>;
  /** Clears every fault and search lag, and releases held requests. */
  clearFaults(): Promise<void>;
  /** Makes searches (the marker look-up) miss changes newer than `ms` ago; 0 turns it off. Absent: the platform's search never lags. */
  setSearchLag?(ms: number): Promise<void>;

  /**
   * Makes every paged listing endless (until `clearFaults`): from the second page on, the same page again,
   * announcing itself as the next (the same link, page number, offset or token).
   */
  repeatPages?(): Promise<void>;
  /**
   * Makes the next download of `att` answer a redirect: to `location`, or with 'platform' to where the
   * platform itself keeps the file (its own file or media host).
   */
  redirectDownload?(att: RemoteAttachment, location: string | 'platform'): Promise<void>;
  /**
   * Gives uploads a budget of `bytes` per window (until `clearFaults`): an upload past it is answered as
   * the platform answers a rate limit (429, Retry-After `retryAfterSeconds`) until `refillUploadBytes`.
   */
  limitUploadBytes?(bytes: number, retryAfterSeconds: number): Promise<void>;
  /** A fresh upload byte window, as if the time the 429 asked to wait had passed. */
  refillUploadBytes?(): Promise<void>;

  /** Starts a fresh rate window, as if the platform's window had passed (the rate-header test's clock). */
  resetRateLimit?(): Promise<void>;

  requestLog(): Promise<LoggedRequest[]>;
  clearRequestLog(): Promise<void>;

  /** A real webhook call for this ticket (platforms the connector receives webhooks for). */
  webhookCall?(ticketId: string): Promise<WebhookCall>;
  /**
   * Deletes the ticket as a person would and answers the webhook call the platform sends for that (platforms
   * whose webhooks report deletions; the ticket is gone afterwards).
   */
  deletionWebhookCall?(ticketId: string): Promise<WebhookCall>;

  close(): Promise<void>;
}

export interface HarnessStartOptions {
  /** The simulator's rate limiting: off by default so the suite's own requests never meet it unasked. */
  rateLimit?: boolean;
  /** Rate limiting on, with this many requests (or points) per window in the headers it answers. */
  rateLimitPerMinute?: number;
  /** One of the harness's `modes` by id: the handle's credentials and settings are that way in's. The default way when omitted. */
  mode?: string;
}

/**
 * A way in besides the platform's default one (e.g. OAuth 2.0 beside an API token). The suite runs every area
 * once per mode, each against a simulator started with `{ mode: id }`.
 */
export interface AuthMode {
  id: string;
  /** How people know it (test names say the id). */
  label: string;
}

export interface PlatformHarness {
  /** The registry's platform id (`requirePlatform(platform)`). */
  platform: string;
  start(opts?: HarnessStartOptions): Promise<SimHandle>;
  /** The other ways in the harness can start its simulator for; the default way always runs. */
  modes?: AuthMode[];
}

/** A fault's headers: the platform's usual ones with the spec's on top (an empty value removes one). */
export function withHeaders(usual: Record<string, string>, extra: Record<string, string> | undefined): Record<string, string> {
  const all = { ...usual, ...extra };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== ''));
}
