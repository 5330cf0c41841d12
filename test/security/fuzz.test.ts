import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncPair, type SyncPair } from '../helpers/sync-pair.ts';
import { inviteMember, tokenOfUrl } from '../helpers/members.ts';
import { databaseSnapshot, documentedRoutes } from './helpers.ts';

/**
 * Input fuzzing: every route that takes a JSON body (from the OpenAPI document, plus the webhook route)
 * is fed generated malformed input: wrong types, missing and extra fields, prototype keys, control and
 * lone-surrogate characters, huge strings, deep nesting, long arrays, invalid JSON text, other content
 * types and a 1 MB body. The answer is never a 5xx, always the standard error shape when it is an error,
 * and after every 4xx the organisation's state (what its API shows, and every table) is unchanged.
 */

/** A valid body per route: the generator mutates these, so refusals come from the part it broke. */
function seeds(pair: SyncPair, ctx: { mappings: unknown; configuration: unknown }): Record<string, Record<string, unknown>> {
  return {
    'POST /api/v1/signup': { organisation: 'Fuzz Org', email: 'fuzz@example.com', password: 'a long password' },
    'POST /api/v1/session': { email: 'nobody@example.com', password: 'wrong password' },
    'PUT /api/v1/platform': { platform: 'freshservice', apiUrl: pair.source.sim.url, apiKey: pair.source.sim.keyFor('admin') },
    'POST /api/v1/connections': { role: 'source', contractName: 'Fuzz contract' },
    'POST /api/v1/connections/accept': { verificationCode: 'ABCD-EFGH-JKMN-PQRS-TVWX' },
    'PUT /api/v1/connections/{id}/automatic-sync': { enabled: false },
    'PUT /api/v1/connections/{id}/configuration': { configuration: ctx.configuration as object, apiOverride: null },
    'PUT /api/v1/connections/{id}/mappings': { mappings: ctx.mappings as object },
    'POST /api/v1/connections/{id}/sync-runs': { since: '2024-01-01' },
    'POST /api/v1/connections/{id}/dry-runs': { since: '2024-01-01' },
    'POST /api/v1/hooks/freshservice/{token}': { ticket_id: 1 },
    'PATCH /api/v1/members/{id}': { role: 'viewer' },
    'POST /api/v1/invitations': { role: 'viewer', email: 'fuzz-invitee@example.com' },
    'POST /api/v1/invitations/{token}/accept': { email: 'fuzz-invited@example.com', password: 'a long password', name: 'Fuzz Invited' },
    'POST /api/v1/api-tokens': { name: 'Fuzz token', role: 'viewer', expiresAt: '2099-01-01T00:00:00.000Z' },
    // A wrong current password: no fuzzed body can change the password the other requests log in with.
    'PUT /api/v1/me/password': { currentPassword: 'not the current password', newPassword: 'a new long password' },
    'PUT /api/v1/me/name': { name: 'Fuzz Name' },
    'POST /api/v1/notifications/channels': { kind: 'slack', name: 'Fuzz channel', settings: { url: 'https://hooks.slack.example/services/T0/B0/fuzz' } },
    'PUT /api/v1/notifications/channels/{id}': { name: 'Fuzz channel', enabled: false, settings: {} },
  };
}

const VALUE = 'fuzz-value-placeholder-7c1';
const KEY = 'fuzz-key-placeholder-7c1';

