import type { z } from 'zod';
import type { ConnectionCheck, ConnectionTestResult } from '../../core/connection-test.ts';
import { FRESHSERVICE_TROUBLESHOOTING } from './manifest.ts';
import { createHttpClient, NetworkError, type HttpClient, type HttpResponse } from '../../connector-kit/http.ts';
import { BudgetUnavailableError, type RateGate } from '../../connector-kit/rate-gate.ts';
import type { AddressPolicy } from '../../connector-kit/ssrf.ts';
import { classifyFailure, notTheApi, type Classified } from './classify.ts';
import { groupAccessOf, namedGroups } from './group-access.ts';
import { assessRoles, REQUIRED_ROLES } from './role-rights.ts';
import { rateLimitClassOf } from './rate-classes.ts';
import { AgentEnvelope, GroupsEnvelope, RequestersEnvelope, RolesEnvelope, TicketsEnvelope } from './schemas.ts';

export interface FreshserviceCredentials {
  apiUrl: string; // normalised base URL, no path
  apiKey: string;
}

const STEPS = [
  { id: 'reach', label: 'Reach the Freshservice API' },
  { id: 'authenticate', label: 'Authenticate the API key' },
  { id: 'roles', label: "Read the agent's roles" },
  { id: 'groups', label: 'Read groups and group access' },
  { id: 'tickets', label: 'Read tickets' },
  { id: 'lookups', label: 'Look up requesters' },
] as const;
type StepId = (typeof STEPS)[number]['id'];

class StepFailed extends Error {
  constructor(readonly classified: Classified) {
    super(classified.message);
  }
}

/**
 * "Test Connection": a handful of calls that prove the integration agent can do what sync needs
 * (/agents/me, /roles, /groups, a one-ticket list, a one-requester lookup). Stops at the first failure
 * and reports it in one of the guide's troubleshooting categories; never throws for platform trouble.
 */
