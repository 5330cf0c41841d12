import type { z } from 'zod';
import type { ConnectionCheck, ConnectionTestResult } from '../../core/connection-test.ts';
import { createHttpClient, NetworkError, type HttpClient, type HttpResponse } from '../../connector-kit/http.ts';
import { BudgetUnavailableError, type RateGate } from '../../connector-kit/rate-gate.ts';
import type { AddressPolicy } from '../../connector-kit/ssrf.ts';
import type { JiraCredentials } from './api.ts';
import { classifyFailure, notTheApi, type Classified } from './classify.ts';
import { JIRA_TROUBLESHOOTING, REQUIRED_PERMISSIONS } from './manifest.ts';
import { Myself, MyPermissions, ProjectPage } from './payloads.ts';

const STEPS = [
  { id: 'reach', label: 'Reach the Jira site' },
  { id: 'authenticate', label: 'Authenticate the e-mail and API token' },
  { id: 'projects', label: 'List the projects the account can browse' },
  { id: 'permissions', label: 'Check the permissions sync needs' },
] as const;
type StepId = (typeof STEPS)[number]['id'];

class StepFailed extends Error {
  constructor(readonly classified: Classified) {
    super(classified.message);
  }
}

export interface JiraTestOptions {
  timeoutMs: number;
  http?: HttpClient;
  addressPolicy?: AddressPolicy;
  rateGate?: RateGate;
  budgetAccount?: string;
  maxBudgetWaitMs?: number;
}

/**
 * "Test Connection": /myself (who the account is, and the one call that answers 401 for bad credentials:
 * others fall back to anonymous [§1.4]), the projects it can browse, and the permissions sync needs.
 * Stops at the first failure, reported in a troubleshooting category; never throws for platform trouble.
 */
export async function testJiraConnection(creds: JiraCredentials, opts: JiraTestOptions): Promise<ConnectionTestResult> {
  const account = opts.budgetAccount ?? new URL(creds.apiUrl).host;
  const http =
    opts.http ??
    createHttpClient({
      baseUrl: creds.apiUrl,
      platform: 'jira_service_management',
      auth: { kind: 'basic', username: creds.email, password: creds.apiToken },
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
    try {
      await opts.rateGate?.acquire(account, 1, undefined, undefined, { maxWaitMs: opts.maxBudgetWaitMs ?? 10_000 });
    } catch (err) {
      if (err instanceof BudgetUnavailableError)
        throw new StepFailed({
          code: 'rate_limited',
          message: `Support Fusion has used this site's API budget for the moment (${err.message}); nothing was wrong so far.`,
        });
      throw err;
    }
    let res: HttpResponse;
    try {
      res = await http.request('GET', path, { query });
    } catch (err) {
      if (err instanceof NetworkError) throw new StepFailed(classifyFailure(err, what));
      throw err;
    }
    if (res.status !== 200) throw new StepFailed(classifyFailure(res, what));
    const parsed = schema.safeParse(res.json);
    if (!parsed.success) throw new StepFailed(notTheApi(what));
    return parsed.data;
  }

  try {
    let me: z.infer<typeof Myself>;
    try {
      me = await call('/rest/api/3/myself', {}, Myself, 'reading the integration account (/rest/api/3/myself)');
    } catch (err) {
      if (err instanceof StepFailed && !['connection_timeout', 'connection_refused', 'invalid_api_url'].includes(err.classified.code)) {
        pass('reach', creds.apiUrl);
        current = 'authenticate';
      }
      throw err;
    }
    pass('reach', creds.apiUrl);
    current = 'authenticate';
    const name = me.displayName || me.emailAddress || me.accountId;
    if (me.active === false) throw new StepFailed({ code: 'authentication_failed', message: `The Atlassian account ${name} is deactivated.` });
    const warnings: string[] = [];
    if (me.emailAddress && me.emailAddress.toLowerCase() !== creds.email.toLowerCase())
      warnings.push(`The token belongs to ${me.emailAddress}, not to ${creds.email}; sync works as ${me.emailAddress}.`);
    if (me.accountType && me.accountType !== 'atlassian') warnings.push(`The account is of type "${me.accountType}", not a licensed Atlassian user.`);
    pass('authenticate', `${name} <${me.emailAddress ?? creds.email}>${me.timeZone ? `, time zone ${me.timeZone}` : ''}`);

    current = 'projects';
    const projects = await call('/rest/api/3/project/search', { maxResults: 50 }, ProjectPage, 'listing the projects (/rest/api/3/project/search)');
    if (projects.values.length === 0)
      throw new StepFailed({
        code: 'permission_denied',
        message: `${name} cannot browse any project: add the account to a role of the project to sync (Project settings > People).`,
      });
    const shown = projects.values.map((p) => `${p.key} (${p.name})`);
    const more = projects.isLast === false ? ' and more' : '';
    pass('projects', `${shown.join(', ')}${more}`);

    current = 'permissions';
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
    pass('permissions', held.join(', '));
    warnings.push('Jira does not report when an API token expires: note the expiry date shown at id.atlassian.com and replace the token before it.');
    return {
      ok: true,
      agent: { id: me.accountId, name, email: me.emailAddress ?? creds.email },
      roles: held,
      groupAccess: { scope: 'all', groups: [] },
      warnings,
      checks,
    };
  } catch (err) {
    if (!(err instanceof StepFailed)) throw err;
    const c = checks.find((x) => x.id === current)!;
    c.status = 'failed';
    c.detail = err.classified.message;
    return { ok: false, error: { ...err.classified, hints: JIRA_TROUBLESHOOTING[err.classified.code] }, checks };
  }
}
