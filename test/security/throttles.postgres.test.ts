import { describe, expect, it } from 'vitest';
import type { ThrottleRule } from '../../src/core/throttle-policy.ts';
import { reserveAttempt, settleAttempt } from '../../src/db/repositories/throttles.ts';
import { testDatabaseUrl } from '../helpers/postgres.ts';
import { usePostgresStack } from '../helpers/postgres-stack.ts';
import { signUpAndLogIn } from '../helpers/stack.ts';

/**
 * On a PostgreSQL server several web processes (here: a pool of connections) count the same attempts at
 * the same moment: the counters must hold under real parallelism, which the embedded store (one
 * connection) never shows.
 */
describe.skipIf(!testDatabaseUrl)('throttles on a PostgreSQL server', () => {
  const pg = usePostgresStack();

  it('50 attempts at once against a limit of 5: exactly 5 are allowed', async () => {
    const rule: ThrottleRule = { name: 'pg-test-window', kind: 'window', limit: 5, windowMs: 60_000 };
    const results = await Promise.all(Array.from({ length: 50 }, () => reserveAttempt(pg.stack.database.db, [{ rule, subject: 'one' }])));
    expect(results.filter((r) => r.outcome === 'allowed')).toHaveLength(5);
    expect(results.filter((r) => r.outcome === 'wait')).toHaveLength(45);
  });

  it('an exclusive counter lets one attempt in at a time until it is released', async () => {
    const rule: ThrottleRule = { name: 'pg-test-exclusive', kind: 'progressive', free: 100, firstWaitMs: 1000, maxWaitMs: 1000, resetMs: 60_000 };
    const c = { rule, subject: 'account' };
    const results = await Promise.all(Array.from({ length: 20 }, () => reserveAttempt(pg.stack.database.db, [c], { exclusive: c, inFlightMs: 60_000 })));
    expect(results.filter((r) => r.outcome === 'allowed')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'in_flight')).toHaveLength(19);
    await settleAttempt(pg.stack.database.db, { release: c });
    expect((await reserveAttempt(pg.stack.database.db, [c], { exclusive: c })).outcome).toBe('allowed');
  });

  it('200 concurrent wrong log-ins from one address: at most 5 passwords are checked', async () => {
    const victim = await signUpAndLogIn(pg.stack.app, 'pgvictim');
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        pg.stack.app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: victim.email, password: `wrong ${i}` }, remoteAddress: '10.70.0.1' }),
      ),
    );
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(
      (
        await pg.stack.app.inject({
          method: 'POST',
          url: '/api/v1/session',
          payload: { email: victim.email, password: victim.password },
          remoteAddress: '10.70.0.2',
        })
      ).statusCode,
    ).toBe(200);
  });
});