export async function testFreshserviceConnection(
  creds: FreshserviceCredentials,
  opts: {
    timeoutMs: number;
    http?: HttpClient;
    addressPolicy?: AddressPolicy;
    /** Each call spends the budget of `budgetAccount` (the host when unset) like any other platform call. */
    rateGate?: RateGate;
    budgetAccount?: string;
    /** A person is waiting: a budget wait longer than this fails the step as rate_limited (default 10 s). */
    maxBudgetWaitMs?: number;
  },
): Promise<ConnectionTestResult> {
  const account = opts.budgetAccount ?? new URL(creds.apiUrl).host;
  const http =
    opts.http ??
    createHttpClient({
      baseUrl: `${creds.apiUrl}/api/v2`,
      // Its calls count in sf_platform_api_calls_total under their platform, like the sync's.
      platform: 'freshservice',
      auth: { kind: 'basic', username: creds.apiKey, password: 'X' },
      timeoutMs: opts.timeoutMs,
      maxBodyBytes: 5 * 1024 * 1024,
      ...(opts.addressPolicy ? { addressPolicy: opts.addressPolicy } : {}),
    });
  const checks: ConnectionCheck[] = STEPS.map((s) => ({ id: s.id, label: s.label, status: 'skipped' }));
  const pass = (id: StepId, detail?: string) => {
    const c = checks.find((x) => x.id === id)!;
    c.status = 'passed';
    if (detail) c.detail = detail;
  };
  let current: StepId = 'reach';

  async function call<T extends z.ZodTypeAny>(path: string, query: Record<string, string | number>, schema: T, what: string): Promise<z.infer<T>> {
    let res: HttpResponse;
    try {
      await opts.rateGate?.acquire(account, 1, undefined, rateLimitClassOf('GET', path), { maxWaitMs: opts.maxBudgetWaitMs ?? 10_000 });
    } catch (err) {
      if (err instanceof BudgetUnavailableError) {
        throw new StepFailed({
          code: 'rate_limited',
          message: `Support Fusion has used this account's API budget for the moment (${err.message}); nothing was wrong with the connection so far.`,
        });
      }
      throw err;
    }
    try {
      res = await http.request('GET', path, { query });
    } catch (err) {
      if (err instanceof NetworkError) throw new StepFailed(classifyFailure(err, what));
      throw err;
    }
    if (opts.rateGate && (res.rateLimit.total !== null || res.rateLimit.remaining !== null || res.status === 429)) {
      const retryAfterMs = res.status === 429 && res.rateLimit.retryAfterSeconds !== null ? res.rateLimit.retryAfterSeconds * 1000 : null;
      await opts.rateGate
        .observe(account, { total: res.rateLimit.total, remaining: res.status === 429 ? 0 : res.rateLimit.remaining, retryAfterMs })
        .catch(() => {});
    }
    if (res.status !== 200) throw new StepFailed(classifyFailure(res, what));
    const parsed = schema.safeParse(res.json);
    if (!parsed.success) throw new StepFailed(notTheApi(what));
    return parsed.data;
  }

  try {
    // /agents/me needs no admin permission, so it separates "reachable + authenticated" from "allowed".
    let me: z.infer<typeof AgentEnvelope>;
    try {
      me = await call('/agents/me', {}, AgentEnvelope, 'reading the integration agent (/agents/me)');
    } catch (err) {
      // An authentication or permission answer still proves the URL reaches Freshservice.
      if (err instanceof StepFailed && !isReachFailure(err.classified)) {
        pass('reach', creds.apiUrl);
        current = 'authenticate';
      }
      throw err;
    }
    pass('reach', creds.apiUrl);
    current = 'authenticate';
    const agent = me.agent;
    const agentName = [agent.first_name, agent.last_name].filter(Boolean).join(' ') || (agent.email ?? `Agent ${agent.id}`);
    if (agent.active === false) throw new StepFailed({ code: 'authentication_failed', message: `The agent ${agentName} is deactivated in Freshservice.` });
    pass('authenticate', `${agentName} <${agent.email ?? 'no e-mail'}>`);

    current = 'roles';
    const roles = await call('/roles', { per_page: 100 }, RolesEnvelope, "reading the agent's roles (/roles, needs Account Admin)");
    // Judged by the rights the roles give, not by their names: older and custom names pass (with a warning).
    const {
      held,
      missing,
      warnings: roleWarnings,
    } = assessRoles(
      (agent.roles ?? []).map((r) => r.role_id),
      roles.roles,
    );
    if (missing.length > 0) {
      throw new StepFailed({
        code: 'permission_denied',
        message: `The agent lacks the role${missing.length > 1 ? 's' : ''} ${missing.join(', ')}. It needs all three: ${REQUIRED_ROLES.join(', ')}.`,
      });
    }
    pass('roles', held.join(', '));

    current = 'groups';
    const groups = await call('/groups', { per_page: 100 }, GroupsEnvelope, 'reading groups (/groups)');
    const access = groupAccessOf(agent, roles.roles);
    const accessGroups = namedGroups(access.groupIds, groups.groups);
    if (access.scope === 'selected' && accessGroups.length === 0) {
      throw new StepFailed({
        code: 'permission_denied',
        message: access.assignedTickets
          ? "The agent's ticket scope is Assigned tickets: it sees only tickets assigned to it, not a group's. Choose Member of All Groups or Member of Selected Groups."
          : 'The agent is a member of selected groups, but of none: it cannot see any ticket.',
      });
    }
    const assigned = access.assignedTickets ? ', and tickets assigned to it' : '';
    pass('groups', access.scope === 'all' ? 'Member of All Groups' : `Member of Selected Groups: ${accessGroups.map((g) => g.name).join(', ')}${assigned}`);

    current = 'tickets';
    await call('/tickets', { per_page: 1 }, TicketsEnvelope, 'listing tickets (/tickets)');
    pass('tickets');

    current = 'lookups';
    await call('/requesters', { per_page: 1 }, RequestersEnvelope, 'looking up requesters (/requesters, needs Account Admin)');
    pass('lookups');

    const warnings = [
      ...roleWarnings,
      ...(access.scope === 'selected'
        ? [`Member of Selected Groups: sync is limited to tickets in ${accessGroups.map((g) => g.name).join(', ')}${assigned}.`]
        : []),
    ];
    return {
      ok: true,
      agent: { id: agent.id, name: agentName, email: agent.email ?? '' },
      roles: [...REQUIRED_ROLES],
      groupAccess: { scope: access.scope, groups: accessGroups },
      warnings,
      checks,
    };
  } catch (err) {
    if (!(err instanceof StepFailed)) throw err;
    const c = checks.find((x) => x.id === current)!;
    c.status = 'failed';
    c.detail = err.classified.message;
    return { ok: false, error: { ...err.classified, hints: FRESHSERVICE_TROUBLESHOOTING[err.classified.code] }, checks };
  }
}

function isReachFailure(c: Classified): boolean {
  return c.code === 'connection_timeout' || c.code === 'connection_refused' || c.code === 'invalid_api_url';
}
