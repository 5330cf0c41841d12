import type { ConnectionTestResult } from '../../core/connection-test.ts';
import { FRESHSERVICE_TROUBLESHOOTING } from './manifest.ts';
import { connectionProbe, ConnectionSteps, StepFailed, type ConnectionTestOptions } from '../../connector-kit/connection-steps.ts';
import { FRESHSERVICE_FAILURES } from './classify.ts';
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

/**
 * "Test Connection": a handful of calls that prove the integration agent can do what sync needs
 * (/agents/me, /roles, /groups, a one-ticket list, a one-requester lookup). Stops at the first failure
 * and reports it in one of the guide's troubleshooting categories; never throws for platform trouble.
 */
export async function testFreshserviceConnection(creds: FreshserviceCredentials, opts: ConnectionTestOptions): Promise<ConnectionTestResult> {
  const call = connectionProbe(
    {
      wording: FRESHSERVICE_FAILURES,
      // Its calls count in sf_platform_api_calls_total under their platform, like the sync's.
      platform: 'freshservice',
      baseUrl: `${creds.apiUrl}/api/v2`,
      auth: { kind: 'basic', username: creds.apiKey, password: 'X' },
      budgetUsedUp: (err) => `Support Fusion has used this account's API budget for the moment (${err.message}); nothing was wrong with the connection so far.`,
      rateWindow: 'account',
      limitClassOf: (path) => rateLimitClassOf('GET', path),
    },
    opts,
  );
  const steps = new ConnectionSteps(STEPS);

  return steps.run(FRESHSERVICE_TROUBLESHOOTING, async () => {
    // /agents/me needs no admin permission, so it separates "reachable + authenticated" from "allowed".
    const me = await steps.reach('authenticate', creds.apiUrl, () => call('/agents/me', {}, AgentEnvelope, 'reading the integration agent (/agents/me)'));
    const agent = me.agent;
    const agentName = [agent.first_name, agent.last_name].filter(Boolean).join(' ') || (agent.email ?? `Agent ${agent.id}`);
    if (agent.active === false) throw new StepFailed({ code: 'authentication_failed', message: `The agent ${agentName} is deactivated in Freshservice.` });
    steps.pass('authenticate', `${agentName} <${agent.email ?? 'no e-mail'}>`);

    steps.at('roles');
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
    steps.pass('roles', held.join(', '));

    steps.at('groups');
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
    steps.pass(
      'groups',
      access.scope === 'all' ? 'Member of All Groups' : `Member of Selected Groups: ${accessGroups.map((g) => g.name).join(', ')}${assigned}`,
    );

    steps.at('tickets');
    await call('/tickets', { per_page: 1 }, TicketsEnvelope, 'listing tickets (/tickets)');
    steps.pass('tickets');

    steps.at('lookups');
    await call('/requesters', { per_page: 1 }, RequestersEnvelope, 'looking up requesters (/requesters, needs Account Admin)');
    steps.pass('lookups');

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
    };
  });
}
