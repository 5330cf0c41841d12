import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { inviteMember, tokenOfUrl } from '../helpers/members.ts';
import { testDatabaseUrl } from '../helpers/postgres.ts';
import { usePostgresStack } from '../helpers/postgres-stack.ts';
import { signUpAndLogIn } from '../helpers/stack.ts';

/**
 * On a PostgreSQL server requests really run in parallel (a pool of connections, unlike the embedded
 * store's single one): the one-time link and the last-admin rule must hold under that too.
 */
describe.skipIf(!testDatabaseUrl)('members on a PostgreSQL server', () => {
  const pg = usePostgresStack();

  it('ten accepts of one link at once create exactly one user', async () => {
    const org = await signUpAndLogIn(pg.stack.app, 'pg-link');
    const inv = (await pg.stack.app.inject({ method: 'POST', url: '/api/v1/invitations', headers: org.auth, payload: { role: 'viewer' } })).json();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        pg.stack.app.inject({
          method: 'POST',
          url: `/api/v1/invitations/${tokenOfUrl(inv.url)}/accept`,
          payload: { email: `pg-racer${i}@example.com`, password: 'racing password 1' },
        }),
      ),
    );
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
    expect(results.filter((r) => r.statusCode === 404)).toHaveLength(9);
    const users = await sql<{ n: number }>`SELECT count(*)::int AS n FROM users WHERE email LIKE 'pg-racer%'`.execute(pg.stack.database.db);
    expect(users.rows[0]!.n).toBe(1);
  });

  it('two admins demoting or removing each other at once: one admin always stays', async () => {
    for (let round = 0; round < 5; round++) {
      const org = await signUpAndLogIn(pg.stack.app, `pg-duel${round}`);
      const second = await inviteMember(pg.stack.app, org.auth, 'admin', `pg-duel${round}-second`);
      const firstId = (await pg.stack.app.inject({ url: '/api/v1/me', headers: org.auth })).json().user.id;
      const results = await Promise.all([
        pg.stack.app.inject({ method: 'PATCH', url: `/api/v1/members/${second.id}`, headers: org.auth, payload: { role: 'viewer' } }),
        round % 2 === 0
          ? pg.stack.app.inject({ method: 'PATCH', url: `/api/v1/members/${firstId}`, headers: second.auth, payload: { role: 'member' } })
          : pg.stack.app.inject({ method: 'DELETE', url: `/api/v1/members/${firstId}`, headers: second.auth }),
      ]);
      // One wins. The other is refused: 409 (it would leave no admin) when both were admins as the
      // requests started, or 403 when the winner had already made it a non-admin before its turn.
      const codes = results.map((r) => r.statusCode).sort();
      expect(codes[0]).toBe(200);
      expect([403, 409]).toContain(codes[1]);
      const admins = await sql<{ n: number }>`SELECT count(*)::int AS n FROM users WHERE organisation_id = ${org.organisation.id} AND role = 'admin'`.execute(
        pg.stack.database.db,
      );
      expect(admins.rows[0]!.n).toBe(1);
    }
  });
});
