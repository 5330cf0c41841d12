/** Tiny JSON client for the Support Fusion HTTP API (same origin, cookie session). */
import type { FieldDefinition } from '../../src/core/connector.ts';
import type { Mappings, SideConfiguration } from '../../src/core/sync-config.ts';
import type { operations } from './api-types.gen.ts';

/** The JSON answer of an operation (its id in the OpenAPI document), from the generated types. */
export type ApiAnswer<Op extends keyof operations, Status extends number = 200> =
  operations[Op]['responses'] extends Record<Status, { content: { 'application/json': infer A } }> ? A : never;

/** The JSON body an operation takes. */
export type ApiBody<Op extends keyof operations> = NonNullable<operations[Op]['requestBody']> extends { content: { 'application/json': infer B } } ? B : never;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly hints: string[];

  constructor(status: number, code: string, message: string, field?: string, hints?: string[]) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.hints = hints ?? [];
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface ErrorEnvelope {
  error?: { code?: unknown; message?: unknown; field?: unknown; hints?: unknown };
}

function toApiError(status: number, body: unknown): ApiError {
  const err = (body as ErrorEnvelope | null)?.error;
  const code = typeof err?.code === 'string' ? err.code : `http_${status}`;
  const message =
    typeof err?.message === 'string' && err.message ? err.message : `The server answered with an unexpected error (HTTP ${status}). Please try again.`;
  const field = typeof err?.field === 'string' ? err.field : undefined;
  const hints = Array.isArray(err?.hints) ? err.hints.filter((h): h is string => typeof h === 'string') : [];
  return new ApiError(status, code, message, field, hints);
}

export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'Could not reach the Support Fusion server. Check your network and try again.');
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) throw toApiError(res.status, data);
  return data as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
};

// ---- Contract types -------------------------------------------------------

/** admin: everything; member: runs syncs and edits mappings; viewer: reads only. */
export type MemberRole = 'admin' | 'member' | 'viewer';

export interface Me {
  user: { id: string; email: string; role: MemberRole; name?: string | null };
  organisation: { id: string; name: string };
}

export interface Member {
  id: string;
  email: string;
  name: string | null;
  role: MemberRole;
  createdAt: string;
  you: boolean;
}

export interface Invitation {
  id: string;
  role: MemberRole;
  email: string | null;
  createdAt: string;
  expiresAt: string;
}

export interface CreatedInvitation extends Invitation {
  url: string;
}

export interface ApiToken {
  id: string;
  name: string;
  role: MemberRole;
  /** The secret's first characters (sfp_ and 4 more). */
  hint: string;
  owner: { id: string; email: string };
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  expired: boolean;
  you: boolean;
}

export interface CreatedApiToken extends ApiToken {
  /** The secret: in this answer only. */
  token: string;
}

export interface InvitationPreview {
  organisation: { name: string };
  role: MemberRole;
  email: string | null;
  expiresAt: string;
}

export interface AuditEvent {
  id: string;
  at: string;
  actor: { id: string | null; email: string };
  action: string;
  target: { type: string; id: string | null; label: string | null };
  before: unknown;
  after: unknown;
}

export interface AuditPage {
  events: AuditEvent[];
  nextBefore: string | null;
}

export type CheckStatus = 'passed' | 'failed' | 'skipped';
export interface Check {
  id: string;
  label: string;
  status: CheckStatus;
  detail?: string;
}

export interface TestSuccess {
  ok: true;
  agent: { id: string | number; name: string; email: string };
  roles: string[];
  /** Where the platform has an access scope (groups); absent otherwise. */
  groupAccess?: { scope: 'all' | 'selected'; groups: { id: string | number; name: string }[] };
  /** Where the platform's scope is not groups (projects it may browse): shown instead of groupAccess. */
  accessScope?: { title: string; summary: string; items: { id: string | number; name: string }[] };
  warnings: string[];
  checks: Check[];
}

export interface TestFailure {
  ok: false;
  error: { code: string; message: string; hints: string[] };
  checks: Check[];
}

export type TestResult = (TestSuccess | TestFailure) & { testedAt?: string };

