import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncPair, type SyncPair } from '../helpers/sync-pair.ts';

// The configuration's workspace choice (issue 12 item 4): GET …/workspaces lists the caller's own
// account's workspaces; PUT …/configuration checks a new choice against them.

let pair: SyncPair;
let url = '';
const get = (path: string, side: 'source' | 'target' = 'source') => pair.stack.app.inject({ url: `${url}${path}`, headers: pair[side].auth });
const put = (configuration: unknown, side: 'source' | 'target' = 'source', extra: object = {}) =>
  pair.stack.app.inject({ method: 'PUT', url: `${url}/configuration`, headers: pair[side].auth, payload: { configuration, ...extra } });
const saved = async (side: 'source' | 'target' = 'source') => (await get('/configuration', side)).json().configuration;

beforeAll(async () => {
  pair = await startSyncPair({ targetSeed: 'empty' });
  url = `/api/v1/connections/${pair.connectionId}`;
  // The provider's second workspace has another name: each side sees its own account only.
  pair.target.sim.state.workspaces.get(3)!.name = 'Facilities';
});
afterAll(async () => pair?.close());

describe('workspace choice in the configuration', () => {
  it('GET /workspaces lists the caller’s own account’s workspaces', async () => {
    const own = await get('/workspaces');
    expect(own.statusCode).toBe(200);
    expect(own.json()).toEqual({
      workspaces: [
        { id: '2', name: 'IT', primary: true },
        { id: '3', name: 'HR', primary: false },
      ],
      error: null,
    });
    expect((await get('/workspaces', 'target')).json().workspaces.map((w: any) => w.name)).toEqual(['IT', 'Facilities']);
  });

  it('an old document without workspaces stays valid and round-trips without the key', async () => {
    expect(await saved()).not.toHaveProperty('workspaces');
    const r = await put({ comments: { sendPublic: true } });
    expect(r.statusCode).toBe(200);
    expect(r.json().configuration).not.toHaveProperty('workspaces');
  });

  it.each([
    [
      'an unknown workspace',
      { ids: ['3', '7'] },
      'configuration.workspaces.ids.1',
      'There is no workspace 7 in your Freshservice account; choose from IT (2), HR (3).',
    ],
    ['a workspace twice', { ids: ['3', '3'] }, 'configuration.workspaces.ids.1', 'Workspace 3 is chosen twice; choose each workspace once.'],
    [
      'new tickets outside the synced workspaces',
      { ids: ['3'], createIn: '2' },
      'configuration.workspaces.createIn',
      'Workspace 2 is not one you sync; new tickets can be created in HR (3).',
    ],
  ])('refuses %s with a clear error and saves nothing', async (_name, workspaces, field, message) => {
    const r = await put({ workspaces });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toEqual({ code: 'invalid_workspace', field, message });
    expect(await saved()).not.toHaveProperty('workspaces');
  });

  it('refuses a malformed choice by its path', async () => {
    const r = await put({ workspaces: { ids: 'HR' } });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'validation_failed', field: 'configuration.workspaces.ids' });
    const extra = await put({ workspaces: { ids: ['3'], primary: true } });
    expect(extra.json().error).toMatchObject({ code: 'validation_failed', field: 'configuration.workspaces.primary' });
  });

  it('saves a known choice (createIn defaults to null) and keeps it when other settings are saved', async () => {
    const r = await put({ workspaces: { ids: ['2', '3'], createIn: '3' } });
    expect(r.statusCode).toBe(200);
    expect(r.json().configuration.workspaces).toEqual({ ids: ['2', '3'], createIn: '3' });
    pair.source.sim.clearRequests();
    // An unchanged choice is not checked again: saving other settings never waits for the platform.
    expect((await put({ workspaces: { ids: ['2', '3'], createIn: '3' }, attachments: { enabled: false } })).statusCode).toBe(200);
    expect(pair.source.sim.requests.filter((q) => q.path === '/api/v2/workspaces')).toHaveLength(0);
    expect((await saved()).workspaces).toEqual({ ids: ['2', '3'], createIn: '3' });
    const only = await put({ workspaces: { ids: ['3'] } });
    expect(only.json().configuration.workspaces).toEqual({ ids: ['3'], createIn: null });
    // Back to the primary: the key may be left out again.
    expect((await put({})).json().configuration).not.toHaveProperty('workspaces');
  });

  it('says why when the workspaces cannot be read, and when the account has none', async () => {
    pair.source.sim.faults.set({
      rules: [
        { method: 'GET', pathPattern: '/workspaces$', status: 403, body: { code: 'access_denied', message: 'You are not authorized to perform this action.' } },
      ],
    });
    try {
      const r = await put({ workspaces: { ids: ['3'] } });
      expect(r.statusCode).toBe(409);
      expect(r.json().error).toMatchObject({
        code: 'workspaces_unavailable',
        field: 'configuration.workspaces',
        message: expect.stringMatching(/^Your workspace choice cannot be checked: .*Nothing was saved\.$/),
      });
    } finally {
      pair.source.sim.faults.clear();
    }
    pair.source.sim.state.options.workspacesEndpoint = false;
    try {
      const r = await put({ workspaces: { ids: ['2'] } });
      expect(r.statusCode).toBe(400);
      expect(r.json().error).toEqual({
        code: 'invalid_workspace',
        field: 'configuration.workspaces.ids',
        message: 'Your Freshservice account has no workspaces; remove the workspace choice (its tickets sync without one).',
      });
    } finally {
      pair.source.sim.state.options.workspacesEndpoint = true;
    }
  });

  it('a viewer may list the workspaces, and another organisation gets 404', async () => {
    expect((await pair.stack.app.inject({ url: `${url}/workspaces` })).statusCode).toBe(401);
    expect(
      (await pair.stack.app.inject({ url: '/api/v1/connections/00000000-0000-4000-8000-000000000000/workspaces', headers: pair.source.auth })).statusCode,
    ).toBe(404);
  });
});
