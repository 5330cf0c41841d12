import { createHash, randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_ALPHABET, CODE_BITS, CODE_LENGTH, generateVerificationCode, normaliseVerificationCode } from '../../src/core/verification-code.ts';
import { buildApp } from '../../src/server/app.ts';
import { HOOK_FAILURES_PER_MINUTE } from '../../src/server/routes/webhooks.routes.ts';
import { loadMasterKey } from '../../src/security/secret-key.ts';
import { counterKey } from '../../src/db/repositories/throttles.ts';
import { HOOK_CALLS_PER_MINUTE, LOGIN_PER_ACCOUNT, LOGIN_PER_ACCOUNT_AND_ADDRESS } from '../../src/server/throttles.ts';
import { savePlatform, signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

/**
 * Secrets people or platforms type or paste: connection verification codes (100 bits, 10 wrong tries
 * per organisation per 15 minutes) and webhook URL tokens (256 bits, unknown tokens throttled per
 * address). Guessing either is hopeless; these tests pin the numbers and the throttles.
 */

/**
 * Counts the statements the app sends, so a test can see which path a request took. The throttles'
 * own statements (their counters are in the database) are not lookups and are left out.
 */
class QueryCounter implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (!JSON.stringify(args.node).includes('"auth_throttles"')) this.count++;
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

let stack: TestStack;
let app: FastifyInstance;
const counter = new QueryCounter();
const queued: string[] = [];

beforeAll(async () => {
  stack = await startStack({ listen: false });
  const masterKey = await loadMasterKey(stack.config.secretKey, stack.config.dataDir);
  app = await buildApp(
    {
      config: stack.config,
      db: stack.database.db.withPlugin(counter),
      masterKey,
      jobs: { ...stack.jobs, enqueueConnection: async (id: string) => void queued.push(id) },
    },
    { logger: false },
  );
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await stack?.close();
});

type Org = Awaited<ReturnType<typeof signUpAndLogIn>>;
const create = async (org: Org, contractName = 'Brute') => {
  await savePlatform(app, org);
  return (await app.inject({ method: 'POST', url: '/api/v1/connections', headers: org.auth, payload: { role: 'source', contractName } })).json();
};
const accept = (org: Org, verificationCode: string) =>
  app.inject({ method: 'POST', url: '/api/v1/connections/accept', headers: org.auth, payload: { verificationCode } });

describe('verification codes', () => {
  it('carry 100 bits: 20 characters of a 32-symbol alphabet, every random bit reaching the code', () => {
    expect(new Set(CODE_ALPHABET).size).toBe(32);
    expect(CODE_LENGTH).toBe(20);
    expect(CODE_BITS).toBe(100);
    expect(CODE_LENGTH * Math.log2(CODE_ALPHABET.length)).toBe(100);
    const bytes = Math.ceil(CODE_BITS / 8);
    const zero = Buffer.alloc(bytes);
    const base = generateVerificationCode(() => Buffer.from(zero));
    // Flipping any one of the first 100 random bits changes the code: none is dropped or folded.
    const seen = new Set([base]);
    for (let bit = 0; bit < CODE_BITS; bit++) {
      const b = Buffer.from(zero);
      b[bit >> 3]! ^= 0x80 >> (bit & 7);
      const code = generateVerificationCode(() => b);
      expect(code, `bit ${bit}`).not.toBe(base);
      seen.add(code);
    }
    expect(seen.size).toBe(CODE_BITS + 1);
  });

  it('are uniformly distributed and never repeat (5,000 codes)', () => {
    const n = 5000;
    const codes = Array.from({ length: n }, () => normaliseVerificationCode(generateVerificationCode())!);
    expect(new Set(codes).size).toBe(n);
    // Chi-square per position over 32 symbols (31 degrees of freedom): p < 1e-6 above 80.
    for (let pos = 0; pos < CODE_LENGTH; pos++) {
      const counts = new Map<string, number>();
      for (const c of codes) counts.set(c[pos]!, (counts.get(c[pos]!) ?? 0) + 1);
      const expected = n / 32;
      const chi2 = [...CODE_ALPHABET].reduce((sum, ch) => sum + ((counts.get(ch) ?? 0) - expected) ** 2 / expected, 0);
      expect(chi2, `position ${pos}`).toBeLessThan(80);
    }
  });

  it('the API hands out such a code and stores only its hash', async () => {
    const org = await signUpAndLogIn(app, 'codeshape');
    const c = await create(org);
    expect(c.verificationCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    const row = await stack.database.db.selectFrom('connections').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(normaliseVerificationCode(c.verificationCode));
    expect(JSON.stringify(row)).not.toContain(c.verificationCode);
  });

  it('after 10 wrong codes an organisation gets 429 (even for the right code) for 15 minutes; others are not affected', async () => {
    const owner = await signUpAndLogIn(app, 'codeowner');
    const guesser = await signUpAndLogIn(app, 'codeguesser');
    const partner = await signUpAndLogIn(app, 'codepartner');
    const target = await create(owner, 'Target of guessing');
    const statuses: number[] = [];
    // Wrong codes of every kind count: well-formed, mistyped, and of the wrong length.
    const guesses = [...Array.from({ length: 8 }, () => generateVerificationCode()), 'not a code', 'ABCD'];
    for (const g of guesses) statuses.push((await accept(guesser, g)).statusCode);
    expect(statuses).toEqual(Array(10).fill(400));
    const throttled = await accept(guesser, target.verificationCode);
    expect(throttled.statusCode).toBe(429);
    expect(throttled.json().error.code).toBe('too_many_attempts');
    const wait = Number(throttled.headers['retry-after']);
    expect(wait).toBeGreaterThan(14 * 60);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    // The guess was not looked at: the connection is still pending, and the rightful partner can use the code.
    expect((await accept(partner, target.verificationCode)).statusCode).toBe(200);
  });

  it('so guessing is hopeless: even a million organisations guessing for a year against a million open codes', () => {
    const perOrgPerYear = 10 * 4 * 24 * 365; // 10 tries per 15 minutes
    const orgs = 1e6;
    const openCodes = 1e6;
    const pSuccess = (perOrgPerYear * orgs * openCodes) / 2 ** CODE_BITS;
    expect(pSuccess).toBeLessThan(1e-12);
  });
});

describe('webhook tokens', () => {
  let owner: Org;
  let connectionId: string;
  let token: string;
  const hook = (t: string, remoteAddress = '127.0.0.1', payload: unknown = { ticket_id: 42 }) =>
    app.inject({ method: 'POST', url: `/api/v1/hooks/freshservice/${t}`, payload: payload as object, remoteAddress });

  beforeAll(async () => {
    owner = await signUpAndLogIn(app, 'hookowner');
    const partner = await signUpAndLogIn(app, 'hookpartner');
    const c = await create(owner, 'Hooks');
    connectionId = c.id;
    expect((await accept(partner, c.verificationCode)).statusCode).toBe(200);
    token = new URL((await app.inject({ url: `/api/v1/connections/${connectionId}/webhook`, headers: owner.auth })).json().url).pathname.split('/').pop()!;
  });

  it('carry 256 random bits and are replaced on rotation', async () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const rotated = new URL(
      (await app.inject({ method: 'POST', url: `/api/v1/connections/${connectionId}/webhook/rotate`, headers: owner.auth })).json().url,
    ).pathname
      .split('/')
      .pop()!;
    expect(rotated).not.toBe(token);
    expect(Buffer.from(rotated, 'base64url')).toHaveLength(32);
    expect((await hook(token, '10.20.0.1')).statusCode).toBe(404);
    expect((await hook(rotated, '10.20.0.1')).statusCode).toBe(202);
    token = rotated;
    // Only hashes and an encrypted copy are stored.
    const row = await stack.database.db.selectFrom('connection_sides').selectAll().where('connection_id', '=', connectionId).execute();
    expect(JSON.stringify(row)).not.toContain(token);
    expect(JSON.stringify(row)).toContain(createHash('sha256').update(token).digest('hex'));
  });

  it('wrong tokens all get the same 404, down the same path (one lookup by hash), whatever they look like', async () => {
    const near = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'); // one character off
    const wellFormed = [near, ...Array.from({ length: 20 }, () => randomBytes(32).toString('base64url'))];
    const bodies = new Set<string>();
    for (const [i, t] of wellFormed.entries()) {
      const before = counter.count;
      const r = await hook(t, `10.21.0.${i + 1}`);
      expect(r.statusCode).toBe(404);
      expect(counter.count - before, 'one database lookup per well-formed token').toBe(1);
      bodies.add(r.body);
    }
    for (const [i, t] of ['x', token.slice(0, 42), `${token}A`, '%00', 'A'.repeat(99), '..%2F..%2Fetc'].entries()) {
      const r = await hook(t, `10.22.0.${i + 1}`);
      expect(r.statusCode, t).toBe(404);
      bodies.add(r.body);
    }
    expect(bodies.size).toBe(1);
    expect(JSON.parse([...bodies][0]!).error.code).toBe('not_found');
    // Past Fastify's parameter length the router refuses the URL itself (414), in the same error shape.
    const long = await hook('A'.repeat(200), '10.22.1.1');
    expect(long.statusCode).toBe(414);
    expect(long.json().error).toMatchObject({ code: 'uri_too_long', message: expect.any(String) });
    expect(long.body).not.toContain('AAAA');
  });

  it(`after ${HOOK_FAILURES_PER_MINUTE} unknown tokens in a minute an address gets 429 for every token; other addresses are unaffected`, async () => {
    const scanner = '10.23.0.9';
    const statuses = new Set<number>();
    for (let i = 0; i < HOOK_FAILURES_PER_MINUTE; i++) statuses.add((await hook(randomBytes(32).toString('base64url'), scanner)).statusCode);
    expect([...statuses]).toEqual([404]);
    const before = counter.count;
    const refused = await hook(randomBytes(32).toString('base64url'), scanner);
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error.code).toBe('too_many_attempts');
    const wait = Number(refused.headers['retry-after']);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    // A throttled address is refused before any lookup: even the right token does not get through from there.
    expect(counter.count).toBe(before);
    expect((await hook(token, scanner)).statusCode).toBe(429);
    queued.length = 0;
    expect((await hook(token, '10.23.0.10')).statusCode).toBe(202);
    expect(queued).toEqual([connectionId]);
  });

  it('so guessing is hopeless: every IPv4 address guessing at the limit for a century', () => {
    const triesPerCentury = 2 ** 32 * HOOK_FAILURES_PER_MINUTE * 60 * 24 * 365 * 100;
    expect(triesPerCentury / 2 ** 256).toBeLessThan(1e-50);
  });
});