export interface PlatformConfig {
  /** A platform id of GET /platforms; null before the first save. */
  platform: string | null;
  apiUrl: string | null;
  /** Contract v1: the one key's hint (still answered for platforms whose secret is `apiKey`). */
  apiKeyHint?: string | null;
  /** Contract v2: non-secret values by field name, and `<secret>Hint` for each saved secret. */
  credentials?: Record<string, string | null> | null;
  lastTest: (TestResult & { testedAt: string; stale?: boolean }) | null;
  /** A sync found the saved key rejected after the last test (cleared by the next test or a new key). */
  keyRejected?: { at: string; runId: string; connectionId: string; contractName: string | null } | null;
}

export interface SavedPlatform {
  platform: string;
  apiUrl: string;
  apiKeyHint?: string | null;
  credentials?: Record<string, string | null> | null;
  /** Present when the save replaced a working configuration: the new credentials' passing test. */
  test?: TestResult;
}

// ---- Connections, configuration, mappings, sync ---------------------------

export type { FieldChoice, FieldDefinition } from '../../src/core/connector.ts';
export type { DescriptionBuilder, Direction, FieldMapping, Mappings, SideConfiguration, SyncFilter, TypeMapping } from '../../src/core/sync-config.ts';

export type Role = 'source' | 'target';
export type SyncState = 'initial_sync_required' | 'ready_for_automatic_sync';

export interface Partner {
  id: string;
  name: string;
}

export interface Connection {
  id: string;
  contractName: string;
  role: Role;
  partner: Partner | null;
  status: 'pending' | 'active';
  syncState: SyncState;
  automaticSync: boolean;
  createdAt: string;
  expiresAt: string | null;
  /** When the next scheduled run is due (automatic sync on); absent or null when not known. */
  nextRunAt?: string | null;
  /** The latest run of the connection (any trigger), when the API reports it. */
  lastRun?: LastRun | null;
  /** The automatic sync interval of this instance (SF_SYNC_INTERVAL_MINUTES). */
  intervalMinutes?: number;
  /** The state the Dashboard, the Connections list and this connection's page all show; null while pending. */
  state?: ConnectionState | null;
}

export type ConnectionState = 'initial_sync_required' | 'ready' | 'automatic' | 'paused' | 'failing';

/** A failed run's side at fault, worded for the reading organisation (GET /sync-runs/:id). */
export interface RunFailure {
  side: Role;
  kind: string;
  yours: boolean;
  organisation: string;
  message: string;
}

export interface LastRun {
  id?: string;
  status: RunStatus;
  trigger?: string;
  startedAt?: string;
  finishedAt?: string | null;
  counts?: { created: number; updated: number; closed: number; failed: number };
  error?: string | null;
}

/** Your side's webhook URL (a secret of your organisation). */
export interface WebhookInfo {
  url: string;
  /** How to set the hook up on the caller's platform (contract v2); older servers leave it out. */
  setup?: { steps: string[]; body: string | null; verification: string } | null;
  /** For platforms that sign their calls: the secret to enter there (rotating the URL replaces it). */
  signingSecret?: string;
  /** Why the platform cannot call the URL (set SF_PUBLIC_URL); null when it may. Older servers leave it out. */
  unreachable?: string | null;
  /** The URL's last call; null when none yet (or none since it was rotated). */
  lastEvent?: { receivedAt: string; accepted: boolean; reason: string | null } | null;
}

export interface CreatedConnection {
  id: string;
  role: Role;
  contractName: string;
  status: 'pending';
  verificationCode: string;
  expiresAt: string;
}

export interface AcceptedConnection {
  id: string;
  status: 'active';
  role: Role;
  contractName: string;
  partner: Partner;
  syncState: SyncState;
}

export interface ConfigurationResponse {
  connectionId: string;
  side: Role;
  configuration: SideConfiguration;
  /** v1: `apiKeyHint`; v2: `credentials` (non-secret values and `<secret>Hint`). */
  apiOverride: { apiUrl: string; apiKeyHint?: string | null; credentials?: Record<string, string | null> | null } | null;
  partner: Partner | null;
}

