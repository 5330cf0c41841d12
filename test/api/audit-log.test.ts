import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteMember, tokenOfUrl, type InvitedMember } from '../helpers/members.ts';
import { startSyncPair, type SyncPair } from '../helpers/sync-pair.ts';
import { encodingsOf } from '../security/helpers.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
interface Event {
  id: string;
  at: string;
  actor: { id: string | null; email: string };
  action: string;
  target: { type: string; id: string | null; label: string | null };
  before: any;
  after: any;
}

let pair: SyncPair;
let acme: Record<string, string>;
let acmeEmail: string;
let member: InvitedMember;
let viewer: InvitedMember;
const OVERRIDE_KEY = 'OverrideKey-7f3a9c2e11d4';
const secrets: string[] = [];
const startedAt = new Date();

const call = (method: Method, url: string, headers: Record<string, string>, payload?: unknown) =>
  pair.stack.app.inject({ method, url: `/api/v1${url}`, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
const must = async (method: Method, url: string, headers: Record<string, string>, payload?: unknown) => {
  const r = await call(method, url, headers, payload);
  if (r.statusCode >= 300) throw new Error(`${method} ${url} → ${r.statusCode} ${r.body}`);
  return r.json();
};
const log = async (query = '', who = acme) => {
  const r = await call('GET', `/audit-log${query}`, who);
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as { events: Event[]; nextBefore: string | null };
};

beforeAll(async () => {
  pair = await startSyncPair();
  acme = pair.source.auth;
  acmeEmail = (await must('GET', '/me', acme)).user.email;
  const c = `/connections/${pair.connectionId}`;
  secrets.push(pair.source.sim.keyFor('admin'), pair.target.sim.keyFor('admin'), OVERRIDE_KEY);
  // Credentials: saved again without a key (kept), then with another key.
  await must('PUT', '/platform', acme, { platform: 'freshservice', apiUrl: pair.source.sim.url });
  await must('PUT', '/platform', acme, { platform: 'freshservice', apiUrl: pair.source.sim.url, apiKey: pair.source.sim.keyFor('admin') });
  const configuration = (await must('GET', `${c}/configuration`, acme)).configuration;
  await must('PUT', `${c}/configuration`, acme, {
    configuration: { ...configuration, attachments: { enabled: false } },
    apiOverride: { apiUrl: pair.source.sim.url, apiKey: OVERRIDE_KEY },
  });
  await must('PUT', `${c}/configuration`, acme, { configuration, apiOverride: null });
  member = await inviteMember(pair.stack.app, acme, 'member', 'audit');
  viewer = await inviteMember(pair.stack.app, acme, 'viewer', 'audit');
  // The member edits the shared mappings and runs the connection.
  const mappings = (await must('GET', `${c}/mappings`, member.auth)).mappings;
  mappings.types.Incident.fields[3].direction = 'bidirectional';
  await must('PUT', `${c}/mappings`, member.auth, { mappings });
  await pair.sync();
  // Operating the connection is audited too, not only changing it: Test Connection, Sync now (above), a dry run.
  await must('POST', '/platform/test', acme);
  await must('POST', `${c}/dry-runs`, member.auth, { since: new Date(Date.now() - 7 * 86_400_000).toISOString() });
  await must('PUT', `${c}/automatic-sync`, member.auth, { enabled: true });
  await must('PUT', `${c}/automatic-sync`, acme, { enabled: false });
  const webhook = await must('POST', `${c}/webhook/rotate`, acme);
  secrets.push(tokenOfUrl(webhook.url));
  const revoked = await must('POST', '/invitations', acme, { role: 'admin', email: 'later@example.com' });
  secrets.push(tokenOfUrl(revoked.url));
  await must('DELETE', `/invitations/${revoked.id}`, acme);
  await must('PATCH', `/members/${viewer.id}`, acme, { role: 'member' });
  await must('PATCH', `/members/${viewer.id}`, acme, { role: 'viewer' });
  const gone = await inviteMember(pair.stack.app, acme, 'viewer', 'leaver');
  await must('DELETE', `/members/${gone.id}`, acme);
  const pending = await must('POST', '/connections', acme, { role: 'source', contractName: 'Short-lived' });
  await must('DELETE', `/connections/${pending.id}`, acme);
}, 120_000);
afterAll(async () => pair?.close());

describe('audit log', () => {
  it('records every kind of change with who, when, target and before/after', async () => {
    const { events } = await log('?limit=200');
    const actions = events.map((e) => e.action);
    for (const a of [
      'platform.saved',
      'connection.created',
      'connection.configuration_saved',
      'connection.mappings_saved',
      'connection.automatic_sync_changed',
      'connection.webhook_rotated',
      'connection.revoked',
      'invitation.created',
      'invitation.revoked',
      'invitation.accepted',
      'member.role_changed',
      'member.removed',
    ])
      expect(actions, a).toContain(a);
    for (const e of events) {
      expect(new Date(e.at).getTime()).toBeGreaterThanOrEqual(startedAt.getTime() - 1000);
      expect(new Date(e.at).getTime()).toBeLessThanOrEqual(Date.now());
    }
    // Newest first.
    expect(events.map((e) => Number(e.id))).toEqual([...events.map((e) => Number(e.id))].sort((x, y) => y - x));
    expect(events[0]!.action).toBe('connection.revoked');

    const saved = events.filter((e) => e.action === 'platform.saved');
    // Sign-up's first save, the key kept, and the key changed.
    expect(saved.map((e) => e.after.apiKey)).toEqual(['•••• (changed)', '•••• (unchanged)', '•••• (changed)']);
    expect(saved[2]!.before).toBeNull();
    expect(saved[1]!.before).toEqual({ platform: 'freshservice', apiUrl: pair.source.sim.url, apiKey: '•••• (unchanged)' });
    expect(saved.every((e) => e.actor.email === acmeEmail)).toBe(true);

    const config = events.filter((e) => e.action === 'connection.configuration_saved');
    expect(config).toHaveLength(2);
    expect(config[1]!.target).toEqual({ type: 'connection', id: pair.connectionId, label: 'Acme managed IT' });
    expect(config[1]!.before.configuration.attachments.enabled).toBe(true);
    expect(config[1]!.after.configuration.attachments.enabled).toBe(false);
    expect(config[1]!.after.apiOverride).toEqual({ apiUrl: pair.source.sim.url, apiKey: '•••• (changed)' });
    expect(config[0]!.before.apiOverride).toEqual({ apiUrl: pair.source.sim.url, apiKey: '•••• (set)' });
    expect(config[0]!.after.apiOverride).toBeNull();

    const mappings = events.find((e) => e.action === 'connection.mappings_saved')!;
    expect(mappings.actor).toEqual({ id: member.id, email: member.email });
    expect(mappings.before.mappings.types.Incident.fields[3]).toMatchObject({ sourceField: 'priority', direction: 'source_to_target' });
    expect(mappings.after.mappings.types.Incident.fields[3]).toMatchObject({ sourceField: 'priority', direction: 'bidirectional' });

    const auto = events.filter((e) => e.action === 'connection.automatic_sync_changed');
    expect(auto.map((e) => [e.actor.email, e.before, e.after])).toEqual([
      [acmeEmail, { enabled: true }, { enabled: false }],
      [member.email, { enabled: false }, { enabled: true }],
    ]);

    const roles = events.filter((e) => e.action === 'member.role_changed');
    expect(roles.map((e) => [e.target.label, e.before.role, e.after.role])).toEqual([
      [viewer.email, 'member', 'viewer'],
      [viewer.email, 'viewer', 'member'],
    ]);
    const removed = events.find((e) => e.action === 'member.removed')!;
    expect(removed.before).toMatchObject({ email: 'viewer-leaver@example.com', role: 'viewer' });
    expect(removed.after).toBeNull();
    // Invitations accepted: the new member is the actor.
    const accepted = events.filter((e) => e.action === 'invitation.accepted');
    expect(accepted.map((e) => e.actor.email)).toEqual(['viewer-leaver@example.com', viewer.email, member.email]);
    expect(accepted[2]!.after).toMatchObject({ role: 'member', email: member.email });
    const inv = events.filter((e) => e.action.startsWith('invitation.') && e.target.label === 'later@example.com');
    expect(inv.map((e) => e.action)).toEqual(['invitation.revoked', 'invitation.created']);
    expect(inv[1]!.after).toMatchObject({ role: 'admin', email: 'later@example.com' });
  });

  it('records Test Connection, Sync now and dry runs, with who did it and on what', async () => {
    const { events } = await log('?limit=200');
    const tested = events.filter((e) => e.action === 'platform.tested');
    expect(tested).toHaveLength(1);
    expect(tested[0]).toMatchObject({
      actor: { email: acmeEmail },
      target: { type: 'platform', id: 'freshservice', label: pair.source.sim.url },
      after: { ok: true },
    });
    const started = events.filter((e) => e.action === 'connection.sync_started');
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ actor: { email: acmeEmail }, target: { type: 'connection', id: pair.connectionId, label: 'Acme managed IT' } });
    expect(started[0]!.after.runId).toMatch(/^[0-9a-f-]{36}$/);
    const dry = events.filter((e) => e.action === 'connection.dry_run');
    expect(dry).toHaveLength(1);
    expect(dry[0]).toMatchObject({ actor: { id: member.id, email: member.email }, target: { type: 'connection', id: pair.connectionId }, after: { ok: true } });
    // Each is offered by the log's action filter.
    for (const action of ['platform.tested', 'connection.sync_started', 'connection.dry_run']) {
      expect((await log(`?action=${action}`)).events.length, action).toBe(1);
    }
  });

  it('never holds a secret: API keys and webhook or invitation tokens appear in neither the answer nor the table', async () => {
    const body = (await call('GET', '/audit-log?limit=200', acme)).body;
    const table = JSON.stringify((await sql<{ r: unknown }>`SELECT to_jsonb(e) AS r FROM audit_events e`.execute(pair.stack.database.db)).rows);
    expect(table.length).toBeGreaterThan(1000);
    for (const secret of secrets) {
      for (const enc of encodingsOf(secret)) {
        expect(body.includes(enc), `answer holds ${enc}`).toBe(false);
        expect(table.includes(enc), `table holds ${enc}`).toBe(false);
      }
      // Nor its last four characters (the hint the Settings page shows).
      expect(table.includes(`••••${secret.slice(-4)}`)).toBe(false);
    }
  });

  it('each organisation sees its own events: the partner logs its own acceptance and changes to the shared mappings, not Acme’s own settings', async () => {
    const globex = await log('?limit=200', pair.target.auth);
    // The mappings decide what is written into both platforms: both logs record a change to them (write consent).
    expect(globex.events.map((e) => e.action).sort()).toEqual(['connection.accepted', 'connection.mappings_saved', 'platform.saved']);
    expect(globex.events.find((e) => e.action === 'connection.mappings_saved')!.actor).toEqual({ id: member.id, email: member.email });
    const accepted = globex.events.find((e) => e.action === 'connection.accepted')!;
    expect(accepted.after).toMatchObject({ status: 'active', role: 'target', partner: pair.source.organisation.name });
    const acmeIds = new Set((await log('?limit=200')).events.map((e) => e.id));
    expect(globex.events.some((e) => acmeIds.has(e.id))).toBe(false);
  });

  it('filters by action, actor (e-mail part or id) and time; pages newest first without gaps or repeats', async () => {
    const all = (await log('?limit=200')).events;
    const byAction = (await log('?action=member.role_changed')).events;
    expect(byAction.length).toBe(2);
    expect(byAction.every((e) => e.action === 'member.role_changed')).toBe(true);
    const byEmail = (await log(`?actor=${encodeURIComponent(member.email.slice(0, 12).toUpperCase())}`)).events;
    expect(byEmail.length).toBeGreaterThanOrEqual(3);
    expect(byEmail.every((e) => e.actor.email === member.email)).toBe(true);
    expect((await log(`?actor=${member.id}`)).events.map((e) => e.id)).toEqual(byEmail.map((e) => e.id));
    expect((await log(`?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).events).toEqual([]);
    expect((await log(`?to=${encodeURIComponent(new Date(startedAt.getTime() - 60_000).toISOString())}`)).events).toEqual([]);
    const mid = all[Math.floor(all.length / 2)]!;
    const fromMid = (await log(`?limit=200&from=${encodeURIComponent(mid.at)}`)).events;
    expect(fromMid.every((e) => e.at >= mid.at)).toBe(true);
    expect(fromMid.map((e) => e.id)).toContain(mid.id);

    const pages: Event[] = [];
    let before: string | null = null;
    for (let i = 0; i < 50; i++) {
      const page = await log(`?limit=4${before ? `&before=${before}` : ''}`);
      expect(page.events.length).toBeLessThanOrEqual(4);
      pages.push(...page.events);
      before = page.nextBefore;
      if (!before) break;
    }
    expect(pages.map((e) => e.id)).toEqual(all.map((e) => e.id));

    for (const [q, field] of [
      ['?action=everything', 'action'],
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?from=yesterday', 'from'],
      ['?before=abc', 'before'],
    ] as const) {
      const r = await call('GET', `/audit-log${q}`, acme);
      expect(r.statusCode, q).toBe(400);
      expect(r.json().error.field).toBe(field);
    }
  });

  it('is for admins only and cannot be changed through the app or in the table', async () => {
    for (const who of [member, viewer]) {
      const r = await call('GET', '/audit-log', who.auth);
      expect(r.statusCode).toBe(403);
      expect(r.json().error.code).toBe('forbidden');
    }
    const one = (await log('?limit=1')).events[0]!;
    for (const method of ['PUT', 'PATCH', 'DELETE', 'POST'] as const) {
      expect((await call(method, '/audit-log', acme, {})).statusCode).toBe(404);
      expect((await call(method, `/audit-log/${one.id}`, acme, {})).statusCode).toBe(404);
    }
    await expect(sql`UPDATE audit_events SET action = 'member.removed' WHERE id = ${one.id}`.execute(pair.stack.database.db)).rejects.toThrow(
      /cannot be changed/,
    );
    expect((await log('?limit=1')).events[0]).toEqual(one);
  });
});