describe('log-in guessing', () => {
  const login = (email: string, password: string, remoteAddress: string) =>
    app.inject({ method: 'POST', url: '/api/v1/session', payload: { email, password }, remoteAddress });
  /** Pretends `ms` have passed for a counter: its latest attempt (and window) moved back. */
  const age = async (key: string, ms: number) => {
    const db = stack.database.db;
    const row = await db.selectFrom('auth_throttles').selectAll().where('key', '=', key).executeTakeFirstOrThrow();
    await db
      .updateTable('auth_throttles')
      .set({ last_at: new Date(row.last_at.getTime() - ms), window_start: new Date(row.window_start.getTime() - ms) })
      .where('key', '=', key)
      .execute();
  };
  const pairKey = (email: string, address: string) => counterKey({ rule: LOGIN_PER_ACCOUNT_AND_ADDRESS, subject: `${email.toLowerCase()}\n${address}` });
  /** Checked answers: 401 (wrong) or 200 (logged in); 429 means the password was not looked at. */
  const checked = (statuses: number[]) => statuses.filter((s) => s !== 429).length;

  it('200 concurrent guesses from one address, the right one last: at most 5 are checked, none logs in; another address logs in at once', async () => {
    const victim = await signUpAndLogIn(app, 'loginvictim');
    const attacker = '10.30.0.1';
    const guesses = [...Array.from({ length: 199 }, (_, i) => `wrong guess number ${i}`), victim.password];
    const answers = await Promise.all(guesses.map((g) => login(victim.email, g, attacker)));
    const statuses = answers.map((a) => a.statusCode);
    expect(
      statuses.filter((s) => s !== 401 && s !== 429),
      'only 401 and 429',
    ).toEqual([]);
    let evaluated = checked(statuses);
    expect(evaluated).toBeGreaterThanOrEqual(1);
    expect(evaluated).toBeLessThanOrEqual(5);
    expect(answers.at(-1)!.statusCode, 'the right password, sent among the guesses').toBe(429);
    // Refused attempts say why, and when to come back.
    const refused = answers.filter((a) => a.statusCode === 429);
    for (const r of refused) {
      expect(['login_in_progress', 'too_many_attempts']).toContain(r.json().error.code);
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(refused.find((r) => r.json().error.code === 'login_in_progress')!.json().error.message).toMatch(/Another log-in to this account is being checked/);

    // More bursts until the address has used its 5 free attempts: still never more than 5 checked in all.
    for (let burst = 0; burst < 10 && evaluated < 5; burst++) {
      evaluated += checked(
        (await Promise.all(Array.from({ length: 20 }, (_, i) => login(victim.email, `burst ${burst} guess ${i}`, attacker)))).map((a) => a.statusCode),
      );
    }
    expect(evaluated).toBe(5);
    // Over the limit: 200 concurrent tries of the right password from that address, none gets in.
    const right = await Promise.all(Array.from({ length: 200 }, () => login(victim.email, victim.password, attacker)));
    expect(new Set(right.map((a) => a.statusCode))).toEqual(new Set([429]));
    const wait = Number(right.find((a) => a.json().error.code === 'too_many_attempts')!.headers['retry-after']);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(30);

    // The rightful user, from their own address, is not slowed down by the stranger.
    const own = await login(victim.email, victim.password, '10.30.0.2');
    expect(own.statusCode).toBe(200);
  });

  it('the wait after the 5th failure doubles with each further one; a success clears the count for that address', async () => {
    const victim = await signUpAndLogIn(app, 'loginprogressive');
    const from = '10.31.0.1';
    const key = pairKey(victim.email, from);
    for (let i = 0; i < 5; i++) expect((await login(victim.email, `wrong ${i}`, from)).statusCode).toBe(401);
    const first = await login(victim.email, 'wrong 5', from);
    expect(first.statusCode).toBe(429);
    expect(first.json().error).toMatchObject({ code: 'too_many_attempts', message: expect.stringMatching(/Too many failed log-ins\. Try again in \d+ s\./) });
    expect(Number(first.headers['retry-after'])).toBeGreaterThan(25);
    expect(Number(first.headers['retry-after'])).toBeLessThanOrEqual(30);
    await age(key, 30_000);
    expect((await login(victim.email, 'wrong 6', from)).statusCode).toBe(401);
    const second = await login(victim.email, 'wrong 7', from);
    expect(second.statusCode).toBe(429);
    expect(Number(second.headers['retry-after'])).toBeGreaterThan(55);
    expect(Number(second.headers['retry-after'])).toBeLessThanOrEqual(60);
    await age(key, 60_000);
    expect((await login(victim.email, victim.password, from)).statusCode).toBe(200);
    // Cleared: five free attempts again.
    for (let i = 0; i < 5; i++) expect((await login(victim.email, `again ${i}`, from)).statusCode).toBe(401);
    expect((await login(victim.email, 'again 5', from)).statusCode).toBe(429);
  });

  it('guesses from many addresses meet a looser per-account ceiling, whose wait is short (30 s after the 20th failure)', async () => {
    const victim = await signUpAndLogIn(app, 'logindistributed');
    for (let i = 0; i < 20; i++) expect((await login(victim.email, `spread ${i}`, `10.32.0.${i + 1}`)).statusCode).toBe(401);
    const blocked = await login(victim.email, victim.password, '10.32.1.1');
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(30);
    await age(counterKey({ rule: LOGIN_PER_ACCOUNT, subject: victim.email.toLowerCase() }), 30_000);
    expect((await login(victim.email, victim.password, '10.32.1.1')).statusCode).toBe(200);
  });

  it('an unknown e-mail gets the same answers as a wrong password, throttle included', async () => {
    const known = await signUpAndLogIn(app, 'loginsame');
    const unknown = 'nobody-here@example.com';
    const run = async (email: string, address: string) => {
      const out: Array<[number, string]> = [];
      for (let i = 0; i < 6; i++) {
        const r = await login(email, `not the password ${i}`, address);
        out.push([r.statusCode, JSON.stringify({ ...r.json().error, message: r.json().error.message.replace(/\d+ s/, 'N s') })]);
      }
      return out;
    };
    const a = await run(known.email, '10.33.0.1');
    const b = await run(unknown, '10.33.0.2');
    expect(a).toEqual(b);
    expect(a.map(([s]) => s)).toEqual([401, 401, 401, 401, 401, 429]);
  });
});

describe('webhook calls per URL', () => {
  it(`a burst of 200 calls with made-up ticket ids: at most ${HOOK_CALLS_PER_MINUTE} are accepted, the rest 429 with Retry-After; other URLs are unaffected`, async () => {
    const owner = await signUpAndLogIn(app, 'burstowner');
    const partner = await signUpAndLogIn(app, 'burstpartner');
    const urlOf = async (org: Org, id: string) =>
      new URL((await app.inject({ url: `/api/v1/connections/${id}/webhook`, headers: org.auth })).json().url).pathname.split('/').pop()!;
    const connect = async (name: string) => {
      const c = await create(owner, name);
      expect((await accept(partner, c.verificationCode)).statusCode).toBe(200);
      return c.id as string;
    };
    const flooded = await connect('Flooded');
    const other = await connect('Quiet');
    const token = await urlOf(owner, flooded);
    // From many addresses: the limit is the URL's, not the caller's.
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        app.inject({
          method: 'POST',
          url: `/api/v1/hooks/freshservice/${token}`,
          payload: { ticket_id: 900_000 + i },
          remoteAddress: `10.40.${i >> 8}.${(i & 255) + 1}`,
        }),
      ),
    );
    const accepted = answers.filter((a) => a.statusCode === 202).length;
    const refused = answers.filter((a) => a.statusCode === 429);
    expect(accepted).toBe(HOOK_CALLS_PER_MINUTE);
    expect(refused).toHaveLength(200 - HOOK_CALLS_PER_MINUTE);
    expect(refused[0]!.json().error).toMatchObject({ code: 'too_many_attempts', message: expect.stringMatching(/Too many calls to this webhook URL/) });
    const wait = Number(refused[0]!.headers['retry-after']);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    const hints = await stack.database.db.selectFrom('sync_hints').select('ticket_id').where('connection_id', '=', flooded).execute();
    expect(hints.length).toBeLessThanOrEqual(HOOK_CALLS_PER_MINUTE);
    // The other connection's URL (same organisations) still works.
    expect((await app.inject({ method: 'POST', url: `/api/v1/hooks/freshservice/${await urlOf(owner, other)}`, payload: { ticket_id: 7 } })).statusCode).toBe(
      202,
    );
  });
});
