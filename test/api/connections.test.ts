import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMappings, defaultSideConfiguration, type Mappings } from '../../src/core/sync-config.ts';
import { generateVerificationCode } from '../../src/core/verification-code.ts';
import { decryptSecret } from '../../src/security/crypto.ts';
import { loadMasterKey } from '../../src/security/secret-key.ts';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { savePlatform, signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

type Org = Awaited<ReturnType<typeof signUpAndLogIn>>;
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

let stack: TestStack;
let simA: FreshserviceSimulator;
let simB: FreshserviceSimulator;
let a: Org; // creates the main connection as the source
let b: Org; // accepts it: the target
let outsider: Org;
let connectionId = '';
let code = '';

beforeAll(async () => {
  simA = await startFreshserviceSimulator({ seed: 'demo', name: 'acme' });
  simB = await startFreshserviceSimulator({ seed: 'demo', name: 'globex' });
  // Only the target account has this dropdown: mappings can be told apart per side.
  simB.state.customFields.push({
    id: 990001,
    name: 'cf_region',
    label: 'Region',
    field_type: 'custom_dropdown',
    choices: ['EU', 'US'],
    required_for_closure: false,
    required_for_agents: false,
    workspace_id: null,
  });
  stack = await startStack({ listen: false });
  a = await signUpAndLogIn(stack.app, 'conna');
  b = await signUpAndLogIn(stack.app, 'connb');
  outsider = await signUpAndLogIn(stack.app, 'connc');
  // Connections are created only once the platform is saved (409 platform_not_configured: test/api/first-run.test.ts).
  await savePlatform(stack.app, a);
  await savePlatform(stack.app, b);
});
afterAll(async () => {
  await stack?.close();
  await simA?.close();
  await simB?.close();
});

const call = (method: Method, url: string, who: Org | null, payload?: unknown) =>
  stack.app.inject({ method, url: `/api/v1${url}`, headers: who ? who.auth : {}, ...(payload === undefined ? {} : { payload: payload as object }) });
const list = async (who: Org) => (await call('GET', '/connections', who)).json().connections as Array<Record<string, any>>;
const create = async (who: Org, role: 'source' | 'target', contractName = 'Contract') => {
  const r = await call('POST', '/connections', who, { role, contractName });
  expect(r.statusCode).toBe(201);
  return r.json() as { id: string; verificationCode: string; expiresAt: string };
};
const accept = (who: Org, verificationCode: string) => call('POST', '/connections/accept', who, { verificationCode });
const row = (id: string) => stack.database.db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const CODE = /^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('connections: create, accept, list', () => {
  it('every route needs a session', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const routes: Array<[Method, string]> = [
      ['POST', '/connections'],
      ['POST', '/connections/accept'],
      ['GET', '/connections'],
      ['GET', `/connections/${id}`],
      ['DELETE', `/connections/${id}`],
      ['GET', `/connections/${id}/configuration`],
      ['PUT', `/connections/${id}/configuration`],
      ['GET', `/connections/${id}/mappings`],
      ['PUT', `/connections/${id}/mappings`],
      ['GET', `/connections/${id}/fields`],
    ];
    for (const [method, url] of routes) {
      const r = await call(method, url, null, method === 'POST' || method === 'PUT' ? {} : undefined);
      expect(r.statusCode, `${method} ${url}`).toBe(401);
      expect(r.json().error.code).toBe('unauthenticated');
    }
  });

  it('creates a pending connection with a human-friendly 100-bit code, stored only as a hash', async () => {
    const before = Date.now();
    const r = await call('POST', '/connections', a, { role: 'source', contractName: '  Acme ⇄ Globex support  ' });
    expect(r.statusCode).toBe(201);
    const body = r.json();
    expect(Object.keys(body).sort()).toEqual(['contractName', 'expiresAt', 'id', 'role', 'status', 'verificationCode']);
    expect(body).toMatchObject({ role: 'source', contractName: 'Acme ⇄ Globex support', status: 'pending' });
    expect(body.id).toMatch(UUID);
    expect(body.verificationCode).toMatch(CODE);
    expect(body.verificationCode.replace(/-/g, '')).toHaveLength(20); // 20 × 5 bits
    const expires = Date.parse(body.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 7 * 86_400_000 - 1000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 7 * 86_400_000 + 1000);
    connectionId = body.id;
    code = body.verificationCode;

    const stored = await row(connectionId);
    expect(stored.verification_code_hash).toBe(sha256(code.replace(/-/g, '')));
    expect(JSON.stringify(stored)).not.toContain(code.replace(/-/g, ''));
    expect(stored).toMatchObject({
      creator_organisation_id: a.organisation.id,
      source_organisation_id: a.organisation.id,
      target_organisation_id: null,
      status: 'pending',
    });
    expect(stored.mappings).toEqual(defaultMappings());
    const sides = await stack.database.db.selectFrom('connection_sides').selectAll().where('connection_id', '=', connectionId).execute();
    expect(sides.map((s) => [s.side, s.organisation_id])).toEqual([['source', a.organisation.id]]);
    expect(sides[0]!.configuration).toEqual(defaultSideConfiguration());
  });

  it('gives every connection a different code', async () => {
    const other = await create(a, 'target', 'Second');
    expect(other.verificationCode).toMatch(CODE);
    expect(other.verificationCode).not.toBe(code);
    await call('DELETE', `/connections/${other.id}`, a);
  });

  it.each([
    [{ role: 'source', contractName: '   ' }, 'invalid_contract_name', 'contractName'],
    [{ role: 'source', contractName: 'x'.repeat(121) }, 'invalid_contract_name', 'contractName'],
    [{ role: 'both', contractName: 'Contract' }, 'validation_failed', 'role'],
    [{ role: 'source' }, 'validation_failed', 'contractName'],
  ])('refuses %j with %s', async (payload, errorCode, field) => {
    const before = await list(a);
    const r = await call('POST', '/connections', a, payload);
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: errorCode, field, message: expect.any(String) });
    expect(await list(a)).toEqual(before);
  });

  it('accepts a 120-character contract name', async () => {
    const r = await create(a, 'source', 'y'.repeat(120));
    await call('DELETE', `/connections/${r.id}`, a);
  });

  it('lists a pending connection for its creator only', async () => {
    const mine = await list(a);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toEqual({
      id: connectionId,
      contractName: 'Acme ⇄ Globex support',
      role: 'source',
      partner: null,
      status: 'pending',
      syncState: 'initial_sync_required',
      automaticSync: false,
      createdAt: expect.any(String),
      expiresAt: (await row(connectionId)).code_expires_at.toISOString(),
      intervalMinutes: 5,
      nextRunAt: null,
      lastRun: null,
      // The state the pages show (issue 12 item 7): none while pending.
      state: null,
    });
    expect((await call('GET', `/connections/${connectionId}`, a)).json()).toEqual(mine[0]);
    expect(await list(b)).toEqual([]);
    const peek = await call('GET', `/connections/${connectionId}`, b);
    expect(peek.statusCode).toBe(404);
    expect(peek.json().error.code).toBe('not_found');
  });

  it('the partner accepts the code (typed loosely) and becomes the target', async () => {
    const typed = ` ${code.toLowerCase().replace(/-/g, ' ')} `;
    const r = await accept(b, typed);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      id: connectionId,
      status: 'active',
      role: 'target',
      contractName: 'Acme ⇄ Globex support',
      partner: { id: a.organisation.id, name: 'Org conna' },
      syncState: 'initial_sync_required',
    });
    const stored = await row(connectionId);
    expect(stored).toMatchObject({
      status: 'active',
      source_organisation_id: a.organisation.id,
      target_organisation_id: b.organisation.id,
      verification_code_hash: null,
    });
    expect(stored.accepted_at).toBeInstanceOf(Date);
  });

  it('both sides see it active, with opposite roles and each other’s name', async () => {
    const [fromA] = await list(a);
    const [fromB] = await list(b);
    expect(fromA).toMatchObject({ id: connectionId, status: 'active', role: 'source', partner: { id: b.organisation.id, name: 'Org connb' }, expiresAt: null });
    expect(fromB).toMatchObject({ id: connectionId, status: 'active', role: 'target', partner: { id: a.organisation.id, name: 'Org conna' }, expiresAt: null });
    expect(await list(a)).toHaveLength(1);
    expect(await list(b)).toHaveLength(1);
  });

  describe('refused codes change nothing', () => {
    let expired: { id: string; verificationCode: string };
    let own: { id: string; verificationCode: string };
    let snapshot: unknown;
    beforeAll(async () => {
      expired = await create(a, 'source', 'Expired');
      await stack.database.db
        .updateTable('connections')
        .set({ code_expires_at: new Date(Date.now() - 1000) })
        .where('id', '=', expired.id)
        .execute();
      own = await create(b, 'target', 'Own');
      snapshot = await stack.database.db.selectFrom('connections').selectAll().orderBy('id').execute();
    });

    it.each([
      ['a used code', () => code, 'invalid_verification_code', /Ask your partner for a new code/],
      ['an unknown code', () => generateVerificationCode(), 'invalid_verification_code', /Ask your partner for a new code/],
      ['a malformed code', () => 'hello-world', 'invalid_verification_code', /20 letters and digits/],
      ['an expired code', () => expired.verificationCode, 'verification_code_expired', /expired.*Ask your partner for a new code/],
      ['its own code', () => own.verificationCode, 'own_verification_code', /your own organisation/],
    ])('%s', async (_name, codeOf, errorCode, message) => {
      const r = await accept(b, codeOf());
      expect(r.statusCode).toBe(400);
      expect(r.json().error).toEqual({ code: errorCode, message: expect.stringMatching(message), field: 'verificationCode' });
      expect(await stack.database.db.selectFrom('connections').selectAll().orderBy('id').execute()).toEqual(snapshot);
      expect(await stack.database.db.selectFrom('connection_sides').select('side').where('connection_id', 'in', [expired.id, own.id]).execute()).toHaveLength(
        2,
      );
    });

    it('the expired and own pending connections remain listed for their creators only', async () => {
      expect((await list(a)).map((c) => c.contractName).sort()).toEqual(['Acme ⇄ Globex support', 'Expired']);
      expect((await list(b)).map((c) => c.contractName).sort()).toEqual(['Acme ⇄ Globex support', 'Own']);
      await call('DELETE', `/connections/${expired.id}`, a);
      await call('DELETE', `/connections/${own.id}`, b);
    });
  });

  it('a code works once even when two organisations race for it', async () => {
    const c = await create(a, 'target', 'Race');
    const [r1, r2] = await Promise.all([accept(b, c.verificationCode), accept(outsider, c.verificationCode)]);
    expect([r1.statusCode, r2.statusCode].sort()).toEqual([200, 400]);
    const loser = r1.statusCode === 400 ? r1 : r2;
    expect(loser.json().error.code).toBe('invalid_verification_code');
    const sides = await stack.database.db
      .selectFrom('connection_sides')
      .select(['side', 'organisation_id'])
      .where('connection_id', '=', c.id)
      .orderBy('side')
      .execute();
    expect(sides).toHaveLength(2);
    expect(sides[0]).toEqual({ side: 'source', organisation_id: (r1.statusCode === 200 ? b : outsider).organisation.id });
    expect(sides[1]).toEqual({ side: 'target', organisation_id: a.organisation.id });
    await call('DELETE', `/connections/${c.id}`, a);
  });
});