export interface FieldsSide {
  fields: FieldDefinition[];
  /** The side's platform id when its fields were read; older servers leave it out. */
  platform?: string;
  /** Ticket types the platform can create; null or absent: any. */
  creatableTypes?: string[] | null;
  error: { code: string; message: string } | null;
}

/** GET /connections/:id/workspaces: the caller's own account's workspaces (empty: the account has none). */
export interface Workspace {
  id: string;
  name: string;
  primary: boolean;
}

export interface WorkspacesResponse {
  workspaces: Workspace[];
  error: { code: string; message: string } | null;
}

export interface FieldsResponse {
  source: FieldsSide;
  target: FieldsSide;
}

export interface MappingsResponse {
  mappings: Mappings;
}

/** A change that writes into a side, waiting for that side's admin (issue 11 item 3). */
export interface ChangeProposal {
  id: string;
  kind: 'mappings' | 'reverse_sync';
  status: 'pending' | 'approved' | 'rejected' | 'withdrawn' | 'superseded';
  proposedBy: { side: Role; organisation: Partner; email: string };
  proposedAt: string;
  awaiting: { side: Role; organisation: Partner };
  /** What it would newly write, per side written into, in words. */
  writes: Record<Role, string[]>;
  proposed: unknown;
  replaces: string | null;
  decidedAt: string | null;
  decidedBy: { email: string } | null;
  canApprove: boolean;
  canWithdraw: boolean;
}

/** A PUT of mappings or configuration answered 202: saved as a proposal instead of applied. */
export interface Proposed {
  proposal?: ChangeProposal;
  message?: string;
}

export type RunStatus = 'running' | 'success' | 'partial' | 'failed' | 'no_tickets';
export type Outcome = 'created' | 'updated' | 'closed' | 'failed';

export interface StepCount {
  planned: number;
  done: number;
  failed: number;
}

/** Progress by step (issue 12 item 13); `yours` only on the run's own pages. */
export interface RunSteps {
  yours?: { listed: number; screened: number; keptBack: number; travelling: number };
  tickets: StepCount & { fromPartner: number | null };
  comments: StepCount;
  attachments: StepCount;
}

/** GET /tickets/find: where a ticket number appears in your connections. */
export interface FoundTicket {
  connectionId: string;
  contractName: string;
  partnerName: string | null;
  yourSide: Role;
  side: Role;
  ticketId: string;
  sourceTicketId: string | null;
  targetTicketId: string | null;
  linked: boolean;
  timelinePath: string;
}

export interface SyncRun {
  id: string;
  connectionId: string;
  trigger: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  counts: { created: number; updated: number; closed: number; failed: number };
  /** Set while a running sync waits for the platform's API budget (not an error). */
  waitingUntil?: string | null;
  waitingReason?: string | null;
  /** Live progress the engine writes while it runs (pushed by GET /sync-runs/:id/events). */
  progress?: {
    phase: 'listing changes' | 'screening tickets' | 'syncing tickets' | 'saving cursors' | null;
    ticketsSeen: number;
    ticketsDone: number;
    steps?: RunSteps;
  };
}

export interface SyncRunDetail {
  /** The row, for Retry (older servers leave it out). */
  id?: string;
  sourceTicketId: string | null;
  targetTicketId: string | null;
  outcome: Outcome;
  error: string | null;
  failedComments: number;
  failedAttachments: number;
  /** The worked ticket's subject (plain text), when it was read. */
  subject?: string | null;
  /** Opens the ticket in its platform: your own side's tickets, and the partner's while it shares ticket links. */
  sourceTicketUrl?: string | null;
  targetTicketUrl?: string | null;
  /** You may retry this failure: your own ticket's, or your partner's that your platform refused. */
  retryable?: boolean;
}

/** GET /sync-runs: a page of the history; pass nextCursor as cursor (same filters) for the next, older one. */
export interface SyncRunPage {
  runs: SyncRun[];
  nextCursor?: string | null;
}

export interface SyncRunWithDetails extends SyncRun {
  error: string | null;
  failure?: RunFailure | null;
  details: SyncRunDetail[];
}
