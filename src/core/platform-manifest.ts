/**
 * What a platform is, apart from any account on it: the connector contract v2's manifest. Every
 * connector folder exports one; the registry lists them, and the server, the web app and the engine
 * learn a platform's shape only from here (never from its name). See docs/architecture.md "Adding a platform".
 */
import type { ConnectionTestErrorCode } from './connection-test.ts';

/**
 * Where a status stands, the same words on every platform: closure is detected and written through
 * categories (a "Done" transition, a closed state number, a closed status id), never through platform values.
 */
export const statusCategories = ['new', 'open', 'pending', 'resolved', 'closed'] as const;
export type StatusCategory = (typeof statusCategories)[number];

/** Categories that end a ticket: a change into one of them is a closure (the side's Closures switch). */
export const closingCategories: readonly StatusCategory[] = ['resolved', 'closed'];

/**
 * What a field means, whatever the platform calls it: the engine finds "the status field" by role, so
 * default mappings between two different platforms need no field names.
 */
export const fieldRoles = ['status', 'priority', 'urgency', 'impact', 'type', 'group'] as const;
export type FieldRole = (typeof fieldRoles)[number];

/** One value the organisation types in Settings (URL apart). Secret ones are stored encrypted and answered as a hint. */
export interface CredentialField {
  /** The key in `PUT /api/v1/platform` `credentials` (and in the connector's `credentials.fields`). */
  name: string;
  label: string;
  secret: boolean;
  required: boolean;
  help: string;
  /** Refused when longer (a pasted document is not a key). */
  maxLength: number;
  /** A regular expression (source) the value must match, with the message that says how to fix it. */
  pattern?: { source: string; message: string };
  example?: string;
}

export type AuthKind = 'basic' | 'api_key' | 'oauth' | 'headers';

/** Authorization code (with PKCE where the platform supports it) and refresh; see connector-kit/oauth.ts. */
export interface OAuthSettings {
  /** The platform's authorize and token endpoints for an account at `apiUrl` (normalised). */
  authorizeUrl(apiUrl: string, instance?: InstanceSettings): string;
  tokenUrl(apiUrl: string, instance?: InstanceSettings): string;
  scopes: string[];
  pkce: boolean;
  /** Whether a refresh answers a new refresh token that replaces the old (which then stops working). */
  refreshRotates: boolean;
  /** Which credential fields hold the OAuth client's id and secret. */
  clientIdField: string;
  clientSecretField: string | null;
  /** Parameters the platform's authorize endpoint wants besides the standard ones (an audience, a consent prompt). */
  authorizeParams?: Record<string, string>;
  /**
   * The OAuth app is registered once for the whole instance (not per organisation): its id and secret are
   * these instance settings (environment variables), and OAuth is a second way in beside `auth`, offered
   * where both are set. The credential fields named above are then not used.
   */
  instanceClient?: { idSetting: string; secretSetting: string };
}

/** Instance settings a platform reads (environment variables by name; only those set), e.g. its OAuth app. */
export type InstanceSettings = Readonly<Record<string, string>>;

/** One limit the platform counts against (several may apply at once: per minute and per hour...). */
export interface RateWindow {
  windowMs: number;
  /** Requests (or points) allowed per window before the platform reports one; the account's real limit when it says so. */
  limit: number;
}

export interface RateLimitModel {
  windows: RateWindow[];
  /** Requests the platform tolerates in flight at once per account (some allow 3 per endpoint); null = no cap known. */
  maxConcurrent: number | null;
  /** Whether answers carry remaining/limit/reset headers (some platforms often do not). */
  reportsHeaders: boolean;
}

/** A comment channel: a note or a reply, customer-visible comments or work notes, public or internal... */
export interface CommentChannel {
  id: string;
  label: string;
  visibility: 'public' | 'internal';
  /** Whether writing into it tells the requester (a public reply mails them). */
  notifiesRequester: boolean;
}

export interface Capabilities {
  changeFeed: {
    kind: 'updatedSince' | 'opaqueCursor' | 'orderedByActivity';
    /** The feed's time precision: a change inside the same unit as the cursor is read again, not lost. */
    granularityMs: number;
    /** How long after a change the feed is sure to show it (search index lag, an export's last minute). */
    settleMs: number;
    commentsBumpTicket: boolean;
    reportsDeletes: boolean;
  };
  status: {
    model: 'field' | 'transitions';
    /** Fields a close needs besides the status (a close code and close notes). */
    closeRequires: string[];
    /** A closed ticket refuses every write (a platform's final closed status): reported once, never retried. */
    closedIsImmutable: boolean;
  };
  description: { format: 'html' | 'plain' | 'adf'; writable: 'always' | 'createOnly' };
  comments: {
    channels: CommentChannel[];
    /** Whether a comment write answers the new comment's id (else the copy is found again by its marker). */
    writeReturnsId: boolean;
  };
  attachments: { level: 'ticket' | 'comment'; maxBytes: number; upload: 'multipart' | 'binary' | 'base64' | 'token' };
  /** Where a copy's create marker is kept, so an interrupted create is found again. */
  marker: { ticket: 'tag' | 'externalId' | 'property' | 'field' | 'footer'; comment: 'footer' | 'property' };
  requesters: { scope: 'global' | 'company' | 'project' };
  /** Ticket types the API can create; the first is used instead of any other. Empty: any. */
  creatableTypes: string[];
  /** Whether an account holds several workspaces of its own (tickets, groups and fields per workspace). */
  workspaces: boolean;
}

/**
 * A per-side setting a platform needs to create tickets (a project, a board and
 * a company). Where the account offers exactly one value it is used without asking; otherwise the first
 * sync fails with an error naming the setting.
 */
export interface SideSetting {
  name: string;
  label: string;
  help: string;
  required: boolean;
}

export interface WebhookSetup {
  /** What to do on the platform, step by step, with the URL in place. */
  steps: string[];
  /** The request body the platform must send, when it is typed in by hand. */
  body: string | null;
  /** How calls are proved to come from the platform. */
  verification: 'url-token' | 'hmac-sha256' | 'hmac-sha1' | 'basic';
}

export interface PlatformManifest {
  id: string;
  name: string;
  apiUrl: { label: string; example: string; help: string };
  credentials: CredentialField[];
  auth: AuthKind;
  oauth?: OAuthSettings;
  rateLimit: RateLimitModel;
  capabilities: Capabilities;
  sideSettings: SideSetting[];
  /**
   * Where the setup guide lives (a path of the web app) and one line of what it takes. `file` is the
   * Markdown the app bundles for it, from the repository root; left out: docs/<id>-setup.md.
   */
  setupGuide: { summary: string; path: string | null; file?: string };
  /** Test Connection's hints per failure category, written for this platform. */
  troubleshooting: Record<ConnectionTestErrorCode, string[]>;
  /** Names of the roles the integration account needs, as the platform's admin screens spell them. */
  roles: string[];
  webhook: ((url: string) => WebhookSetup) | null;
}