/** Raw JSON text for one value: built as text, so nesting deeper than JSON.stringify can handle is possible. */
const junkValue: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => JSON.stringify(s)),
  fc.constantFrom(
    '"\\u0000"',
    '"a\\u0000b"',
    '"\\ud800"',
    '"\\udfff"',
    '"\\u202e"',
    '" "',
    '""',
    '"0"',
    '"-1"',
    '"true"',
    '"null"',
    '"NaN"',
    '"../../etc/passwd"',
    '"<script>alert(1)</script>"',
    '"\' OR 1=1 --"',
    '"%00"',
    '"${jndi:ldap://x}"',
    '"1e309"',
    '0',
    '-0',
    '-1',
    '1.5',
    '9007199254740993',
    '1e309',
    '-1e309',
    '1e-400',
    'true',
    'false',
    'null',
    '[]',
    '{}',
    '[null]',
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"admin":true}}}',
  ),
  fc.integer({ min: 2, max: 12_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 2, max: 9_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
  fc.integer({ min: 2, max: 30 }).map((n) => `"${'💥'.repeat(n * 100)}"`),
  fc.integer({ min: 1_000, max: 70_000 }).map((n) => `"${'x'.repeat(n)}"`),
  fc.integer({ min: 100, max: 20_000 }).map((n) => `[${Array(n).fill('1').join(',')}]`),
);

/** Every path into a value (object keys and array indexes), the root included. */
function pathsOf(v: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  const out = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...pathsOf(x, [...at, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...pathsOf(x, [...at, k]));
  return out;
}

function withAt(root: unknown, path: Array<string | number>, change: (parent: any, key: string | number) => void): unknown {
  const copy = structuredClone(root);
  let parent: any = copy;
  for (const k of path.slice(0, -1)) parent = parent[k];
  change(parent, path[path.length - 1]!);
  return copy;
}

interface FuzzInput {
  what: string;
  body: string;
  contentType?: string;
}

function inputs(seed: Record<string, unknown>): fc.Arbitrary<FuzzInput> {
  const paths = pathsOf(seed).filter((p) => p.length > 0);
  const objectPaths = pathsOf(seed).filter((p) => {
    const v = p.reduce<any>((o, k) => o[k], seed);
    return v && typeof v === 'object' && !Array.isArray(v);
  });
  const text = (v: unknown, junk: string, key?: string) => {
    const t = JSON.stringify(v).replace(JSON.stringify(VALUE), () => junk);
    return key === undefined ? t : t.replace(JSON.stringify(KEY), () => JSON.stringify(key));
  };
  const replace = fc.tuple(fc.constantFrom(...paths), junkValue).map(([p, junk]) => ({
    what: `replace ${p.join('.')}`,
    body: text(
      withAt(seed, p, (o, k) => (o[k] = VALUE)),
      junk,
    ),
  }));
  const remove = fc.constantFrom(...paths).map((p) => ({
    what: `remove ${p.join('.')}`,
    body: JSON.stringify(withAt(seed, p, (o, k) => (Array.isArray(o) ? o.splice(Number(k), 1) : delete o[k]))),
  }));
  // Keys go in as a placeholder and are written into the text: a "__proto__" property would not survive JSON.stringify.
  const withKey = (p: Array<string | number>, value: unknown) =>
    p.length === 0 ? { ...seed, [KEY]: value } : withAt(seed, [...p, KEY], (o, k) => (o[k] = value));
  const extra = fc
    .tuple(
      fc.constantFrom(...objectPaths),
      fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'admin', 'role', 'organisationId')),
      junkValue,
    )
    .map(([p, key, junk]) => ({
      what: `extra ${[...p, key].join('.')}`,
      body: text(withKey(p, VALUE), junk, key),
    }));
  const protoKey = fc.constantFrom(...objectPaths).map((p) => ({
    what: `__proto__ at ${p.join('.') || 'root'}`,
    body: text(withKey(p, { admin: true, isAdmin: true }), '', '__proto__'),
  }));
  const wholeBody = junkValue.map((junk) => ({ what: 'body replaced', body: junk }));
  const invalidJson = fc
    .oneof(
      fc.string({ unit: 'binary', maxLength: 60 }),
      fc.constantFrom(
        '{',
        '{"a":',
        '[1,]',
        "{'a':1}",
        'undefined',
        'NaN',
        '{"a":1}x',
        '\ufeff{}',
        '{"a":1,"a":2',
        '\u0000',
        '{"__proto__":',
        '{"a":"\u0000"}',
        '"unterminated',
        '{"a":01}',
        '{"a":.5}',
      ),
      fc.integer({ min: 1, max: 20 }).map((n) => JSON.stringify(seed).slice(0, -n)),
    )
    .filter((t) => {
      try {
        JSON.parse(t);
        return false;
      } catch {
        return true;
      }
    })
    .map((body) => ({ what: 'invalid JSON', body }));
  const contentType = fc
    .constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/json; charset=utf-16',
      'application/jsonx',
      'application/json, text/plain',
      'application/octet-stream',
      ';;;',
      '',
    )
    .map((ct) => ({ what: `content-type ${ct || '(none)'}`, body: JSON.stringify(seed), contentType: ct }));
  return fc.oneof(replace, replace, remove, extra, protoKey, wholeBody, invalidJson, contentType);
}