describe('revoking', () => {
  it('either side revokes an active connection: it leaves both lists and every route', async () => {
    const c = await create(b, 'target', 'To revoke');
    expect((await accept(a, c.verificationCode)).json().role).toBe('source');
    expect((await list(a)).map((x) => x.id)).toContain(c.id);
    const r = await call('DELETE', `/connections/${c.id}`, b);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ id: c.id, status: 'revoked' });
    expect((await list(a)).map((x) => x.id)).not.toContain(c.id);
    expect((await list(b)).map((x) => x.id)).not.toContain(c.id);
    for (const who of [a, b]) {
      expect((await call('GET', `/connections/${c.id}`, who)).statusCode).toBe(404);
      expect((await call('GET', `/connections/${c.id}/configuration`, who)).statusCode).toBe(404);
    }
    expect((await call('DELETE', `/connections/${c.id}`, a)).statusCode).toBe(404);
    expect((await row(c.id)).status).toBe('revoked');
  });

  it('the partner may revoke too', async () => {
    const c = await create(b, 'source', 'Revoked by acceptor');
    await accept(a, c.verificationCode);
    expect((await call('DELETE', `/connections/${c.id}`, a)).statusCode).toBe(200);
    expect((await list(b)).map((x) => x.id)).not.toContain(c.id);
  });

  it('a revoked pending connection’s code stops working', async () => {
    const c = await create(a, 'source', 'Withdrawn');
    expect((await call('DELETE', `/connections/${c.id}`, a)).statusCode).toBe(200);
    expect((await row(c.id)).verification_code_hash).toBeNull();
    const r = await accept(b, c.verificationCode);
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('invalid_verification_code');
    expect((await row(c.id)).status).toBe('revoked');
  });
});

