import { PlatformError, type PlatformWorkspace } from '../core/connector.ts';
import type { WorkspaceChoice } from '../core/sync-config.ts';
import { checkWorkspaceChoice, sameWorkspaceChoice } from '../core/workspaces.ts';
import { platformName } from '../connectors/registry.ts';
import { BudgetUnavailableError, withMaxWait } from '../connector-kit/rate-gate.ts';
import type { ConnectionRecord, Side, SideRecord } from '../db/repositories/connections.ts';
import { getOverrideCredentials, getPlatformConfig, openCredentials } from '../db/repositories/platform-configs.ts';
import {
  connectorFor,
  credentialFingerprintOf,
  credentialsFor,
  defaultPlatformId,
  rateBudgetOf,
  sideCredentials,
  type SideConnectorContext,
  type SideCredentials,
} from '../sync/side-connector.ts';
import { ApiError } from './errors.ts';

export type WorkspacesResult = { workspaces: PlatformWorkspace[]; error: null | { code: string; message: string } };

/** Workspaces change rarely; the configuration page asks on every visit. */
const FRESH_MS = 5 * 60_000;
const FAILED_MS = 30_000;
/** A person waits for the page: a longer budget wait answers rate_limited instead. */
const MAX_BUDGET_WAIT_MS = 10_000;
const MAX_ENTRIES = 1_000;

async function readWorkspaces(ctx: SideConnectorContext, creds: SideCredentials, orgName: string): Promise<WorkspacesResult> {
  try {
    // The choice itself must not narrow the list it is made from.
    const connector = await connectorFor(ctx, { ...creds, workspaces: undefined }, { rateGate: withMaxWait(rateBudgetOf(ctx), MAX_BUDGET_WAIT_MS) });
    return { workspaces: connector.listWorkspaces ? await connector.listWorkspaces() : [], error: null };
  } catch (err) {
    if (err instanceof BudgetUnavailableError) return failed('rate_limited', `${orgName}'s workspaces cannot be loaded right now: ${err.message}.`);
    if (err instanceof PlatformError) return failed(err.kind, `${orgName}'s platform could not be reached for its workspaces: ${err.message}`);
    return failed('platform_error', `${orgName}'s workspaces could not be loaded: ${(err as Error).message}`);
  }
}

function failed(code: string, message: string): WorkspacesResult {
  return { workspaces: [], error: { code, message } };
}

/**
 * The workspaces of one side's account (its own credentials: API override, else platform settings),
 * through a per-process cache keyed like the fields cache (credential and when settings were saved).
 */
export function sideWorkspacesLoader(ctx: SideConnectorContext, opts: { now?: () => number } = {}) {
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { expires: number; value: Promise<WorkspacesResult> }>();
  return async function loadWorkspaces(c: ConnectionRecord, side: Side): Promise<WorkspacesResult> {
    const org = c[side];
    if (!org) return failed('partner_not_connected', 'The partner has not accepted the connection yet.');
    let creds;
    try {
      creds = await sideCredentials(ctx.db, ctx.masterKey, c.id, side);
    } catch (err) {
      return failed(
        'credentials_unreadable',
        `${org.name}'s saved credentials cannot be read (${(err as Error).message}); its admin should save the platform settings again.`,
      );
    }
    if (!creds) return failed('not_configured', `${org.name} has not set up its helpdesk platform yet (Settings > Platform), so its workspaces are not known.`);
    const key = [creds.organisationId, creds.platform, credentialFingerprintOf(creds.apiUrl, creds.secret), creds.settingsSavedAt?.getTime() ?? 0].join('|');
    const t = now();
    const hit = cache.get(key);
    if (hit && hit.expires > t) return hit.value;
    if (cache.size >= MAX_ENTRIES) for (const [k, e] of cache) if (e.expires <= t || cache.size >= MAX_ENTRIES) cache.delete(k);
    const entry = { expires: Infinity, value: readWorkspaces(ctx, creds, org.name) };
    cache.set(key, entry);
    void entry.value.then((r) => {
      entry.expires = now() + (r.error ? FAILED_MS : FRESH_MS);
    });
    return entry.value;
  };
}

const chooses = (c: WorkspaceChoice | undefined) => c !== undefined && (c.ids.length > 0 || c.createIn !== null);

/**
 * Before a side's configuration is saved: a workspace choice that is new (or meets new credentials) is
 * checked against the account's live workspaces, read with the credentials the side will use. Throws
 * 400 invalid_workspace (field = its path) or 409 workspaces_unavailable; nothing is saved then.
 */
export async function checkWorkspacesOnSave(
  ctx: SideConnectorContext,
  input: {
    current: SideRecord;
    choice: WorkspaceChoice | undefined;
    apiOverride: SideRecord['apiOverride'];
    /** The override's credential fields as they will be saved (read from the stored override when absent). */
    overrideFields?: Record<string, string> | undefined;
    orgName: string;
  },
): Promise<void> {
  const { current, choice, apiOverride } = input;
  if (!chooses(choice)) return;
  const sameOverride = JSON.stringify(current.apiOverride) === JSON.stringify(apiOverride);
  if (sameWorkspaceChoice(current.configuration.workspaces, choice) && sameOverride) return;
  const platform = await getPlatformConfig(ctx.db, current.organisationId);
  const unavailable = (why: string) =>
    new ApiError(409, 'workspaces_unavailable', `Your workspace choice cannot be checked: ${why} Nothing was saved.`, { field: 'configuration.workspaces' });
  const open = (read: () => Record<string, string>) => {
    try {
      return read();
    } catch (err) {
      throw unavailable(`the saved credentials cannot be read (${(err as Error).message}); save the platform settings again.`);
    }
  };
  let creds: SideCredentials;
  if (apiOverride) {
    const platformId = platform?.platform ?? defaultPlatformId();
    const stored = input.overrideFields ? null : await getOverrideCredentials(ctx.db, current.connectionId, current.side);
    const fields = input.overrideFields ?? (stored ? open(() => openCredentials(ctx.masterKey, stored.credentials, current.organisationId)) : {});
    creds = {
      platform: platformId,
      apiUrl: apiOverride.apiUrl,
      ...credentialsFor(platformId, fields),
      organisationId: current.organisationId,
      settingsSavedAt: null,
    };
  } else if (platform) {
    const fields = open(() => openCredentials(ctx.masterKey, platform.credentials, current.organisationId));
    creds = {
      platform: platform.platform,
      apiUrl: platform.apiUrl,
      ...credentialsFor(platform.platform, fields),
      organisationId: current.organisationId,
      settingsSavedAt: platform.updatedAt,
    };
  } else {
    throw unavailable('your helpdesk platform is not set up yet (Settings > Platform).');
  }
  const read = await readWorkspaces(ctx, creds, input.orgName);
  if (read.error) throw unavailable(read.error.message);
  const problem = checkWorkspaceChoice(choice!, read.workspaces, platformName(creds.platform));
  if (problem) throw new ApiError(400, 'invalid_workspace', problem.message, { field: problem.field });
}