/** Inputs every route gets, whatever the generator draws. */
function fixedInputs(seed: Record<string, unknown>): FuzzInput[] {
  const big = JSON.stringify({ ...seed, padding: 'x'.repeat(1024 * 1024) });
  return [
    { what: '1 MB body', body: big },
    { what: '1 MB of invalid JSON', body: '{'.repeat(1024 * 1024) },
    { what: 'just over 64 KB', body: JSON.stringify({ ...seed, padding: 'x'.repeat(64 * 1024) }) },
    { what: 'empty body', body: '' },
    { what: 'null', body: 'null' },
    { what: 'array', body: '[]' },
    { what: 'string', body: '"x"' },
    { what: 'NUL in every string', body: JSON.stringify(seed).replace(/"([^"]+)":"/g, '"$1":"\\u0000') },
    {
      what: 'deep nesting in every field',
      body: JSON.stringify(seed).replace(/:("[^"]*"|true|false|null|\d+)/g, `:${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`),
    },
  ];
}

function isErrorShape(body: unknown): boolean {
  if (!body || typeof body !== 'object' || Object.keys(body).join() !== 'error') return false;
  const e = (body as { error: Record<string, unknown> }).error;
  if (typeof e.code !== 'string' || typeof e.message !== 'string') return false;
  if (e.field !== undefined && typeof e.field !== 'string') return false;
  if (e.hints !== undefined && !(Array.isArray(e.hints) && e.hints.every((h) => typeof h === 'string'))) return false;
  return Object.keys(e).every((k) => ['code', 'message', 'field', 'hints'].includes(k));
}

/** The fuzzed routes: each has a seed body above. */
const ROUTES = [
  'POST /api/v1/signup',
  'POST /api/v1/session',
  'PUT /api/v1/platform',
  'POST /api/v1/connections',
  'POST /api/v1/connections/accept',
  'PUT /api/v1/connections/{id}/automatic-sync',
  'PUT /api/v1/connections/{id}/configuration',
  'PUT /api/v1/connections/{id}/mappings',
  'POST /api/v1/connections/{id}/sync-runs',
  'POST /api/v1/connections/{id}/dry-runs',
  'POST /api/v1/hooks/freshservice/{token}',
  'PATCH /api/v1/members/{id}',
  'POST /api/v1/invitations',
  'POST /api/v1/invitations/{token}/accept',
  'POST /api/v1/api-tokens',
  'PUT /api/v1/me/password',
  'PUT /api/v1/me/name',
  'POST /api/v1/notifications/channels',
  'PUT /api/v1/notifications/channels/{id}',
];

let pair: SyncPair;
let urls: Record<string, string>;
let seedBodies: Record<string, Record<string, unknown>>;
let auth: Record<string, string>;

/** What the organisation can see through the API, plus every row of every table. */
async function state() {
  const views: Record<string, unknown> = {};
  for (const url of [
    '/api/v1/platform',
    '/api/v1/connections',
    `/api/v1/connections/${pair.connectionId}/configuration`,
    `/api/v1/connections/${pair.connectionId}/mappings`,
    '/api/v1/sync-runs?from=2000-01-01',
  ]) {
    const r = await pair.stack.app.inject({ url, headers: auth });
    views[url] = r.json();
  }
  // Throttle counters are meant to move on a refused request (a wrong password or token counts): that is their job.
  // So is the API budget: checking a mapping reads the platform's fields, and that read is spent whatever the answer.
  // A webhook call records when it came and whether it was accepted, refused ones too: the Sync tab shows it.
  const omit = { connection_sides: ['webhook_last_event_at', 'webhook_last_event_accepted', 'webhook_last_event_reason'] };
  return { views, tables: await databaseSnapshot(pair.stack.database.db, { except: ['auth_throttles', 'rate_accounts', 'rate_reservations'], omit }) };
}