describe('configuration of each side', () => {
  const get = (who: Org) => call('GET', `/connections/${connectionId}/configuration`, who);
  const put = (who: Org, payload: unknown) => call('PUT', `/connections/${connectionId}/configuration`, who, payload);
  const KEY = 'OverrideKey0000abcd';

  it('starts with the defaults: private notes off, no override', async () => {
    const r = await get(a);
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({
      connectionId,
      side: 'source',
      configuration: defaultSideConfiguration(),
      apiOverride: null,
      partner: { id: b.organisation.id, name: 'Org connb' },
    });
    expect(r.json().configuration.comments.sendPrivate).toBe(false);
  });

  it('a partial configuration is completed with defaults', async () => {
    const r = await put(a, { configuration: { comments: { sendPrivate: true }, filters: { tags: ['partner'] } } });
    expect(r.statusCode).toBe(200);
    const expected = defaultSideConfiguration();
    expected.comments.sendPrivate = true;
    expected.filters.tags = ['partner'];
    expect(r.json().configuration).toEqual(expected);
    expect((await get(a)).json().configuration).toEqual(expected);
  });

  it('each side sees and changes only its own configuration', async () => {
    const fromB = (await get(b)).json();
    expect(fromB).toEqual({
      connectionId,
      side: 'target',
      configuration: defaultSideConfiguration(),
      apiOverride: null,
      partner: { id: a.organisation.id, name: 'Org conna' },
    });
    const r = await put(b, { configuration: { reverseSync: { enabled: true } } });
    // Reverse sync writes into the source's platform: it waits for the source's admin (write-consent.test.ts).
    expect(r.statusCode).toBe(202);
    expect(r.json().side).toBe('target');
    expect(r.json().configuration.reverseSync.enabled).toBe(false);
    expect((await call('POST', `/connections/${connectionId}/change-proposals/${r.json().proposal.id}/approve`, a)).statusCode).toBe(200);
    expect((await get(b)).json().configuration.reverseSync.enabled).toBe(true);
    expect((await get(a)).json().configuration.reverseSync.enabled).toBe(false);
    expect((await get(a)).json().configuration.comments.sendPrivate).toBe(true);
  });

  it.each([
    [{ configuration: { comments: { sendPrivate: 'yes' } } }, 'validation_failed', 'configuration.comments.sendPrivate', /must be true or false/],
    [{ configuration: { comments: { sendPrivat: true } } }, 'validation_failed', 'configuration.comments.sendPrivat', /not a known setting/],
    [{ configuration: { reverseSync: { enabled: true } } }, 'validation_failed', 'configuration.reverseSync.enabled', /Reverse sync is set on the target side/],
    [
      { configuration: { defaults: { requester: { mode: 'default', defaultRequesterEmail: 'nope' } } } },
      'validation_failed',
      'configuration.defaults.requester.defaultRequesterEmail',
      /e-mail/,
    ],
    [{ configuration: { filters: { groups: [''] } } }, 'validation_failed', 'configuration.filters.groups.0', /empty/],
    [{}, 'validation_failed', 'configuration', /required/],
    [{ configuration: {}, colour: 'red' }, 'validation_failed', 'colour', /not a known setting/],
    [
      { configuration: {}, apiOverride: { apiUrl: 'https://help.acme.com', apiKey: KEY } },
      'invalid_api_url',
      'apiOverride.apiUrl',
      /not a Freshservice address/,
    ],
    [{ configuration: {}, apiOverride: { apiUrl: 'https://acme.freshservice.com' } }, 'invalid_api_key', 'apiOverride.apiKey', /API key/],
    [{ configuration: {}, apiOverride: { apiUrl: 'https://acme.freshservice.com', apiKey: 'short' } }, 'invalid_api_key', 'apiOverride.apiKey', /too short/],
  ])('%#: refuses %j and changes nothing', async (payload, errorCode, field, message) => {
    const before = (await get(a)).json();
    const r = await put(a, payload);
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: errorCode, field, message: expect.stringMatching(message) });
    expect((await get(a)).json()).toEqual(before);
  });

  it('stores the API override key encrypted for this organisation and returns only a hint', async () => {
    const current = (await get(a)).json().configuration;
    const r = await put(a, { configuration: current, apiOverride: { apiUrl: ' https://acme.freshservice.com/api/v2/ ', apiKey: KEY } });
    expect(r.statusCode).toBe(200);
    expect(r.json().apiOverride).toEqual({ apiUrl: 'https://acme.freshservice.com', apiKeyHint: '••••abcd' });
    expect(r.body).not.toContain(KEY);
    expect((await get(a)).json().apiOverride).toEqual({ apiUrl: 'https://acme.freshservice.com', apiKeyHint: '••••abcd' });
    expect((await get(b)).json().apiOverride).toBeNull();

    const side = await stack.database.db
      .selectFrom('connection_sides')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('side', '=', 'source')
      .executeTakeFirstOrThrow();
    expect(side.api_override_key_ciphertext).not.toContain(KEY);
    const masterKey = await loadMasterKey(stack.config.secretKey, stack.config.dataDir);
    expect(decryptSecret(masterKey, side.api_override_key_ciphertext!, a.organisation.id)).toBe(KEY);
    expect(() => decryptSecret(masterKey, side.api_override_key_ciphertext!, b.organisation.id)).toThrow();
  });

  it('keeps the saved key when apiKey is left out, keeps the override when apiOverride is left out, and null removes it', async () => {
    const current = (await get(a)).json().configuration;
    const sealed = async () =>
      (
        await stack.database.db
          .selectFrom('connection_sides')
          .select('api_override_key_ciphertext')
          .where('connection_id', '=', connectionId)
          .where('side', '=', 'source')
          .executeTakeFirstOrThrow()
      ).api_override_key_ciphertext;
    const saved = await sealed();
    const moved = await put(a, { configuration: current, apiOverride: { apiUrl: 'globex' } });
    expect(moved.json().apiOverride).toEqual({ apiUrl: 'https://globex.freshservice.com', apiKeyHint: '••••abcd' });
    expect(await sealed()).toBe(saved);
    const kept = await put(a, { configuration: current });
    expect(kept.json().apiOverride).toEqual({ apiUrl: 'https://globex.freshservice.com', apiKeyHint: '••••abcd' });
    const removed = await put(a, { configuration: current, apiOverride: null });
    expect(removed.json().apiOverride).toBeNull();
    expect((await get(a)).json().apiOverride).toBeNull();
    expect(await sealed()).toBeNull();
  });
});

