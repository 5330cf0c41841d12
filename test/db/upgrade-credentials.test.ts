import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/env.ts';
import { credentialFingerprint } from '../../src/connector-kit/budget-account.ts';
import { defaultMappings, defaultSideConfiguration } from '../../src/core/sync-config.ts';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';
import { migrations } from '../../src/db/migrations.ts';
import { isCredentialTested } from '../../src/db/repositories/tested-credentials.ts';
import { buildApp } from '../../src/server/app.ts';
import { decryptSecret, encryptSecret } from '../../src/security/crypto.ts';
import { hashPassword } from '../../src/security/passwords.ts';
import { loadMasterKey } from '../../src/security/secret-key.ts';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { connectorForSide, sideCredentials } from '../../src/sync/side-connector.ts';

/**
 * A database as migration 0020 left it (one API key per organisation and per connection override, before
 * credential sets), holding a Freshservice key and an override key. After every later migration the keys
 * must still decrypt, test and reach the platform, and a re-save must keep them.
 */
const FIXTURE_AT = '0020_partner_refs';
const ids = {
  acme: '11111111-1111-4111-8111-111111111111',
  globex: '22222222-2222-4222-8222-222222222222',
  alice: '33333333-3333-4333-8333-333333333333',
  bob: '44444444-4444-4444-8444-444444444444',
  connection: '55555555-5555-4555-8555-555555555555',
};
const PASSWORD = 'release 0020 password';

let sim: FreshserviceSimulator;
let dataDir: string;
let handle: DatabaseHandle;
let masterKey: Buffer;
let platformKey = '';
let overrideKey = '';

