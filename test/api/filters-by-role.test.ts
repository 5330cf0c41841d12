/**
 * Sync filters read groups through the side's group-role field: Jira Service Management has none, so a group
 * condition saved on the Jira side would let no ticket through. PUT …/configuration refuses it with a 400 naming
 * the filter and the fix; the Freshservice side (which has a group field) saves one; and when the Jira side's
 * fields cannot be read the save goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimHandle } from '../conformance/harness.ts';
import { expectJson as json, harnessFor, startPlatformPair, type PlatformPair } from '../helpers/platform-pair.ts';
import type { TestStack } from '../helpers/stack.ts';

describe('group conditions in sync filters', { timeout: 120_000 }, () => {
  let pair: PlatformPair;
  let stack: TestStack;
  const sims = {} as Record<'source' | 'target', SimHandle>;
  const auth = {} as Record<'source' | 'target', Record<string, string>>;
  let connectionId = '';
  // Jira is the source here, so both its filter kinds are the ones checked.
  const platforms = { source: 'jira_service_management', target: 'freshservice' } as const;

  beforeAll(async () => {
    pair = await startPlatformPair(platforms, { contractName: 'Filters by role', listen: false });
    ({ stack, connectionId } = pair);
    Object.assign(sims, pair.sims);
    Object.assign(auth, pair.auth);
  }, 120_000);

  afterAll(async () => {
    await pair?.close();
  });

  const put = (side: 'source' | 'target', configuration: unknown) =>
    stack.app.inject({ method: 'PUT', url: `/api/v1/connections/${connectionId}/configuration`, headers: auth[side], payload: { configuration } });
  const fields = (side: 'source' | 'target') =>
    json(stack.app.inject({ url: `/api/v1/connections/${connectionId}/fields?side=${side}`, headers: auth[side] }), 200);

  it('the Jira side has no group-role field, the Freshservice side has one', async () => {
    const jira = (await fields('source')).source;
    expect(jira.error).toBeNull();
    expect(jira.fields.some((f: { role?: string }) => f.role === 'status')).toBe(true);
    expect(jira.fields.some((f: { role?: string }) => f.role === 'group')).toBe(false);
    const fs = (await fields('target')).target;
    expect(fs.fields.some((f: { role?: string }) => f.role === 'group')).toBe(true);
  });

  it('refuses a group condition on the Jira side, naming the filter and the fix; nothing is saved', async () => {
    const r = await put('source', { filters: { groups: ['5400021034'] } });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'validation_failed', field: 'configuration.filters.groups' });
    expect(r.json().error.message).toBe(
      'Sync filters: the Groups condition would let no ticket through, because your platform has no group field. Leave Groups empty (untick every group) and save again; nothing was saved.',
    );
    const saved = await json(stack.app.inject({ url: `/api/v1/connections/${connectionId}/configuration`, headers: auth.source }), 200);
    expect(saved.configuration.filters.groups).toEqual([]);
  });

  it('saves other conditions on the Jira side, and a group condition on the Freshservice side', async () => {
    const jira = await put('source', { filters: { statuses: ['1'], ticketTypes: ['Incident'] } });
    expect(jira.statusCode, jira.body).toBe(200);
    const groupId = (await fields('target')).target.fields.find((f: { role?: string }) => f.role === 'group').choices[0].value;
    const fs = await put('target', { reverseSync: { enabled: false, filters: { groups: [String(groupId)] } } });
    expect(fs.statusCode, fs.body).toBe(200);
    expect(fs.json().configuration.reverseSync.filters.groups).toEqual([String(groupId)]);
  });

  it('saves a group condition when the Jira side cannot be asked for its fields', async () => {
    // The organisation moves to another Jira account that then goes away: its fields are not known.
    const gone = await harnessFor(platforms.source).start();
    const creds = gone.credentials('admin');
    await json(
      stack.app.inject({
        method: 'PUT',
        url: '/api/v1/platform',
        headers: auth.source,
        payload: { platform: platforms.source, apiUrl: creds.apiUrl, credentials: creds.fields },
      }),
      200,
    );
    await gone.close();
    expect((await fields('source')).source.error).not.toBeNull();
    const r = await put('source', { filters: { groups: ['5400021034'] }, comments: { sendPublic: false } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().configuration.filters.groups).toEqual(['5400021034']);
  });
});
