import { resolve } from 'node:path';
import { z } from 'zod';

// The environment is a contract (README "Configuration"): names here are never renamed, only added.
const boolFlag = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

export const EnvSchema = z.object({
  SF_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  SF_HOST: z.string().min(1).default('127.0.0.1'),
  SF_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  SF_SECRET_KEY: z.string().optional(),
  SF_ALLOW_PRIVATE_PLATFORM_URLS: boolFlag.default(false),
  SF_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SF_PLATFORM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  SF_ROLE: z.enum(['web', 'worker', 'all']).default('all'),
  SF_SYNC_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(60).default(5),
  SF_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  SF_SYNC_RUN_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(86_400).default(1800),
  SF_SCHEDULER_TICK_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  SF_QUEUE_MAINTENANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  SF_RATE_HEADROOM: z.coerce.number().min(0).max(0.9).default(0.2),
  SF_PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/i, 'must be an absolute http(s) URL such as https://sync.example.com')
    .refine((v) => !v.endsWith('/'), 'must not end with a slash')
    .refine((v) => URL.canParse(v), 'must be a valid URL')
    .optional(),
});

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
  schedulerTickSeconds: number;
  queueMaintenanceSeconds: number;
  /** Share of each platform account's per-minute API limit left unused for the customer's own agents and apps (0–0.9). */
  rateHeadroom: number;
  /** Where people and platforms reach this server (webhook URLs), e.g. https://sync.example.com; unset: taken from each request. */
  publicUrl: string | undefined;
}

export class ConfigError extends Error {}

/** Parses the environment once at start-up; a bad value stops the process with a message naming it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const picked = Object.fromEntries(
    Object.keys(EnvSchema.shape).flatMap((k) => (env[k] === undefined || env[k] === '' ? [] : [[k, env[k]]])),
  );
  const parsed = EnvSchema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message} (got ${JSON.stringify(picked[String(i.path[0])])})`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
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
    schedulerTickSeconds: e.SF_SCHEDULER_TICK_SECONDS,
    queueMaintenanceSeconds: e.SF_QUEUE_MAINTENANCE_SECONDS,
    rateHeadroom: e.SF_RATE_HEADROOM,
    publicUrl: e.SF_PUBLIC_URL,
  };
}
