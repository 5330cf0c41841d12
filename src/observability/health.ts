import { timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

export type Readiness = { ok: true } | { ok: false; reason: string };

/** Readiness: the database answers a query within `timeoutMs`. */
export async function checkReadiness(db: Db, timeoutMs = 5_000): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the database did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([sql`SELECT 1`.execute(db), timeout]);
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: `database: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

/** SF_METRICS_TOKEN: /metrics wants `Authorization: Bearer <token>`; no token configured, no check. */
export function metricsAuthorized(token: string | undefined, authorization: string | undefined): boolean {
  if (!token) return true;
  const m = /^Bearer (.+)$/i.exec(authorization ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
