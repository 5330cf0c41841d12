import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMasterKey } from '../../src/security/secret-key.ts';
import { buildApp } from '../../src/server/app.ts';
import { signUpAndLogIn } from '../helpers/stack.ts';
import { startSyncPair, type SyncPair } from '../helpers/sync-pair.ts';

let pair: SyncPair;
/** A second app on the same database: another process, with no memory of its own. */
let otherProcess: FastifyInstance;

beforeAll(async () => {
  pair = await startSyncPair();
  const { config, database, jobs } = pair.stack;
  otherProcess = await buildApp({ config, db: database.db, masterKey: await loadMasterKey(config.secretKey, config.dataDir), jobs }, { logger: false });
  await otherProcess.ready();
});
afterAll(async () => {
  await otherProcess?.close();
  await pair?.close();
});

const url = (query = '') => `/api/v1/connections/${pair.connectionId}/fields${query}`;
const get = (app: FastifyInstance, query: string, auth = pair.source.auth) => app.inject({ url: url(query), headers: auth });
/** Field reads the simulated platform has answered so far. */
const fieldCalls = (side: 'source' | 'target') => pair[side].sim.requests.filter((r) => r.path.includes('ticket_form_fields')).length;

describe('GET /connections/:id/fields through the field cache', () => {
  it('serves one side with roles and status categories; a second read, in any process, calls no platform', async () => {
    const first = await get(pair.stack.app, '?side=source');
    expect(first.statusCode).toBe(200);
    const body = first.json();
    expect(Object.keys(body)).toEqual(['source']);
    expect(body.source.error).toBeNull();
    expect(Date.parse(body.source.fetchedAt)).not.toBeNaN();
    const status = body.source.fields.find((f: { role?: string }) => f.role === 'status');
    expect(status).toBeDefined();
    expect(status.choices.every((c: { category?: string }) => typeof c.category === 'string')).toBe(true);
    const afterFirst = { source: fieldCalls('source'), target: fieldCalls('target') };
    expect(afterFirst.source).toBeGreaterThan(0);
    expect(afterFirst.target).toBe(0);

    const again = await get(pair.stack.app, '?side=source');
    expect(again.json()).toEqual(body);
    const elsewhere = await get(otherProcess, '?side=source');
    expect(elsewhere.json()).toEqual(body);
    expect(fieldCalls('source')).toBe(afterFirst.source);
  });

  it('refresh=1 reads the platform again', async () => {
    await get(pair.stack.app, '?side=source');
    const before = fieldCalls('source');
    const r = await get(otherProcess, '?side=source&refresh=1');
    expect(r.statusCode).toBe(200);
    expect(fieldCalls('source')).toBeGreaterThan(before);
  });

  it('the mapping tabs (both sides, and saving mappings) read through the same cache', async () => {
    await get(pair.stack.app, '?side=target');
    const before = { source: fieldCalls('source'), target: fieldCalls('target') };
    const both = await get(otherProcess, '');
    expect(Object.keys(both.json()).sort()).toEqual(['source', 'target']);
    const mappings = (await pair.stack.app.inject({ url: `/api/v1/connections/${pair.connectionId}/mappings`, headers: pair.source.auth })).json().mappings;
    const saved = await pair.stack.app.inject({
      method: 'PUT',
      url: `/api/v1/connections/${pair.connectionId}/mappings`,
      headers: pair.source.auth,
      payload: { mappings },
    });
    expect(saved.statusCode).toBe(200);
    expect({ source: fieldCalls('source'), target: fieldCalls('target') }).toEqual(before);
  });

  it('either organisation of the connection may read both sides; no one else may', async () => {
    const partner = await get(pair.stack.app, '?side=source', pair.target.auth);
    expect(partner.statusCode).toBe(200);
    expect(partner.json().source.error).toBeNull();
    const stranger = await signUpAndLogIn(pair.stack.app, 'fields-stranger');
    for (const query of ['?side=source', '?side=target', '', '?side=source&refresh=1']) {
      const r = await get(pair.stack.app, query, stranger.auth);
      expect(r.statusCode).toBe(404);
      expect(r.json().error.code).toBe('not_found');
    }
    const anonymous = await pair.stack.app.inject({ url: url('?side=source') });
    expect(anonymous.statusCode).toBe(401);
  });

  it('refuses an unknown side or refresh value', async () => {
    for (const query of ['?side=left', '?refresh=yes', '?other=1']) {
      const r = await get(pair.stack.app, query);
      expect(r.statusCode).toBe(400);
      expect(r.json().error.code).toBe('validation_failed');
    }
  });
});
