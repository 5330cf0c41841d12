import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import type { SeedName } from '../../src/simulator/freshservice/seed.ts';
import { call } from '../simulator/helpers.ts';
import { signUpAndLogIn, startStack, type TestStack } from './stack.ts';

/**
 * Two organisations on one Support Fusion (embedded storage, inline job runner), each with its own
 * simulated Freshservice account, paired through an active connection: Acme is the source (customer),
 * Globex the target (provider).
 */
export interface SyncPair {
  stack: TestStack;
  source: { sim: FreshserviceSimulator; auth: Record<string, string>; organisation: { id: string; name: string } };
  target: { sim: FreshserviceSimulator; auth: Record<string, string>; organisation: { id: string; name: string } };
  connectionId: string;
  /** Starts a manual run and waits for it; returns the run with its details. */
  sync(since?: string, as?: 'source' | 'target'): Promise<any>;
  /** Saves a side's configuration; reverse sync that needs the source's consent is approved by its admin. */
  configure(side: 'source' | 'target', configuration: Record<string, unknown>): Promise<void>;
  /** Saves the mappings as `as` (default the source); a change needing the partner's consent is approved by its admin. Returns the applied mappings. */
  saveMappings(mappings: unknown, as?: 'source' | 'target'): Promise<any>;
  close(): Promise<void>;
}

export async function startSyncPair(
  opts: { sourceSeed?: SeedName; targetSeed?: SeedName; sourceProfile?: string; stack?: Parameters<typeof startStack>[0] } = {},
): Promise<SyncPair> {
  const srcSim = await startFreshserviceSimulator({ name: 'acme', seed: opts.sourceSeed ?? 'demo', rateLimit: false });
  const tgtSim = await startFreshserviceSimulator({ name: 'globex', seed: opts.targetSeed ?? 'empty', rateLimit: false });
  const stack = await startStack({ listen: false, ...opts.stack });
  const a = await signUpAndLogIn(stack.app, `acme${Math.random().toString(36).slice(2, 6)}`);
  const b = await signUpAndLogIn(stack.app, `globex${Math.random().toString(36).slice(2, 6)}`);
  const must = async (r: Promise<{ statusCode: number; body: string; json(): any }>, status: number) => {
    const res = await r;
    if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`);
    return res.json();
  };
  for (const [auth, sim, profile] of [
    [a.auth, srcSim, opts.sourceProfile ?? 'admin'],
    [b.auth, tgtSim, 'admin'],
  ] as const) {
    await must(
      stack.app.inject({
        method: 'PUT',
        url: '/api/v1/platform',
        headers: auth,
        payload: { platform: 'freshservice', apiUrl: sim.url, apiKey: sim.keyFor(profile) },
      }),
      200,
    );
  }
  const created = await must(
    stack.app.inject({ method: 'POST', url: '/api/v1/connections', headers: a.auth, payload: { role: 'source', contractName: 'Acme managed IT' } }),
    201,
  );
  await must(
    stack.app.inject({ method: 'POST', url: '/api/v1/connections/accept', headers: b.auth, payload: { verificationCode: created.verificationCode } }),
    200,
  );
  const connectionId = created.id as string;
  const jobs = stack.jobs as typeof stack.jobs & { idle?: () => Promise<void> };

  // Both organisations are set up by the test: a change that writes into the partner's platform (issue 11
  // item 3) is approved by the partner's admin, as it would be by agreement.
  const approve = (proposal: { id: string; awaiting: { side: 'source' | 'target' } }) =>
    must(
      stack.app.inject({
        method: 'POST',
        url: `/api/v1/connections/${connectionId}/change-proposals/${proposal.id}/approve`,
        headers: proposal.awaiting.side === 'source' ? a.auth : b.auth,
      }),
      200,
    );

  const pair: SyncPair = {
    stack,
    source: { sim: srcSim, auth: a.auth, organisation: a.organisation },
    target: { sim: tgtSim, auth: b.auth, organisation: b.organisation },
    connectionId,
    async sync(since = new Date(Date.now() - 60 * 86_400_000).toISOString(), as = 'source') {
      const auth = as === 'source' ? a.auth : b.auth;
      const started = await must(
        stack.app.inject({ method: 'POST', url: `/api/v1/connections/${connectionId}/sync-runs`, headers: auth, payload: { since } }),
        202,
      );
      if (jobs.idle) await jobs.idle();
      for (let i = 0; i < 600; i++) {
        const run = await must(stack.app.inject({ url: `/api/v1/sync-runs/${started.id}`, headers: auth }), 200);
        if (run.status !== 'running') return run;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('sync run did not finish');
    },
    async configure(side, configuration) {
      const auth = side === 'source' ? a.auth : b.auth;
      const r = await stack.app.inject({ method: 'PUT', url: `/api/v1/connections/${connectionId}/configuration`, headers: auth, payload: { configuration } });
      if (r.statusCode === 202) await approve(r.json().proposal);
      else if (r.statusCode !== 200) throw new Error(`expected 200 or 202, got ${r.statusCode}: ${r.body}`);
    },
    async saveMappings(mappings, as = 'source') {
      const r = await stack.app.inject({
        method: 'PUT',
        url: `/api/v1/connections/${connectionId}/mappings`,
        headers: as === 'source' ? a.auth : b.auth,
        payload: { mappings },
      });
      if (r.statusCode === 202) await approve(r.json().proposal);
      else if (r.statusCode !== 200) throw new Error(`expected 200 or 202, got ${r.statusCode}: ${r.body}`);
      return must(stack.app.inject({ url: `/api/v1/connections/${connectionId}/mappings`, headers: a.auth }), 200).then((x) => x.mappings);
    },
    async close() {
      await stack.close();
      await srcSim.close();
      await tgtSim.close();
    },
  };
  return pair;
}

/** Tickets of a simulated account, as a human would see them (state, not API: no credits used). */
export function ticketsOf(sim: FreshserviceSimulator) {
  return [...sim.state.tickets.values()].filter((t) => !t.deleted);
}

/** A person working in the helpdesk (not the integration agent) changes something through the API. */
export async function humanCall(sim: FreshserviceSimulator, method: string, path: string, body?: unknown) {
  const r = await call(sim, method, path, { key: sim.keyFor('supervisor_only'), ...(body === undefined ? {} : { body }) });
  if (r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${r.text}`);
  return r.json;
}

/** The simulator stamps updated_at in whole seconds; a change must land in a later second to be "newer". */
export const nextSecond = () => new Promise((r) => setTimeout(r, 1100 - (Date.now() % 1000)));