async function buildFixture(): Promise<void> {
  const upTo = migrations.findIndex((m) => m.id === FIXTURE_AT);
  expect(upTo).toBeGreaterThan(0);
  const pg = await PGlite.create(join(dataDir, 'pglite'));
  await pg.exec(`CREATE TABLE sf_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
  for (const m of migrations.slice(0, upTo + 1)) {
    await pg.exec(m.sql);
    await pg.query('INSERT INTO sf_migrations (id) VALUES ($1)', [m.id]);
  }
  const q = (text: string, params: unknown[] = []) => pg.query(text, params);
  const hash = await hashPassword(PASSWORD);
  await q(`INSERT INTO organisations (id, name) VALUES ($1, 'Acme Corp'), ($2, 'Globex MSP')`, [ids.acme, ids.globex]);
  await q(
    `INSERT INTO users (id, organisation_id, email, password_hash, role) VALUES ($1, $2, 'alice@acme.example', $3, 'admin'), ($4, $5, 'bob@globex.example', $3, 'admin')`,
    [ids.alice, ids.acme, hash, ids.bob, ids.globex],
  );
  const hint = (k: string) => `••••${k.slice(-4)}`;
  await q(
    `INSERT INTO platform_configs (organisation_id, platform, api_url, api_key_ciphertext, api_key_hint) VALUES ($1, 'freshservice', $2, $3, $4), ($5, 'freshservice', $2, $6, $7)`,
    [
      ids.acme,
      sim.url,
      encryptSecret(masterKey, platformKey, ids.acme),
      hint(platformKey),
      ids.globex,
      encryptSecret(masterKey, platformKey, ids.globex),
      hint(platformKey),
    ],
  );
  await q(
    `INSERT INTO connections (id, contract_name, creator_organisation_id, source_organisation_id, target_organisation_id, status, sync_state, automatic_sync, code_expires_at, mappings, accepted_at)
     VALUES ($1, 'Acme managed IT', $2, $2, $3, 'active', 'ready_for_automatic_sync', false, '2026-11-03T00:00:00Z', $4, '2026-11-02T12:00:00Z')`,
    [ids.connection, ids.acme, ids.globex, JSON.stringify(defaultMappings())],
  );
  await q(
    `INSERT INTO connection_sides (connection_id, side, organisation_id, configuration, api_override_url, api_override_key_ciphertext, api_override_key_hint)
     VALUES ($1, 'source', $2, $4, $5, $6, $7), ($1, 'target', $3, $4, NULL, NULL, NULL)`,
    [
      ids.connection,
      ids.acme,
      ids.globex,
      JSON.stringify(defaultSideConfiguration()),
      sim.url,
      encryptSecret(masterKey, overrideKey, ids.acme),
      hint(overrideKey),
    ],
  );
  await pg.close();
}

beforeAll(async () => {
  sim = await startFreshserviceSimulator({ seed: 'demo' });
  platformKey = sim.keyFor('admin');
  overrideKey = sim.keyFor('selected');
  dataDir = await mkdtemp(join(tmpdir(), 'sf-upgrade-creds-'));
  masterKey = await loadMasterKey(undefined, dataDir);
  await buildFixture();
  handle = await openDatabase({ dataDir });
}, 120_000);
afterAll(async () => {
  await handle?.close();
  await sim?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('credentials saved before migration 0021', () => {
  it('are left as they were by the migrations (read as the apiKey field)', async () => {
    expect(handle.migrated).toContain('0021_platform_credentials');
    const row = await handle.db.selectFrom('platform_configs').selectAll().where('organisation_id', '=', ids.acme).executeTakeFirstOrThrow();
    expect(row.credential_values).toBeNull();
    expect(decryptSecret(masterKey, row.api_key_ciphertext, ids.acme)).toBe(platformKey);
  });

  it('the API answers them in both shapes, tests them against the platform, and keeps them on a re-save', async () => {
    const config = loadConfig({ SF_DATA_DIR: dataDir, SF_LOG_LEVEL: 'silent', SF_ALLOW_PRIVATE_PLATFORM_URLS: '1', SF_PLATFORM_TIMEOUT_MS: '3000' });
    const app = await buildApp({ config, db: handle.db, masterKey }, { logger: false });
    try {
      const login = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { email: 'alice@acme.example', password: PASSWORD } });
      const auth = { authorization: `Bearer ${login.json().token}` };
      const hint = `••••${platformKey.slice(-4)}`;
      expect((await app.inject({ url: '/api/v1/platform', headers: auth })).json()).toMatchObject({
        platform: 'freshservice',
        apiUrl: sim.url,
        apiKeyHint: hint,
        credentials: { apiKeyHint: hint },
      });
      const test = await app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: auth });
      expect(test.json()).toMatchObject({ ok: true });
      // The budget fingerprint is the one a key had before credential sets: its tested status carries over.
      expect(await isCredentialTested(handle.db, credentialFingerprint(sim.url, platformKey))).toBe(true);

      // Saved again without the key (the UI never has it): kept, now with its values beside it, still the same key.
      const resave = await app.inject({ method: 'PUT', url: '/api/v1/platform', headers: auth, payload: { platform: 'freshservice', apiUrl: sim.url } });
      expect(resave.statusCode, resave.body).toBe(200);
      expect(resave.json()).toMatchObject({ apiKeyHint: hint, credentials: { apiKeyHint: hint } });
      const replaced = await app.inject({
        method: 'PUT',
        url: '/api/v1/platform',
        headers: auth,
        payload: { platform: 'freshservice', apiUrl: sim.url, credentials: { apiKey: platformKey } },
      });
      expect(replaced.statusCode, replaced.body).toBe(200);
      const row = await handle.db.selectFrom('platform_configs').selectAll().where('organisation_id', '=', ids.acme).executeTakeFirstOrThrow();
      expect(decryptSecret(masterKey, row.api_key_ciphertext, ids.acme)).toBe(platformKey);
      expect((await app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: auth })).json()).toMatchObject({ ok: true });

      // The override from before: answered with its hint, kept when saved again without its key.
      const configuration = await app.inject({ url: `/api/v1/connections/${ids.connection}/configuration`, headers: auth });
      expect(configuration.json().apiOverride).toEqual({ apiUrl: sim.url, apiKeyHint: `••••${overrideKey.slice(-4)}` });
      const saved = await app.inject({
        method: 'PUT',
        url: `/api/v1/connections/${ids.connection}/configuration`,
        headers: auth,
        payload: { configuration: configuration.json().configuration, apiOverride: { apiUrl: sim.url } },
      });
      expect(saved.statusCode, saved.body).toBe(200);
      expect(saved.json().apiOverride).toEqual({ apiUrl: sim.url, apiKeyHint: `••••${overrideKey.slice(-4)}` });
    } finally {
      await app.close();
    }
  });

  it('a connection side reads its old override key and reaches the platform with it', async () => {
    const creds = await sideCredentials(handle.db, masterKey, ids.connection, 'source');
    expect(creds).toMatchObject({ platform: 'freshservice', apiUrl: sim.url, fields: { apiKey: overrideKey }, apiKey: overrideKey, secret: overrideKey });
    const target = await sideCredentials(handle.db, masterKey, ids.connection, 'target');
    expect(target).toMatchObject({ fields: { apiKey: platformKey } });
    const ctx = { db: handle.db, masterKey, config: { platformTimeoutMs: 3000, allowPrivatePlatformUrls: true } };
    const connector = await connectorForSide(ctx, ids.connection, 'source');
    const fields = await connector!.fieldDefinitions();
    expect(fields.some((f) => f.name === 'status')).toBe(true);
  });
});