beforeAll(async () => {
  pair = await startSyncPair();
  // Runs a fuzzed request might start are recorded, not worked: the state must only change through the request itself.
  pair.stack.jobs.enqueue = async () => {};
  pair.stack.jobs.enqueueConnection = async () => {};
  auth = pair.source.auth;
  const get = async (url: string) => (await pair.stack.app.inject({ url, headers: auth })).json();
  const token = new URL((await get(`/api/v1/connections/${pair.connectionId}/webhook`)).url).pathname.split('/').pop()!;
  const channel = await pair.stack.app.inject({
    method: 'POST',
    url: '/api/v1/notifications/channels',
    headers: auth,
    payload: { kind: 'slack', name: 'Existing', settings: { url: 'https://hooks.slack.example/services/T0/B0/seed' } },
  });
  expect(channel.statusCode, channel.body).toBe(201);
  seedBodies = seeds(pair, {
    mappings: (await get(`/api/v1/connections/${pair.connectionId}/mappings`)).mappings,
    configuration: (await get(`/api/v1/connections/${pair.connectionId}/configuration`)).configuration,
  });
  urls = {};
  for (const key of Object.keys(seedBodies))
    urls[key] = key
      .split(' ')[1]!
      .replace('{id}', key.includes('/notifications/channels/') ? channel.json().id : pair.connectionId)
      .replace('{token}', token);
  // A member to change and an invitation to accept (once: later valid bodies find it spent).
  urls['PATCH /api/v1/members/{id}'] = `/api/v1/members/${(await inviteMember(pair.stack.app, auth, 'member', 'fuzz')).id}`;
  const invitation = (await pair.stack.app.inject({ method: 'POST', url: '/api/v1/invitations', headers: auth, payload: { role: 'viewer' } })).json();
  urls['POST /api/v1/invitations/{token}/accept'] = `/api/v1/invitations/${tokenOfUrl(invitation.url)}/accept`;
}, 60_000);
afterAll(async () => pair?.close());

describe('input fuzzing', () => {
  it('covers every route with a JSON body, and the webhook', () => {
    const withBody = documentedRoutes(pair.stack.app)
      .filter((r) => r.jsonBody)
      .map((r) => `${r.method} ${r.path}`);
    expect(withBody.length).toBeGreaterThanOrEqual(9);
    expect(
      withBody.filter((r) => !(r in seedBodies)),
      'routes with a JSON body but no fuzz seed',
    ).toEqual([]);
    expect(Object.keys(seedBodies)).toContain('POST /api/v1/hooks/freshservice/{token}');
    expect([...ROUTES].sort()).toEqual(Object.keys(seedBodies).sort());
  });

  it('every seed body is accepted as it is (so refusals come from the fuzzing)', async () => {
    // Not the state-changing ones that can only succeed once; their seeds are checked by schema elsewhere.
    for (const key of ['PUT /api/v1/connections/{id}/automatic-sync', 'PUT /api/v1/connections/{id}/configuration', 'PUT /api/v1/connections/{id}/mappings']) {
      const [method] = key.split(' ');
      const r = await pair.stack.app.inject({ method: method as 'PUT', url: urls[key]!, headers: auth, payload: seedBodies[key]! });
      expect(r.statusCode, `${key}: ${r.body}`).toBe(200);
    }
  });

  it.each(ROUTES)('%s: never a 5xx, always the error shape, no change on a 4xx', async (key) => {
    const [method] = key.split(' ') as ['POST' | 'PUT'];
    const seed = seedBodies[key]!;
    let baseline = await state();
    const problems: string[] = [];
    const send = async (input: FuzzInput) => {
      const r = await pair.stack.app.inject({
        method,
        url: urls[key]!,
        headers: { ...auth, ...(input.contentType === '' ? {} : { 'content-type': input.contentType ?? 'application/json' }) },
        payload: input.body,
      });
      const shown = `${input.what}: ${input.body.slice(0, 120)}${input.body.length > 120 ? `… (${input.body.length} chars)` : ''} → ${r.statusCode} ${r.body.slice(0, 200)}`;
      if (r.statusCode >= 500) problems.push(`server error: ${shown}`);
      if (r.statusCode >= 400) {
        let body: unknown;
        try {
          body = r.json();
        } catch {
          body = undefined;
        }
        if (!isErrorShape(body)) problems.push(`not the error shape: ${shown}`);
        if (r.statusCode < 500) {
          const now = await state();
          if (JSON.stringify(now) !== JSON.stringify(baseline)) {
            const tables = Object.keys(now.tables).filter((t) => JSON.stringify(now.tables[t]) !== JSON.stringify(baseline.tables[t]));
            const views = Object.keys(now.views).filter((v) => JSON.stringify(now.views[v]) !== JSON.stringify(baseline.views[v]));
            problems.push(`state changed on ${r.statusCode} (${[...tables, ...views].join(', ')}): ${shown}`);
          }
        }
      } else {
        baseline = await state(); // a fuzzed body that happened to be valid: its change is legitimate
      }
      return r.statusCode;
    };
    for (const input of fixedInputs(seed)) await send(input);
    await fc
      .assert(
        fc.asyncProperty(inputs(seed), async (input) => {
          const before = problems.length;
          await send(input);
          return problems.length === before;
        }),
        { numRuns: 35, endOnFailure: true },
      )
      .catch(() => {});
    expect(problems).toEqual([]);
  });
});
