/**
 * The engine end to end, Freshservice → Jira Service Management with the side's "Request type" set: the copy
 * is created as a customer request of that request type (POST /rest/servicedeskapi/request), raised on behalf
 * of the requester, who becomes a JSM customer and the issue's reporter; the marker makes a second run write
 * nothing, and is in the create itself, so a failure right after it still leaves a copy a retry finds. A
 * request type whose form has no Labels field (it could not carry the marker) is refused before anything is
 * written, and is passed over for a plain issue when nobody chose it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformError, type TicketConnector } from '../../src/core/connector.ts';
import { requirePlatform } from '../../src/connectors/registry.ts';
import type { SimHandle } from '../conformance/harness.ts';
import { expectJson as json, startPlatformPair, type PlatformPair } from '../helpers/platform-pair.ts';
import type { TestStack } from '../helpers/stack.ts';

describe('Freshservice → Jira Service Management with a request type', () => {
  let pair: PlatformPair;
  let stack: TestStack;
  const sims = {} as Record<'source' | 'target', SimHandle>;
  const auth = {} as Record<'source' | 'target', Record<string, string>>;
  const platforms = { source: 'freshservice', target: 'jira_service_management' } as const;
  let connectionId = '';
  let jira: TicketConnector;
  let since = '';

  const sync = async () => {
    const started = await json(
      stack.app.inject({ method: 'POST', url: `/api/v1/connections/${connectionId}/sync-runs`, headers: auth.source, payload: { since } }),
      202,
    );
    await (stack.jobs as typeof stack.jobs & { idle?: () => Promise<void> }).idle?.();
    const run = await json(stack.app.inject({ url: `/api/v1/sync-runs/${started.id}`, headers: auth.source }), 200);
    const details = await json(stack.app.inject({ url: `/api/v1/sync-runs/${started.id}/details`, headers: auth.source }), 200);
    return { run, details: (details.details ?? details.items ?? []) as Array<Record<string, any>> };
  };

  /** The JSM view of an issue, as an agent reads it. */
  const customerRequest = async (key: string) => {
    const creds = sims.target.credentials('admin');
    const res = await fetch(`${creds.apiUrl}/rest/servicedeskapi/request/${encodeURIComponent(key)}`, {
      headers: { authorization: `Basic ${Buffer.from(`${creds.fields.email}:${creds.fields.apiToken}`).toString('base64')}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { requestTypeId: string; reporter: { accountId: string; emailAddress: string } };
  };

  beforeAll(async () => {
    pair = await startPlatformPair(platforms, { contractName: 'Request types', listen: false });
    ({ stack, connectionId } = pair);
    Object.assign(sims, pair.sims);
    Object.assign(auth, pair.auth);
    // "Get IT help" is the Service Request request type: a partner's Incident still becomes one, as set.
    const view = await json(stack.app.inject({ url: `/api/v1/connections/${connectionId}/configuration`, headers: auth.target }), 200);
    await json(
      stack.app.inject({
        method: 'PUT',
        url: `/api/v1/connections/${connectionId}/configuration`,
        headers: auth.target,
        payload: { configuration: { ...view.configuration, sideSettings: { project: 'SUP', requestType: 'get it HELP' } } },
      }),
      200,
    );
    jira = requirePlatform(platforms.target).createConnector(sims.target.credentials('admin'), { timeoutMs: 5000, sideSettings: sims.target.sideSettings });
    since = new Date(Date.now() - 1000).toISOString();
  }, 120_000);

  afterAll(async () => {
    await pair?.close();
  });

  it('creates the copy as a customer request of the request type, raised on behalf of the requester', async () => {
    const [ticket] = (await sims.source.seedTickets([{ subject: 'Laptop will not boot (request type)' }])) as [string];
    await sims.target.clearRequestLog();
    const { run, details } = await sync();
    expect(run.status, JSON.stringify(details)).toBe('success');
    const mine = details.find((d) => d.sourceTicketId === ticket);
    expect(mine?.outcome, JSON.stringify(details)).toBe('created');

    const copy = await jira.getTicket(mine!.targetTicketId);
    expect(copy?.subject).toBe('Laptop will not boot (request type)');
    expect(copy?.type).toBe('Service Request');
    const request = await customerRequest(copy!.displayId);
    expect(request.requestTypeId).toBe('1');
    // The requester is a JSM customer (portal-only account) and the request's reporter.
    expect(request.reporter.emailAddress.toLowerCase()).toBe(sims.source.requesterEmail.toLowerCase());
    expect(request.reporter.accountId).toMatch(/^qm:/);
    expect(copy?.requester?.id).toBe(request.reporter.accountId);
    // The marker travelled in the create (the form shows Labels) and as the issue property.
    expect(copy?.tags.some((t) => t.startsWith('sf-'))).toBe(true);

    const log = await sims.target.requestLog();
    const creates = log.filter((r) => r.method === 'POST' && (r.path.endsWith('/rest/servicedeskapi/request') || r.path.endsWith('/rest/api/3/issue')));
    expect(creates.map((r) => `${r.path.replace(/^.*(\/rest\/)/, '$1')} ${r.status}`)).toEqual(['/rest/servicedeskapi/request 201']);
  });

  it('a second run writes nothing', async () => {
    await sims.target.clearRequestLog();
    const { run } = await sync();
    expect(['success', 'no_tickets']).toContain(run.status);
    const writes = (await sims.target.requestLog()).filter((r) => r.method !== 'GET' && !r.path.endsWith('/search/jql'));
    expect(writes).toEqual([]);
  });

  const creates = async () =>
    (await sims.target.requestLog())
      .filter((r) => r.method === 'POST' && (r.path.endsWith('/rest/servicedeskapi/request') || r.path.endsWith('/rest/api/3/issue')))
      .map((r) => `${r.path.replace(/^.*(\/rest\/)/, '$1')} ${r.status}`);

  it('a failure right after the create leaves a marked copy: the retry finds it instead of creating a second', async () => {
    const marker = 'sf-crash-after-request-create';
    const subject = 'Crash right after the customer request (request type)';
    const requester = await jira.findRequesterByEmail(sims.target.requesterEmail);
    const input = { subject, description: '<p>It <b>broke</b></p>', type: 'Service Request', marker, requesterId: requester!.id };
    const connector = requirePlatform(platforms.target).createConnector(sims.target.credentials('admin'), {
      timeoutMs: 5000,
      sideSettings: { project: 'SUP', requestType: 'Get IT help' },
    });
    await sims.target.clearRequestLog();
    // The next write after the create (the edit of what the form does not take) fails, as a crash there would.
    await sims.target.injectFault({ status: 400, method: 'PUT', times: 1 });
    const err = await connector.createTicket(input).then(
      () => null,
      (e: unknown) => e,
    );
    await sims.target.clearFaults();
    expect(err).toBeInstanceOf(PlatformError);
    // Not a refused create: the engine keeps the attempt and looks for its copy by the marker before creating.
    expect((err as PlatformError).kind).not.toMatch(/^(validation|permission)$/);
    expect((err as PlatformError).message).toMatch(/^Issue SUP-\d+ was created as a customer request/);
    expect(await creates()).toEqual(['/rest/servicedeskapi/request 201']);

    const found = await connector.findTicketByMarker(marker, { subject, createdAfter: new Date(Date.now() - 60_000) });
    expect(found?.subject).toBe(subject);
    expect(found?.tags).toContain(marker);
    expect((await customerRequest(found!.displayId)).requestTypeId).toBe('1');
    expect(await creates()).toEqual(['/rest/servicedeskapi/request 201']);
  });

  let refused = '';
  it('a chosen request type whose form has no Labels field fails the ticket, naming the setting and the fix; nothing is created', async () => {
    // Saved while Jira could not be asked (so the save could not check the form): the run is what refuses it.
    await sims.target.injectFault({ status: 401, method: 'GET' });
    const view = await json(stack.app.inject({ url: `/api/v1/connections/${connectionId}/configuration`, headers: auth.target }), 200);
    await json(
      stack.app.inject({
        method: 'PUT',
        url: `/api/v1/connections/${connectionId}/configuration`,
        headers: auth.target,
        payload: { configuration: { ...view.configuration, sideSettings: { project: 'SUP', requestType: 'Report a system problem' } } },
      }),
      200,
    );
    await sims.target.clearFaults();
    const [ticket] = (await sims.source.seedTickets([{ subject: 'Printer on fire (request type without Labels)' }])) as [string];
    refused = ticket;
    await sims.target.clearRequestLog();
    const { details } = await sync();
    const mine = details.find((d) => d.sourceTicketId === ticket);
    expect(mine?.outcome, JSON.stringify(details)).toBe('failed');
    const said = JSON.stringify(mine);
    expect(said).toContain('The request type \\"Report a system problem\\" (setting \\"Request type\\") has no Labels field on its request form');
    expect(said).toContain('add the Labels field to the request form');
    expect(said).toContain('or choose another request type');
    expect(said).toContain('Nothing was created.');
    expect(await creates()).toEqual([]);
    const writes = (await sims.target.requestLog()).filter((r) => r.method !== 'GET' && !r.path.endsWith('/search/jql'));
    expect(writes.filter((r) => r.path.includes('/rest/api/3/issue') || r.path.includes('/servicedeskapi/request'))).toEqual([]);
  });

  it('left blank, a request type whose form has no Labels field is not picked: the copy is a plain issue, marked in its create', async () => {
    const view = await json(stack.app.inject({ url: `/api/v1/connections/${connectionId}/configuration`, headers: auth.target }), 200);
    await json(
      stack.app.inject({
        method: 'PUT',
        url: `/api/v1/connections/${connectionId}/configuration`,
        headers: auth.target,
        payload: { configuration: { ...view.configuration, sideSettings: { project: 'SUP', issueType: 'Incident' } } },
      }),
      200,
    );
    const [ticket] = (await sims.source.seedTickets([{ subject: 'Disk full (no request type)' }])) as [string];
    await sims.target.clearRequestLog();
    const { details } = await sync();
    const mine = details.find((d) => d.sourceTicketId === ticket);
    expect(mine?.outcome, JSON.stringify(details)).toBe('created');
    const copy = await jira.getTicket(mine!.targetTicketId);
    // Incident's only request type ("Report a system problem") has no Labels field: a plain Incident instead.
    expect(copy?.type).toBe('Incident');
    expect(copy?.tags.some((t) => t.startsWith('sf-'))).toBe(true);
    // The ticket refused above is copied too, now that the setting is cleared: both as plain issues.
    expect(details.find((d) => d.sourceTicketId === refused)?.outcome, JSON.stringify(details)).toBe('created');
    expect(await creates()).toEqual(['/rest/api/3/issue 201', '/rest/api/3/issue 201']);
  });
});
