/**
 * The engine end to end with Jira Service Management as the source and Freshservice as the target, on one
 * Support Fusion that listens for webhooks: a status filter on the Jira side (its status ids, as the side's
 * discovered fields offer them) admits only matching issues; an issue deleted in Jira (reported by its
 * `jira:issue_deleted` webhook, really delivered by the simulator, and confirmed by a read) is recorded on its
 * timeline and its copy is kept; a validly signed deletion call for an issue still there is synced as a change;
 * a copy deleted on the partner's side is reported when a change of its original is worked, never deleted or
 * re-created, and not retried.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSyncStore } from '../../src/db/repositories/sync-store.ts';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { startJiraSimulator, type JiraSimulator } from '../../src/simulator/jira/index.ts';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

// Freshservice's budget (100 credits a minute, a ticket read costs 4) is shared by this file's many runs:
// a late run may wait most of a minute for it, as it would in production.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

type Auth = Record<string, string>;
const json = async (r: Promise<{ statusCode: number; body: string; json(): any }>, status: number) => {
  const res = await r;
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`);
  return res.json();
};

let jira: JiraSimulator;
let fresh: FreshserviceSimulator;
let stack: TestStack;
let auth: { source: Auth; target: Auth };
let connectionId: string;
let since: string;

const jobsIdle = async () => {
  const jobs = stack.jobs as typeof stack.jobs & { idle?: () => Promise<void> };
  await jobs.idle?.();
};

const sync = async () => {
  const started = await json(
    stack.app.inject({ method: 'POST', url: `/api/v1/connections/${connectionId}/sync-runs`, headers: auth.source, payload: { since } }),
    202,
  );
  await jobsIdle();
  const run = await json(stack.app.inject({ url: `/api/v1/sync-runs/${started.id}`, headers: auth.source }), 200);
  expect(run.status, JSON.stringify(run)).not.toBe('running');
  const details = await json(stack.app.inject({ url: `/api/v1/sync-runs/${started.id}/details`, headers: auth.source }), 200);
  return { run, details: (details.details ?? details.items ?? []) as Array<Record<string, any>> };
};

const timeline = async (side: 'source' | 'target', ticketId: string) =>
  json(stack.app.inject({ url: `/api/v1/connections/${connectionId}/tickets/${side}/${ticketId}/timeline`, headers: auth.source }), 200);

const copiesOf = (subject: string) => [...fresh.state.tickets.values()].filter((t) => t.subject === subject && !t.deleted);

beforeAll(async () => {
  jira = await startJiraSimulator({ seed: 'demo', rateLimit: false, webhooks: { retries: 0 } });
  fresh = await startFreshserviceSimulator({ name: 'globex', seed: 'empty', rateLimit: false });
  // Listening: the Jira simulator delivers its webhooks over HTTP, as Jira would.
  stack = await startStack();
  const orgs = { source: await signUpAndLogIn(stack.app), target: await signUpAndLogIn(stack.app) };
  auth = { source: orgs.source.auth, target: orgs.target.auth };
  await json(
    stack.app.inject({
      method: 'PUT',
      url: '/api/v1/platform',
      headers: auth.source,
      payload: { platform: 'jira_service_management', apiUrl: jira.url, credentials: { email: jira.emailFor('admin'), apiToken: jira.tokenFor('admin') } },
    }),
    200,
  );
  await json(
    stack.app.inject({
      method: 'PUT',
      url: '/api/v1/platform',
      headers: auth.target,
      payload: { platform: 'freshservice', apiUrl: fresh.url, apiKey: fresh.keyFor('admin') },
    }),
    200,
  );
  const created = await json(
    stack.app.inject({ method: 'POST', url: '/api/v1/connections', headers: auth.source, payload: { role: 'source', contractName: 'Jira filters' } }),
    201,
  );
  await json(
    stack.app.inject({ method: 'POST', url: '/api/v1/connections/accept', headers: auth.target, payload: { verificationCode: created.verificationCode } }),
    200,
  );
  connectionId = created.id;
  // The feed has minute precision: it starts before anything this test makes.
  since = new Date(Date.now() - 1000).toISOString();
});

afterAll(async () => {
  await stack?.close();
  await jira?.close();
  await fresh?.close();
});

describe('a status filter on a Jira source side', () => {
  it('offers the side’s discovered status ids, and only issues in a ticked status are copied', async () => {
    const fields = await json(stack.app.inject({ url: `/api/v1/connections/${connectionId}/fields?side=source`, headers: auth.source }), 200);
    const status = (fields.source.fields as Array<{ name: string; role?: string; choices: Array<{ value: string; label: string }> }>).find(
      (f) => f.role === 'status',
    );
    const inProgress = status?.choices.find((c) => c.label === 'In Progress');
    expect(inProgress, JSON.stringify(status)).toBeDefined();

    const configuration = (await json(stack.app.inject({ url: `/api/v1/connections/${connectionId}/configuration`, headers: auth.source }), 200)).configuration;
    const saved = await stack.app.inject({
      method: 'PUT',
      url: `/api/v1/connections/${connectionId}/configuration`,
      headers: auth.source,
      payload: { configuration: { ...configuration, filters: { ...configuration.filters, statuses: [inProgress!.value] } } },
    });
    expect(saved.statusCode, saved.body).toBe(200);

    const { ids } = jira.seedIssues([{ summary: 'Filter: working on it' }, { summary: 'Filter: still waiting' }]);
    const [working, waiting] = ids as [string, string];
    jira.editAsPerson(working, { status: 'In Progress' });

    const { run, details } = await sync();
    expect(run.status, JSON.stringify(details)).toBe('success');
    expect(details.find((d) => d.sourceTicketId === working)?.outcome, JSON.stringify(details)).toBe('created');
    expect(details.some((d) => d.sourceTicketId === waiting)).toBe(false);
    expect(copiesOf('Filter: working on it')).toHaveLength(1);
    expect(copiesOf('Filter: still waiting')).toHaveLength(0);
    const skipped = await timeline('source', waiting);
    expect(JSON.stringify(skipped)).toContain('Not admitted by the sync filter');

    // The issue moves into the ticked status: now it travels.
    jira.editAsPerson(waiting, { status: 'In Progress' });
    const second = await sync();
    expect(second.details.find((d) => d.sourceTicketId === waiting)?.outcome, JSON.stringify(second.details)).toBe('created');
    expect(copiesOf('Filter: still waiting')).toHaveLength(1);
  });
});

describe('deletions', () => {
  it('an issue deleted in Jira: its webhook is accepted, the run records it on the issue’s timeline, and the copy is kept', async () => {
    const { ids } = jira.seedIssues([{ summary: 'Delete me in Jira' }]);
    const issueId = ids[0]!;
    jira.editAsPerson(issueId, { status: 'In Progress' });
    const first = await sync();
    const copyId = first.details.find((d) => d.sourceTicketId === issueId)?.targetTicketId;
    expect(copyId, JSON.stringify(first.details)).toBeTruthy();

    const hook = await json(stack.app.inject({ url: `/api/v1/connections/${connectionId}/webhook`, headers: auth.source }), 200);
    // The card's URL names the host the API was asked on (inject's); Jira is given this listening server's.
    jira.registerWebhook({ url: `${stack.url}${new URL(hook.url).pathname}`, secret: hook.signingSecret, events: ['jira:issue_deleted'] });
    const deletedIssue = jira.state.issue(issueId)!;
    jira.state.deleteIssue(deletedIssue, jira.state.userByProfile('admin')!.accountId);
    await jira.webhooks.idle();
    const delivered = jira.webhooks.deliveries.filter((d) => d.event === 'jira:issue_deleted');
    expect(delivered.map((d) => d.status)).toEqual([202]);
    expect(JSON.parse(delivered[0]!.body)).toMatchObject({ webhookEvent: 'jira:issue_deleted', issue: { id: issueId } });
    await jobsIdle();

    const runs = (await json(stack.app.inject({ url: `/api/v1/sync-runs?connection=${connectionId}`, headers: auth.source }), 200)).runs as Array<
      Record<string, any>
    >;
    const hookRun = runs.find((r) => r.trigger === 'webhook');
    expect(hookRun?.status, JSON.stringify(runs)).not.toBe('failed');
    // A confirmed deletion: the webhook says so and the issue can no longer be read (not "or cannot be seen").
    const events = JSON.stringify(await timeline('source', issueId));
    expect(events).toContain(`Ticket #${issueId} was deleted on`);
    expect(events).toContain(`(its webhook says so, and it can no longer be read): its copy #${copyId} is kept`);
    expect(events).not.toContain('no longer exists, or');
    // Its hint is spent: the next webhook run does not report it again.
    expect(await createSyncStore(stack.database.db).hints(connectionId)).toEqual([]);
    // Nothing is deleted on the partner's side.
    expect(fresh.state.tickets.get(Number(copyId))?.deleted ?? false).toBe(false);
    expect(copiesOf('Delete me in Jira')).toHaveLength(1);
  });

  it('a forged issue_deleted call (validly signed) for an issue still in Jira: nothing is reported deleted, the issue is synced as a change', async () => {
    const { ids } = jira.seedIssues([{ summary: 'Still here in Jira' }]);
    const issueId = ids[0]!;
    jira.editAsPerson(issueId, { status: 'In Progress' });
    const first = await sync();
    const copyId = first.details.find((d) => d.sourceTicketId === issueId)?.targetTicketId;
    expect(copyId, JSON.stringify(first.details)).toBeTruthy();
    jira.editAsPerson(issueId, { summary: 'Still here in Jira (edited)' });

    // Whoever holds the signing secret can claim a deletion: the claim alone must not be believed.
    const hook = await json(stack.app.inject({ url: `/api/v1/connections/${connectionId}/webhook`, headers: auth.source }), 200);
    const body = JSON.stringify({ webhookEvent: 'jira:issue_deleted', timestamp: Date.now(), issue: { id: issueId, key: jira.state.issue(issueId)!.key } });
    const signature = `sha256=${createHmac('sha256', hook.signingSecret).update(body).digest('hex')}`;
    const call = await stack.app.inject({
      method: 'POST',
      url: new URL(hook.url).pathname,
      headers: { 'content-type': 'application/json', 'x-hub-signature': signature },
      payload: body,
    });
    expect(call.statusCode, call.body).toBe(202);
    await jobsIdle();

    const events = JSON.stringify(await timeline('source', issueId));
    expect(events).toContain(`A webhook reported ticket #${issueId} deleted on`);
    expect(events).toContain('but it can still be read: not deleted, synced as a change');
    expect(events).not.toContain('was deleted on');
    expect(events).not.toContain('no longer exists');
    // The edit travelled to the copy, which is still there; the issue too.
    expect(copiesOf('Still here in Jira (edited)').map((t) => String(t.id))).toEqual([String(copyId)]);
    expect(jira.state.issue(issueId)).toBeDefined();
    expect(await createSyncStore(stack.database.db).hints(connectionId)).toEqual([]);
  });

  it('a copy deleted on the partner’s side: the change is reported as not carried, nothing is re-created or deleted, and it is not retried', async () => {
    const { ids } = jira.seedIssues([{ summary: 'Copy deleted on the target' }]);
    const issueId = ids[0]!;
    jira.editAsPerson(issueId, { status: 'In Progress' });
    const first = await sync();
    const copyId = String(first.details.find((d) => d.sourceTicketId === issueId)?.targetTicketId);
    // Deleted for good (its trash emptied): the API answers 404 for it.
    expect(fresh.state.tickets.delete(Number(copyId))).toBe(true);

    jira.editAsPerson(issueId, { summary: 'Copy deleted on the target (edited)' });
    const second = await sync();
    const row = second.details.find((d) => d.sourceTicketId === issueId);
    expect(row?.outcome, JSON.stringify(second.details)).toBe('failed');
    expect(row?.error).toContain(`The copy #${copyId}`);
    expect(row?.error).toContain('no longer exists');
    expect(second.run.status).toBe('partial');
    expect(copiesOf('Copy deleted on the target (edited)')).toHaveLength(0);
    expect(copiesOf('Copy deleted on the target')).toHaveLength(0);
    expect(jira.state.issue(issueId)).toBeDefined();

    // Not in the retry set: retrying cannot bring the copy back, so runs with nothing new leave it alone.
    expect(await createSyncStore(stack.database.db).retries(connectionId, 'source')).not.toContain(issueId);
  });

  it('a reply alone to an issue whose copy is gone: said the same way, the comment not put in the retry set', async () => {
    const { ids } = jira.seedIssues([{ summary: 'Copy gone, then a reply' }]);
    const issueId = ids[0]!;
    jira.editAsPerson(issueId, { status: 'In Progress' });
    const first = await sync();
    const copyId = String(first.details.find((d) => d.sourceTicketId === issueId)?.targetTicketId);
    expect(fresh.state.tickets.delete(Number(copyId))).toBe(true);

    jira.editAsPerson(issueId, { comment: { text: 'Any news?' } });
    const second = await sync();
    const row = second.details.find((d) => d.sourceTicketId === issueId);
    expect(row?.outcome, JSON.stringify(second.details)).toBe('failed');
    expect(row?.error).toContain(`The copy #${copyId}`);
    expect(row?.failedComments).toBe(0);
    expect(await createSyncStore(stack.database.db).retries(connectionId, 'source')).not.toContain(issueId);
  });
});
