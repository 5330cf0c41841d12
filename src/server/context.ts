import type PgBoss from 'pg-boss';
import type { AppConfig } from '../config/env.ts';
import type { Resolver } from '../connector-kit/ssrf.ts';
import type { Db } from '../db/database.ts';
import type { UserWithOrganisation } from '../db/repositories/accounts.ts';
import type { SyncJobs } from '../sync/jobs.ts';

/** What routes need from the process: built once by server.ts (or a test) and passed to buildApp. */
export interface AppContext {
  config: AppConfig;
  db: Db;
  masterKey: Buffer;
  boss?: PgBoss;
  /** Where manual sync runs are handed over (pg-boss in production). */
  jobs?: SyncJobs;
  /** DNS resolver for the SSRF guard of platform requests (tests); the system resolver by default. */
  resolve?: Resolver;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: UserWithOrganisation | null;
  }
}