describe('mappings and fields', () => {
  const getMappings = (who: Org) => call('GET', `/connections/${connectionId}/mappings`, who);
  const putMappings = (who: Org, mappings: unknown) => call('PUT', `/connections/${connectionId}/mappings`, who, { mappings });
  const withIncident = (f: (m: Mappings) => void): Mappings => {
    const m = defaultMappings();
    f(m);
    return m;
  };

  it('a new connection has the default mappings, the same for both sides', async () => {
    expect((await getMappings(a)).json()).toEqual({ mappings: defaultMappings() });
    expect((await getMappings(b)).json()).toEqual({ mappings: defaultMappings() });
  });

  it('cannot check mappings while a platform is not configured (409, says which side)', async () => {
    // An organisation that only accepted a connection may never have saved its platform settings.
    await stack.database.db.deleteFrom('platform_configs').where('organisation_id', '=', b.organisation.id).execute();
    const r = await putMappings(a, defaultMappings());
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('fields_unavailable');
    // a's saved settings point where nothing listens (savePlatform); b, which only accepted, has none.
    expect(r.json().error.message).toMatch(/source side's fields \(your platform\) could not be loaded/);
    const fields = (await call('GET', `/connections/${connectionId}/fields`, a)).json();
    expect(fields.target).toEqual({
      fields: [],
      error: { code: 'not_configured', message: expect.stringMatching(/Org connb has not set up its helpdesk platform/) },
    });
    expect(fields.source.error).toBeDefined();
  });

  it('a pending connection’s mappings cannot be edited', async () => {
    const c = await create(a, 'source', 'Pending mappings');
    const r = await call('PUT', `/connections/${c.id}/mappings`, a, { mappings: defaultMappings() });
    expect(r.statusCode).toBe(409);
    expect(r.json().error.code).toBe('connection_not_active');
    const fields = (await call('GET', `/connections/${c.id}/fields`, a)).json();
    expect(fields.target.error.code).toBe('partner_not_connected');
    await call('DELETE', `/connections/${c.id}`, a);
  });

  it('loads both sides’ fields live, with status choices', async () => {
    for (const [who, sim] of [
      [a, simA],
      [b, simB],
    ] as const) {
      const r = await call('PUT', '/platform', who, { platform: 'freshservice', apiUrl: sim.url, apiKey: sim.keyFor('admin') });
      expect(r.statusCode).toBe(200);
    }
    for (const who of [a, b]) {
      const r = await call('GET', `/connections/${connectionId}/fields`, who);
      expect(r.statusCode).toBe(200);
      const body = r.json();
      expect(body.source.error).toBeNull();
      expect(body.target.error).toBeNull();
      for (const side of ['source', 'target']) {
        const status = body[side].fields.find((f: { name: string }) => f.name === 'status');
        expect(status).toEqual({
          name: 'status',
          label: 'Status',
          kind: 'picklist',
          // Each status says where it stands (its category), and the field its role: what the engine reads.
          choices: [
            { value: 2, label: 'Open', category: 'open' },
            { value: 3, label: 'Pending', category: 'pending' },
            { value: 4, label: 'Resolved', category: 'resolved' },
            { value: 5, label: 'Closed', category: 'closed' },
          ],
          requiredForClosure: false,
          // Freshservice requires a status, and every copy has one (Open unless mapped or defaulted).
          requiredForAgents: true,
          alwaysFilled: true,
          role: 'status',
        });
        expect(body[side].creatableTypes).toEqual(['Incident']);
      }
      const names = (side: string) => body[side].fields.map((f: { name: string }) => f.name);
      expect(names('target')).toContain('cf_region');
      expect(names('source')).not.toContain('cf_region');
    }
  });

  it('refuses a structurally invalid document with the path (validation_failed)', async () => {
    const r = await putMappings(b, {
      types: { Incident: { fields: [{ sourceField: 'status', targetField: 'status', direction: 'sideways', kind: 'value' }] } },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'validation_failed', field: 'mappings.types.Incident.fields.0.direction' });
    expect((await getMappings(a)).json().mappings).toEqual(defaultMappings());
  });

  it.each([
    [
      'an unknown source field',
      withIncident((m) =>
        m.types.Incident!.fields.push({
          sourceField: 'no_such_field',
          targetField: 'external_reference',
          direction: 'source_to_target',
          kind: 'direct',
          values: [],
        }),
      ),
      'mappings.types.Incident.fields.6.sourceField',
      /^The source platform has no field "no_such_field"/,
    ],
    [
      'a field only the target has, used on the source',
      withIncident((m) =>
        m.types.Incident!.fields.push({ sourceField: 'cf_region', targetField: 'cf_region', direction: 'source_to_target', kind: 'direct', values: [] }),
      ),
      'mappings.types.Incident.fields.6.sourceField',
      /^The source platform has no field "cf_region"/,
    ],
    [
      'a value that is not a choice',
      withIncident((m) => (m.types.Incident!.fields[2]!.values[0] = { source: 2, target: 9 })),
      'mappings.types.Incident.fields.2.values.0.target',
      /^Status value 9 is not a choice of the target field Status; choices: 2 Open, 3 Pending, 4 Resolved, 5 Closed\.$/,
    ],
    [
      'a value mapping on a text field',
      withIncident((m) => (m.types.Incident!.fields[0]!.kind = 'value')),
      'mappings.types.Incident.fields.0.kind',
      /value mappings work only between picklist fields/,
    ],
  ])('refuses %s (invalid_mapping) and saves nothing', async (_name, mappings, field, message) => {
    const r = await putMappings(a, mappings);
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'invalid_mapping', field, message: expect.stringMatching(message) });
    expect((await getMappings(b)).json().mappings).toEqual(defaultMappings());
  });

  it('either side saves valid mappings (defaults filled in) and both read them back', async () => {
    const input = {
      types: {
        Incident: {
          fields: [
            { sourceField: 'subject', targetField: 'subject', direction: 'source_to_target', kind: 'direct' },
            {
              sourceField: 'status',
              targetField: 'status',
              direction: 'bidirectional',
              kind: 'value',
              values: [
                { source: 2, target: 3 },
                { source: 5, target: 5 },
              ],
            },
            {
              sourceField: 'urgency',
              targetField: 'cf_region',
              direction: 'source_to_target',
              kind: 'value',
              values: [
                { source: 1, target: 'EU' },
                { source: 3, target: 'US' },
              ],
            },
          ],
          descriptionBuilder: { fields: ['priority', 'urgency'] },
        },
      },
    };
    const expected: Mappings = {
      types: {
        Incident: {
          targetType: null,
          fields: [
            { sourceField: 'subject', targetField: 'subject', direction: 'source_to_target', kind: 'direct', values: [] },
            {
              sourceField: 'status',
              targetField: 'status',
              direction: 'bidirectional',
              kind: 'value',
              values: [
                { source: 2, target: 3 },
                { source: 5, target: 5 },
              ],
            },
            {
              sourceField: 'urgency',
              targetField: 'cf_region',
              direction: 'source_to_target',
              kind: 'value',
              values: [
                { source: 1, target: 'EU' },
                { source: 3, target: 'US' },
              ],
            },
          ],
          descriptionBuilder: { fields: ['priority', 'urgency'], separator: '---' },
        },
      },
    };
    // Status 3 → 2 is new into the source's platform: it waits for the source's admin (write-consent.test.ts).
    const r = await putMappings(b, input);
    expect(r.statusCode).toBe(202);
    expect(r.json()).toMatchObject({ mappings: defaultMappings(), proposal: { proposed: expected, awaiting: { side: 'source' } } });
    expect((await call('POST', `/connections/${connectionId}/change-proposals/${r.json().proposal.id}/approve`, a)).statusCode).toBe(200);
    expect((await getMappings(a)).json()).toEqual({ mappings: expected });
    expect((await row(connectionId)).mappings).toEqual(expected);
    // And back to the defaults, by the other side: new writes into the target, approved by its admin.
    const back = await putMappings(a, defaultMappings());
    expect(back.statusCode).toBe(202);
    expect((await call('POST', `/connections/${connectionId}/change-proposals/${back.json().proposal.id}/approve`, b)).statusCode).toBe(200);
    expect((await getMappings(b)).json().mappings).toEqual(defaultMappings());
  });

  it('a side’s API override is what its fields are loaded with', async () => {
    const configuration = (await call('GET', `/connections/${connectionId}/configuration`, a)).json().configuration;
    const set = await call('PUT', `/connections/${connectionId}/configuration`, a, {
      configuration,
      apiOverride: { apiUrl: simB.url, apiKey: simB.keyFor('admin') },
    });
    expect(set.statusCode).toBe(200);
    const fields = (await call('GET', `/connections/${connectionId}/fields`, b)).json();
    expect(fields.source.fields.map((f: { name: string }) => f.name)).toContain('cf_region');
    await call('PUT', `/connections/${connectionId}/configuration`, a, { configuration, apiOverride: null });
    const back = (await call('GET', `/connections/${connectionId}/fields`, b)).json();
    expect(back.source.fields.map((f: { name: string }) => f.name)).not.toContain('cf_region');
  });

  it('an unreachable platform makes its side’s fields unavailable (409 on save, error on /fields)', async () => {
    const configuration = (await call('GET', `/connections/${connectionId}/configuration`, b)).json().configuration;
    await call('PUT', `/connections/${connectionId}/configuration`, b, {
      configuration,
      apiOverride: { apiUrl: 'http://127.0.0.1:1', apiKey: 'UnreachableKey0000' },
    });
    try {
      const fields = (await call('GET', `/connections/${connectionId}/fields`, a)).json();
      expect(fields.source.error).toBeNull();
      expect(fields.target.fields).toEqual([]);
      expect(fields.target.error).toEqual({ code: 'network', message: expect.stringMatching(/^Org connb's platform could not be reached/) });
      const withRegion = withIncident((m) =>
        m.types.Incident!.fields.push({
          sourceField: 'urgency',
          targetField: 'cf_region',
          direction: 'source_to_target',
          kind: 'value',
          values: [{ source: 1, target: 'EU' }],
        }),
      );
      const r = await putMappings(a, withRegion);
      expect(r.statusCode).toBe(409);
      expect(r.json().error.code).toBe('fields_unavailable');
      expect(r.json().error.message).toMatch(/target side's fields \(your partner's platform\) could not be loaded.*Nothing was saved/);
      expect((await getMappings(a)).json().mappings).toEqual(defaultMappings());
    } finally {
      await call('PUT', `/connections/${connectionId}/configuration`, b, { configuration, apiOverride: null });
    }
  });
});

describe('a third organisation', () => {
  it('gets 404 on everything of the connection and sees nothing', async () => {
    const base = `/connections/${connectionId}`;
    const routes: Array<[Method, string, unknown?]> = [
      ['GET', base],
      ['GET', `${base}/configuration`],
      ['PUT', `${base}/configuration`, { configuration: {} }],
      ['GET', `${base}/mappings`],
      ['PUT', `${base}/mappings`, { mappings: defaultMappings() }],
      ['GET', `${base}/fields`],
      ['DELETE', base],
    ];
    for (const [method, url, payload] of routes) {
      const r = await call(method, url, outsider, payload);
      expect(r.statusCode, `${method} ${url}`).toBe(404);
      expect(r.json().error.code).toBe('not_found');
      expect(r.body).not.toContain('Org conna');
    }
    expect((await call('GET', '/connections/not-a-uuid', outsider)).statusCode).toBe(404);
    expect((await list(outsider)).map((c) => c.id)).not.toContain(connectionId);
    expect((await list(a)).find((c) => c.id === connectionId)).toMatchObject({ status: 'active' });
    expect((await call('GET', `${base}/configuration`, a)).json().configuration.comments.sendPrivate).toBe(true);
  });
});

describe('failed-accept throttle', () => {
  it('after 10 wrong codes an organisation gets 429 for 15 minutes, even with a valid code; others are unaffected', async () => {
    const guesser = await signUpAndLogIn(stack.app, 'guess');
    for (let i = 0; i < 10; i++) {
      const r = await accept(guesser, generateVerificationCode());
      expect(r.statusCode, `attempt ${i + 1}`).toBe(400);
    }
    const valid = await create(a, 'source', 'Throttled');
    const r = await accept(guesser, valid.verificationCode);
    expect(r.statusCode).toBe(429);
    expect(r.json().error.code).toBe('too_many_attempts');
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    expect((await row(valid.id)).status).toBe('pending');
    const ok = await accept(b, valid.verificationCode);
    expect(ok.statusCode).toBe(200);
  });
});

describe('API docs', () => {
  it('document every connections route, with the configuration and mappings contracts', async () => {
    const doc = (await stack.app.inject({ url: '/api/docs' })).json();
    const p = (path: string) => doc.paths[`/api/v1${path}`];
    expect(Object.keys(p('/connections')).sort()).toEqual(['get', 'post']);
    expect(Object.keys(p('/connections/accept'))).toEqual(['post']);
    expect(Object.keys(p('/connections/{id}')).sort()).toEqual(['delete', 'get']);
    expect(Object.keys(p('/connections/{id}/configuration')).sort()).toEqual(['get', 'put']);
    expect(Object.keys(p('/connections/{id}/mappings')).sort()).toEqual(['get', 'put']);
    expect(Object.keys(p('/connections/{id}/fields'))).toEqual(['get']);
    const putConfig = p('/connections/{id}/configuration').put.requestBody.content['application/json'].schema;
    expect(Object.keys(putConfig.properties.configuration.properties).sort()).toEqual([
      'attachments',
      'closures',
      'comments',
      'defaults',
      'filters',
      'reverseSync',
      'sideSettings',
      'ticketLinks',
      'workspaces',
    ]);
    const mappings = p('/connections/{id}/mappings').get.responses['200'].content['application/json'].schema.properties.mappings;
    expect(mappings.properties.types.additionalProperties.properties.fields.items.required).toEqual([
      'sourceField',
      'targetField',
      'direction',
      'kind',
      'values',
    ]);
  });
});
