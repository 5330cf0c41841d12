import type { ConnectionTestResult } from '../../core/connection-test.ts';
import { connectionProbe, ConnectionSteps, StepFailed, type ConnectionTestOptions } from '../../connector-kit/connection-steps.ts';
import { emailMismatchWarning, wordingNamingEmail } from './account-email.ts';
import type { JiraCredentials } from './api.ts';
import { JIRA_FAILURES } from './classify.ts';
import { JIRA_TROUBLESHOOTING, REQUIRED_PERMISSIONS } from './manifest.ts';
import { Myself, MyPermissions, ProjectPage } from './payloads.ts';
import { projectAccess } from './project-access.ts';

const STEPS = [
  { id: 'reach', label: 'Reach the Jira site' },
  { id: 'authenticate', label: 'Authenticate the e-mail and API token' },
  { id: 'projects', label: 'List the projects the account can browse' },
  { id: 'permissions', label: 'Check the permissions sync needs' },
] as const;

export type JiraTestOptions = ConnectionTestOptions;

/**
 * "Test Connection": /myself (who the account is, and the one call that answers 401 for bad credentials:
 * others fall back to anonymous [§1.4]), the projects it can browse, and the permissions sync needs.
 * Stops at the first failure, reported in a troubleshooting category; never throws for platform trouble.
 */
export async function testJiraConnection(creds: JiraCredentials, opts: JiraTestOptions): Promise<ConnectionTestResult> {
  const call = connectionProbe(
    {
      wording: wordingNamingEmail(JIRA_FAILURES, creds.email),
      platform: 'jira_service_management',
      baseUrl: creds.apiUrl,
      auth: { kind: 'basic', username: creds.email, password: creds.apiToken },
      budgetUsedUp: (err) => `Support Fusion has used this site's API budget for the moment (${err.message}); nothing was wrong so far.`,
    },
    opts,
  );
  const steps = new ConnectionSteps(STEPS);

  return steps.run(JIRA_TROUBLESHOOTING, async () => {
    const me = await steps.reach('authenticate', creds.apiUrl, () =>
      call('/rest/api/3/myself', {}, Myself, 'reading the integration account (/rest/api/3/myself)'),
    );
    const name = me.displayName || me.emailAddress || me.accountId;
    if (me.active === false) throw new StepFailed({ code: 'authentication_failed', message: `The Atlassian account ${name} is deactivated.` });
    const warnings: string[] = [];
    const mismatch = emailMismatchWarning(creds.email, me.emailAddress);
    if (mismatch) warnings.push(mismatch);
    if (me.accountType && me.accountType !== 'atlassian') warnings.push(`The account is of type "${me.accountType}", not a licensed Atlassian user.`);
    steps.pass('authenticate', `${name} <${me.emailAddress ?? creds.email}>${me.timeZone ? `, time zone ${me.timeZone}` : ''}`);

    steps.at('projects');
    const projects = await call('/rest/api/3/project/search', { maxResults: 50 }, ProjectPage, 'listing the projects (/rest/api/3/project/search)');
    if (projects.values.length === 0)
      throw new StepFailed({
        code: 'permission_denied',
        message: `${name} cannot browse any project: add the account to a role of the project to sync (Project settings > People).`,
      });
    const access = projectAccess(projects);
    steps.pass('projects', access.detail);

    steps.at('permissions');
    const keys = REQUIRED_PERMISSIONS.map((p) => p.key).join(',');
    const perms = await call('/rest/api/3/mypermissions', { permissions: keys }, MyPermissions, 'checking permissions (/rest/api/3/mypermissions)');
    const missing = REQUIRED_PERMISSIONS.filter((p) => perms.permissions[p.key]?.havePermission !== true);
    const missingRequired = missing.filter((p) => p.required);
    if (missingRequired.length > 0)
      throw new StepFailed({
        code: 'permission_denied',
        message: `${name} lacks ${missingRequired.map((p) => p.name).join(', ')} in every project it sees; sync needs ${REQUIRED_PERMISSIONS.filter(
          (p) => p.required,
        )
          .map((p) => p.name)
          .join(', ')}.`,
      });
    for (const p of missing) warnings.push(`${name} lacks ${p.name}: attachments are not copied into Jira.`);
    const held = REQUIRED_PERMISSIONS.filter((p) => !missing.includes(p)).map((p) => p.name);
    steps.pass('permissions', held.join(', '));
    warnings.push('Jira does not report when an API token expires: note the expiry date shown at id.atlassian.com and replace the token before it.');
    return {
      ok: true,
      agent: { id: me.accountId, name, email: me.emailAddress ?? creds.email },
      roles: held,
      // Kept for the response contract; Jira has no group scope, its scope is the projects (accessScope).
      groupAccess: { scope: 'all', groups: [] },
      accessScope: access.scope,
      warnings,
    };
  });
}
