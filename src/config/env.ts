import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import { parseSecretKey } from '../security/secret-key.ts';

// The environment is a contract (README "Configuration"): names here are never renamed, only added.
const DRY_RUN_SHARE_RULE =
  "must be a number above 0 and at most 1 (default 0.2): the share of each side's per-minute API budget a dry run may spend, e.g. 0.2 for 20%";
const RETENTION_RULE = 'must be a whole number of days from 7 to 3650 (default 90): how long sync history and ticket timelines are kept';
const boolFlag = z.enum(['1', '0', 'true', 'false', 'yes', 'no', '']).transform((v) => v === '1' || v === 'true' || v === 'yes');

export const EnvSchema = z.object({
  SF_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  SF_HOST: z.string().min(1).default('127.0.0.1'),
  SF_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  SF_SECRET_KEY: z
    .string()
    .refine((v) => canParseKey(v), 'must be 32 random bytes written as 64 hex characters or base64 (e.g. the output of `openssl rand -hex 32`)')
    .optional(),
  /** Earlier master keys, comma-separated: used only to decrypt while `support-fusion rotate-secret-key` moves values to SF_SECRET_KEY. */
  SF_SECRET_KEY_PREVIOUS: z
    .string()
    .refine((v) => v.split(',').every((k) => canParseKey(k)), 'must be one or more keys (64 hex characters or base64 each), separated by commas')
    .optional(),
  SF_ALLOW_PRIVATE_PLATFORM_URLS: boolFlag.default(false),
  SF_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SF_PLATFORM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  SF_ROLE: z.enum(['web', 'worker', 'all']).default('all'),
  SF_SYNC_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(60).default(5),
  SF_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  SF_SYNC_RUN_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(86_400).default(1800),
  /** PostgreSQL: a run whose worker has been silent (no heartbeat, connection lock free) this long is taken over. */
  SF_WORKER_TAKEOVER_SECONDS: z.coerce.number().int().min(3).max(3600).default(60),
  /** Start-up: how long to keep trying a PostgreSQL server that does not answer yet (0: exit at once). */
  SF_DATABASE_WAIT_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  SF_SCHEDULER_TICK_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  SF_QUEUE_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  SF_RATE_HEADROOM: z.coerce.number().min(0).max(0.9).default(0.2),
  /** The most of each side's per-minute API budget one dry run may spend; it stops and says where once it would spend more. */
  SF_DRY_RUN_BUDGET_SHARE: z.coerce.number({ error: DRY_RUN_SHARE_RULE }).gt(0, DRY_RUN_SHARE_RULE).max(1, DRY_RUN_SHARE_RULE).default(0.2),
  /** Pages one platform listing may have in a run (connector-kit/limits.ts): an endless listing ends the run, not the process. */
  SF_MAX_LIST_PAGES: z.coerce.number().int().min(1).max(100_000).default(1000),
  /** Megabytes one attachment may have, counted as it downloads (platforms allow up to 40 MB per ticket). */
  SF_MAX_ATTACHMENT_MB: z.coerce.number().int().min(1).max(40).default(25),
  SF_PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/i, 'must be an absolute http(s) URL such as https://sync.example.com')
    .refine((v) => !v.endsWith('/'), 'must not end with a slash')
    .refine((v) => URL.canParse(v), 'must be a valid URL')
    .optional(),
  SF_SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Serve /metrics and the health checks on this port, off the public one (web: with the cluster gauges; a worker: its only HTTP). */
  SF_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  /** When set, /metrics wants `Authorization: Bearer <token>`; on the public port /metrics exists only then. */
  SF_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Behind a reverse proxy: which proxies' X-Forwarded-For / -Proto / -Host to believe (off by default). */
  SF_TRUST_PROXY: z
    .string()
    .refine(
      (v) => parseTrustProxy(v) !== undefined,
      'must be true, false, a number of proxy hops (1 = the one proxy in front), or a comma-separated list of proxy addresses / CIDRs (e.g. 10.0.0.0/8,127.0.0.1; also loopback, linklocal, uniquelocal)',
    )
    .optional(),
  /** Who may create an organisation: anyone (open), partners with a sign-up link from an admin (invite), or the CLI only (closed). */
  SF_SIGNUP: z.enum(['open', 'invite', 'closed']).default('open'),
  /** The instance's Atlassian OAuth 2.0 (3LO) app (developer.atlassian.com): organisations may then connect with "Connect" instead of an API token. */
  SF_JIRA_OAUTH_CLIENT_ID: z
    .string()
    .regex(/^[\x21-\x7e]{8,200}$/, "must be the app's Client ID from developer.atlassian.com > your app > Settings (no spaces)")
    .optional(),
  SF_JIRA_OAUTH_CLIENT_SECRET: z
    .string()
    .regex(/^[\x21-\x7e]{8,500}$/, "must be the app's Secret from developer.atlassian.com > your app > Settings (no spaces)")
    .optional(),
  /** Where Atlassian's authorize and token endpoints are (default https://auth.atlassian.com; another only for a simulator). */
  SF_JIRA_OAUTH_AUTH_URL: z
    .string()
    .regex(/^https?:\/\/[^/?#\s]+$/i, 'must be an origin such as https://auth.atlassian.com (no path, no trailing slash)')
    .optional(),
  /** Where Atlassian's API gateway is, for OAuth calls (default https://api.atlassian.com; another only for a simulator). */
  SF_JIRA_API_GATEWAY_URL: z
    .string()
    .regex(/^https?:\/\/[^/?#\s]+$/i, 'must be an origin such as https://api.atlassian.com (no path, no trailing slash)')
    .optional(),
  /** Days sync runs, their details and ticket timelines are kept; older ones are pruned by the periodic maintenance. */
  SF_RETENTION_DAYS: z.coerce.number({ error: RETENTION_RULE }).int(RETENTION_RULE).min(7, RETENTION_RULE).max(3650, RETENTION_RULE).default(90),
});

/** SF_TRUST_PROXY as Fastify's `trustProxy` takes it; undefined for a value that is none of them. */
export function parseTrustProxy(value: string): boolean | number | string[] | undefined {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false' || v === 'no' || v === '0') return false;
  if (v === 'true' || v === 'yes') return true;
  // A hop count: "1" trusts only the proxy right in front (the last X-Forwarded-For entry), which
  // cannot be spoofed by a client sending its own X-Forwarded-For through that proxy.
  if (/^\d+$/.test(v)) return Number(v) >= 1 && Number(v) <= 32 ? Number(v) : undefined;
  const list = v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  return list.length > 0 && list.every(isProxyAddress) ? list : undefined;
}

function isProxyAddress(entry: string): boolean {
  if (entry === 'loopback' || entry === 'linklocal' || entry === 'uniquelocal') return true;
  const [address, prefix, ...rest] = entry.split('/');
  const kind = isIP(address ?? '');
  if (kind === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (/^\d+$/.test(prefix)) return Number(prefix) <= (kind === 4 ? 32 : 128);
  return kind === 4 && isIP(prefix) === 4;
}

function canParseKey(v: string): boolean {
  try {
    parseSecretKey(v);
    return true;
  } catch {
    return false;
  }
}

/** Secrets may come from a file instead (Docker/Kubernetes secrets): `<NAME>_FILE=/run/secrets/...`. */
export const FILE_VARIABLES = ['SF_SECRET_KEY', 'SF_SECRET_KEY_PREVIOUS', 'DATABASE_URL', 'SF_METRICS_TOKEN', 'SF_JIRA_OAUTH_CLIENT_SECRET'] as const;

/**
 * Settings platforms read themselves (manifest `oauth.instanceClient`, a connector's endpoints), handed to
 * them by name as `platformSettings`; the variables that come as a pair must both be set.
 */
export const PLATFORM_SETTING_VARIABLES = [
  'SF_JIRA_OAUTH_CLIENT_ID',
  'SF_JIRA_OAUTH_CLIENT_SECRET',
  'SF_JIRA_OAUTH_AUTH_URL',
  'SF_JIRA_API_GATEWAY_URL',
] as const;
const PAIRED_VARIABLES: ReadonlyArray<readonly [string, string]> = [['SF_JIRA_OAUTH_CLIENT_ID', 'SF_JIRA_OAUTH_CLIENT_SECRET']];
const SECRET_VARIABLES = new Set<string>(FILE_VARIABLES);

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  secretKey: string | undefined;
  allowPrivatePlatformUrls: boolean;
  logLevel: z.infer<typeof EnvSchema>['SF_LOG_LEVEL'];
  platformTimeoutMs: number;
  /** web: HTTP only; worker: sync jobs only; all: both (the single-process default). */
  role: 'web' | 'worker' | 'all';
  syncIntervalMinutes: number;
  workerConcurrency: number;
  syncRunTimeoutSeconds: number;
  /** PostgreSQL: seconds of silence (stale run heartbeat, free connection lock) after which a worker's run is taken over. */
  workerTakeoverSeconds: number;
  /** Start-up: seconds to keep retrying (with backoff) a PostgreSQL server that is not reachable yet. */
  databaseWaitSeconds: number;
  schedulerTickSeconds: number;
  queueMaintenanceSeconds: number;
  /** Share of each platform account's per-minute API limit left unused for the customer's own agents and apps (0–0.9). */
  rateHeadroom: number;
  /** SF_DRY_RUN_BUDGET_SHARE: share (0–1] of each side's per-minute API budget one dry run may spend (default 0.2). */
  dryRunBudgetShare?: number;
  /** SF_MAX_LIST_PAGES: a listing longer than this fails the run with that reason. */
  maxListPages: number;
  /** SF_MAX_ATTACHMENT_MB in bytes: an attachment that sends more is stopped and not copied. */
  maxAttachmentBytes: number;
  /** Where people and platforms reach this server (webhook URLs), e.g. https://sync.example.com; unset: taken from each request. */
  publicUrl: string | undefined;
  /** Earlier master keys, decryption only (key rotation). */
  previousSecretKeys: string[];
  /** SIGTERM/SIGINT: in-flight sync jobs get this long to finish, then they are released and the process exits. */
  shutdownTimeoutSeconds: number;
  /** Port of the /metrics and health server beside the public one (web and workers; undefined: none). */
  metricsPort: number | undefined;
  metricsToken: string | undefined;
  /** Fastify's trustProxy (SF_TRUST_PROXY): false, true, a hop count, or proxy addresses / CIDRs. */
  trustProxy: boolean | number | string[];
  /** Sign-up of new organisations: open to anyone, by a one-time link an admin issued (invite), or closed (CLI only). */
  signup: 'open' | 'invite' | 'closed';
  /** SF_RETENTION_DAYS: runs, run details and timeline events older than this are pruned. */
  retentionDays: number;
  /** The PLATFORM_SETTING_VARIABLES that are set, by name (platforms read theirs: an instance OAuth app, endpoints). */
  platformSettings: Record<string, string>;
}

export class ConfigError extends Error {}

/** Parses the environment once at start-up; a bad value stops the process with a message naming it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const picked: Record<string, string> = Object.fromEntries(
    Object.keys(EnvSchema.shape).flatMap((k) => (env[k] === undefined || env[k] === '' ? [] : [[k, env[k]]])),
  );
  const problems: string[] = [];
  for (const name of FILE_VARIABLES) {
    const file = env[`${name}_FILE`];
    if (!file) continue;
    if (picked[name] !== undefined) {
      problems.push(`  ${name}_FILE: ${name} is set too; set only one of them`);
      continue;
    }
    try {
      const value = readFileSync(file, 'utf8').trim();
      if (value === '') problems.push(`  ${name}_FILE: the file ${file} is empty; put the value of ${name} in it`);
      else picked[name] = value;
    } catch (err) {
      problems.push(
        `  ${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the path and that this user may read it`,
      );
    }
  }
  const parsed = EnvSchema.safeParse(picked);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const name = String(i.path[0]);
      // Secrets are never echoed: a URL with a password or a key would end up in the logs.
      const got = SECRET_VARIABLES.has(name) ? `a value of ${picked[name]?.length ?? 0} characters` : JSON.stringify(picked[name]);
      problems.push(`  ${name}: ${i.message} (got ${got})`);
    }
  }
  for (const [a, b] of PAIRED_VARIABLES) {
    if ((picked[a] === undefined) !== (picked[b] === undefined))
      problems.push(`  ${picked[a] === undefined ? a : b}: must be set too when ${picked[a] === undefined ? b : a} is (they come as a pair)`);
  }
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}\nEvery setting is described in docs/configuration.md.`);
  }
  const e = parsed.data;
  return {
    port: e.SF_PORT,
    host: e.SF_HOST,
    dataDir: resolve(e.SF_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    secretKey: e.SF_SECRET_KEY,
    allowPrivatePlatformUrls: e.SF_ALLOW_PRIVATE_PLATFORM_URLS,
    logLevel: e.SF_LOG_LEVEL,
    platformTimeoutMs: e.SF_PLATFORM_TIMEOUT_MS,
    role: e.SF_ROLE,
    syncIntervalMinutes: e.SF_SYNC_INTERVAL_MINUTES,
    workerConcurrency: e.SF_WORKER_CONCURRENCY,
    syncRunTimeoutSeconds: e.SF_SYNC_RUN_TIMEOUT_SECONDS,
    workerTakeoverSeconds: e.SF_WORKER_TAKEOVER_SECONDS,
    databaseWaitSeconds: e.SF_DATABASE_WAIT_SECONDS,
    schedulerTickSeconds: e.SF_SCHEDULER_TICK_SECONDS,
    queueMaintenanceSeconds: e.SF_QUEUE_MAINTENANCE_SECONDS,
    rateHeadroom: e.SF_RATE_HEADROOM,
    dryRunBudgetShare: e.SF_DRY_RUN_BUDGET_SHARE,
    maxListPages: e.SF_MAX_LIST_PAGES,
    maxAttachmentBytes: e.SF_MAX_ATTACHMENT_MB * 1024 * 1024,
    publicUrl: e.SF_PUBLIC_URL,
    previousSecretKeys: e.SF_SECRET_KEY_PREVIOUS ? e.SF_SECRET_KEY_PREVIOUS.split(',').map((k) => k.trim()) : [],
    shutdownTimeoutSeconds: e.SF_SHUTDOWN_TIMEOUT_SECONDS,
    metricsPort: e.SF_METRICS_PORT,
    metricsToken: e.SF_METRICS_TOKEN,
    trustProxy: e.SF_TRUST_PROXY === undefined ? false : parseTrustProxy(e.SF_TRUST_PROXY)!,
    signup: e.SF_SIGNUP,
    retentionDays: e.SF_RETENTION_DAYS,
    platformSettings: Object.fromEntries(PLATFORM_SETTING_VARIABLES.flatMap((k) => (e[k] === undefined ? [] : [[k, e[k]]]))),
  };
}
