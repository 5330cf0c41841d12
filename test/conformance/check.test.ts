/** Checklist 1: Test Connection's categories, and the private-address rule. */
import { expect, it } from 'vitest';
import { authOptions, forEachPlatform, SHORT_TIMEOUT_MS, TIMEOUT_MS } from './suite.ts';

forEachPlatform('check (Test Connection)', (p) => {
  it('the connector carries its platform id and manifest, and knows whom it acts as', async () => {
    const c = p.connector();
    expect(c.platform).toBe(p.harness.platform);
    expect(c.manifest.id).toBe(p.harness.platform);
    expect(c.manifest).toEqual(p.manifest);
    const me = await c.whoAmI();
    expect(me.id).toBeTruthy();
  });

  it('good credentials pass', async () => {
    const r = await p.def.testConnection(p.sim.credentials('admin'), { ...authOptions(p.sim, 'admin'), timeoutMs: TIMEOUT_MS });
    expect(r.ok ? 'passed' : r.error).toBe('passed');
    expect(r.checks.length).toBeGreaterThan(0);
    expect(r.checks.every((c) => c.status === 'passed' || c.status === 'skipped')).toBe(true);
  });

  it('bad credentials → authentication_failed, with the platform’s hints', async () => {
    const r = await p.def.testConnection(p.sim.credentials('bad'), { ...authOptions(p.sim, 'bad'), timeoutMs: TIMEOUT_MS });
    expect(r.ok ? 'passed' : r.error.code).toBe('authentication_failed');
    if (!r.ok) expect(r.error.hints.length).toBeGreaterThan(0);
  });

  it('a missing permission → permission_denied', async () => {
    const r = await p.def.testConnection(p.sim.credentials('no_permission'), { ...authOptions(p.sim, 'no_permission'), timeoutMs: TIMEOUT_MS });
    expect(r.ok ? 'passed' : r.error.code).toBe('permission_denied');
  });

  it('a platform that hangs → connection_timeout (within the time given)', async () => {
    await p.sim.injectFault({ hang: true });
    const r = await p.def.testConnection(p.sim.credentials('admin'), { ...authOptions(p.sim, 'admin'), timeoutMs: SHORT_TIMEOUT_MS });
    expect(r.ok ? 'passed' : r.error.code).toBe('connection_timeout');
  });

  it('a private address is refused unless the instance allows private platform URLs', async () => {
    // The simulator listens on loopback: a private address.
    const refused = p.def.normaliseApiUrl(p.sim.apiUrl, { allowPrivate: false });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.message.length).toBeGreaterThan(10);
    const allowed = p.def.normaliseApiUrl(p.sim.apiUrl, { allowPrivate: true });
    expect(allowed).toEqual({ ok: true, url: p.sim.apiUrl });
    // Where the name resolves is checked at connect time too (a public-looking name can point inside).
    await p.sim.clearRequestLog();
    const guarded = await p.def.testConnection(p.sim.credentials('admin'), {
      ...authOptions(p.sim, 'admin'),
      timeoutMs: TIMEOUT_MS,
      addressPolicy: { allowPrivate: false },
    });
    expect(guarded.ok).toBe(false);
    const log = await p.sim.requestLog();
    expect(log).toEqual([]);
    const open = await p.def.testConnection(p.sim.credentials('admin'), {
      ...authOptions(p.sim, 'admin'),
      timeoutMs: TIMEOUT_MS,
      addressPolicy: { allowPrivate: true },
    });
    expect(open.ok ? 'passed' : open.error).toBe('passed');
  });

  it('an access token the platform stops accepting is refreshed once and stored: the next connector needs no refresh of its own', async (ctx) => {
    ctx.skip(!p.sim.expireAccessTokens, `${p.mode?.label ?? 'the default way in'} of ${p.manifest.name} has no access tokens to expire`);
    const before = p.sim.credentials('admin').fields;
    await p.sim.expireAccessTokens!();
    expect((await p.connector().whoAmI()).id).toBeTruthy();
    const after = p.sim.credentials('admin').fields;
    expect(after, 'the rotated tokens reach the credential store').not.toEqual(before);
    // With rotation, a next connector on the old refresh token would be refused: it must start from what was stored.
    expect((await p.connector().whoAmI()).id).toBeTruthy();
    expect(p.sim.credentials('admin').fields, 'no second refresh').toEqual(after);
  });

  it('calls that meet an expired access token at once share one refresh: none is refused on a refresh token rotated away', async (ctx) => {
    ctx.skip(!p.sim.expireAccessTokens, `${p.mode?.label ?? 'the default way in'} of ${p.manifest.name} has no access tokens to expire`);
    // Two connectors of the same saved set (two workers of one sync) and parallel calls within each.
    const [a, b] = [p.connector(), p.connector()];
    await p.sim.expireAccessTokens!();
    const mes = await Promise.all([a.whoAmI(), b.whoAmI(), a.whoAmI(), b.whoAmI()]);
    expect(new Set(mes.map((m) => m.id)).size).toBe(1);
    expect((await p.connector().whoAmI()).id, 'a connector built from what was stored afterwards').toBe(mes[0]!.id);
  });
});
