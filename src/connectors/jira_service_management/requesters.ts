import { PlatformError, type RemoteRequester } from '../../core/connector.ts';
import type { JiraContext } from './context.ts';
import { JsmCustomer, JsmCustomerPage, UserList, type JiraUser } from './payloads.ts';

/** The JSM customer endpoints are still marked experimental and want this header [§10, §11]. */
const EXPERIMENTAL = { 'x-experimentalapi': 'opt-in' };

const asRequester = (u: { accountId: string; emailAddress?: string | null | undefined; displayName?: string | null | undefined }): RemoteRequester => ({
  id: u.accountId,
  email: u.emailAddress ?? null,
  name: u.displayName ?? null,
});

const sameEmail = (a: string | null | undefined, b: string) => !!a && a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * A person by e-mail: among Jira users (agents and portal customers alike), then among the project's
 * JSM customers. Only an exact e-mail match counts: e-mails hidden by profile visibility [§11] mean
 * "not found" here, and the customer is then created (JSM answers with the existing account).
 */
export async function findRequesterByEmail(ctx: JiraContext, email: string): Promise<RemoteRequester | null> {
  const users = await ctx.api.json('GET', '/rest/api/3/user/search', UserList, { what: `look up the user ${email}`, query: { query: email, maxResults: 20 } });
  const user = users.find((u: JiraUser) => sameEmail(u.emailAddress, email) && u.active !== false);
  if (user) return asRequester(user);
  const desk = await ctx.serviceDeskId();
  if (!desk) return null;
  const page = await ctx.api.json('GET', `/rest/servicedeskapi/servicedesk/${encodeURIComponent(desk)}/customer`, JsmCustomerPage, {
    what: `look up the customer ${email}`,
    query: { query: email, limit: 50 },
    headers: EXPERIMENTAL,
    allow404: true,
  });
  const customer = page?.values.find((c) => sameEmail(c.emailAddress, email));
  return customer ? asRequester(customer) : null;
}

/** A JSM customer (portal-only account) added to the project's service desk [§11]. */
export async function createRequester(ctx: JiraContext, input: { email: string; name: string | null }): Promise<RemoteRequester> {
  const desk = await ctx.serviceDeskId();
  if (!desk) {
    const key = await ctx.project();
    throw new PlatformError(
      'validation',
      `Jira project ${key} is not a service project, so it has no customers to create; ${input.email} has no Jira account here.`,
    );
  }
  let customer;
  try {
    customer = await ctx.api.json('POST', '/rest/servicedeskapi/customer', JsmCustomer, {
      what: `create the customer ${input.email}`,
      body: { email: input.email, displayName: input.name || input.email },
      headers: EXPERIMENTAL,
      idempotent: false,
    });
  } catch (err) {
    // "An account already exists for this email" (a 400, worded in the account's language): the existing one.
    if (!(err instanceof PlatformError && err.kind === 'validation')) throw err;
    const existing = await findRequesterByEmail(ctx, input.email);
    if (existing) return existing;
    throw err;
  }
  await ctx.api.raw('POST', `/rest/servicedeskapi/servicedesk/${encodeURIComponent(desk)}/customer`, {
    what: `add the customer ${input.email} to the service desk`,
    body: { accountIds: [customer.accountId] },
    headers: EXPERIMENTAL,
    // Adding a customer twice changes nothing.
    idempotent: true,
  });
  return asRequester(customer);
}

export async function findPersonById(ctx: JiraContext, id: string): Promise<RemoteRequester | null> {
  if (!/^[A-Za-z0-9:_-]{1,200}$/.test(id)) return null;
  const res = await ctx.api.raw('GET', '/rest/api/3/user', { what: `read the user ${id}`, query: { accountId: id }, allow404: true });
  if (!res) return null;
  const parsed = JsmCustomer.safeParse(res.json);
  return parsed.success ? asRequester(parsed.data) : null;
}
