import type { FastifyInstance } from 'fastify';
import { FaultController } from './faults.ts';
import { planLimits, RateLimiter, type Plan, type RateLimitedOp } from './rate-limit.ts';
import { agentProfiles, seedState, type SeedName } from './seed.ts';
import { buildApp, trackSockets, type RequestLogEntry } from './server.ts';
import { setMandatoryFields, STANDARD_MANDATORY, type MandatoryFields } from './mandatory-fields.ts';
import type { SearchLag } from './search-index.ts';
import { SimulatorState } from './state.ts';

export type { RateLimitedOp, Plan } from './rate-limit.ts';
export type { RequestLogEntry } from './server.ts';
export { FaultController, type FaultRule, type FaultPatch, type FaultSnapshot } from './faults.ts';
export { SimulatorState } from './state.ts';
export type { SearchLag } from './search-index.ts';
export { agentProfiles } from './seed.ts';
export { apiKeyFor } from './util.ts';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  name?: string;
  seed?: SeedName;
  plan?: Plan;
  rateLimit?: { windowMs?: number; overall?: number; subLimits?: Partial<Record<RateLimitedOp, number>> } | false;
  now?: () => Date;
  /** Custom fields an admin made mandatory (true: IT field for agents, Resolution code for closure); default none. */
  mandatoryFields?: MandatoryFields | boolean;
  /** Search-index lag of /tickets/filter from the start (default off); tests flip `state.search` instead. */
  searchLag?: SearchLag;
  /** POST /requesters without last_name is refused, as the docs' table says (default true). */
  requesterLastNameRequired?: boolean;
}

export interface SimulatorAgentInfo {
  profile: string;
  id: number;
  name: string;
  email: string;
  apiKey: string;
  description: string;
}

export interface FreshserviceSimulator {
  url: string;
  port: number;
  name: string;
  agents: SimulatorAgentInfo[];
  keyFor(profile: string): string;
  state: SimulatorState;
  faults: FaultController;
  requests: RequestLogEntry[];
  limiter: RateLimiter;
  clearRequests(): void;
  close(): Promise<void>;
}

/** Starts one simulated Freshservice account on its own HTTP server. */
export async function startFreshserviceSimulator(opts: SimulatorOptions = {}): Promise<FreshserviceSimulator> {
  const name = opts.name ?? 'acme';
  const now = opts.now ?? (() => new Date());
  const state = new SimulatorState(name, now);
  seedState(state, opts.seed ?? 'demo');
  if (opts.mandatoryFields) setMandatoryFields(state, opts.mandatoryFields === true ? STANDARD_MANDATORY : opts.mandatoryFields);
  if (opts.searchLag) state.search.set(opts.searchLag);
  if (opts.requesterLastNameRequired !== undefined) state.options.requesterLastNameRequired = opts.requesterLastNameRequired;
  const plan = planLimits[opts.plan ?? 'pro'];
  const { overall, ...planSubs } = plan;
  const rl = opts.rateLimit === false ? {} : (opts.rateLimit ?? {});
  const limiter = new RateLimiter(
    { windowMs: rl.windowMs ?? 60_000, overall: rl.overall ?? overall, subLimits: { ...planSubs, ...(rl.subLimits ?? {}) }, enabled: opts.rateLimit !== false },
    () => now().getTime(),
  );
  const faults = new FaultController(state.search);
  const requests: RequestLogEntry[] = [];
  const closing = { value: false };
  let url = '';
  const agents = (): SimulatorAgentInfo[] =>
    agentProfiles.map((p) => {
      const a = state.agentByProfile(p.profile);
      if (!a) throw new Error(`profile ${p.profile} missing`);
      return {
        profile: p.profile,
        id: a.id,
        name: `${a.first_name} ${a.last_name ?? ''}`.trim(),
        email: a.email ?? '',
        apiKey: a.agent.api_key,
        description: a.agent.description,
      };
    });

  const app: FastifyInstance = await buildApp({ state, faults, limiter, requests, baseUrl: () => url, agentsInfo: agents, closing });
  await app.listen({ port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' });
  const sockets = trackSockets(app);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const host = opts.host ?? '127.0.0.1';
  url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closed: Promise<void> | null = null;
  return {
    url,
    port,
    name,
    get agents() {
      return agents();
    },
    keyFor(profile: string): string {
      const a = state.agentByProfile(profile);
      if (!a) throw new Error(`Unknown agent profile "${profile}". Profiles: ${agentProfiles.map((p) => p.profile).join(', ')}`);
      return a.agent.api_key;
    },
    state,
    faults,
    requests,
    limiter,
    clearRequests: () => void (requests.length = 0),
    close(): Promise<void> {
      closed ??= (async () => {
        closing.value = true;
        faults.releaseHung();
        for (const s of sockets) s.destroy();
        await app.close();
      })();
      return closed;
    },
  };
}
