/**
 * Files that travel with a comment between two platforms that keep files on the ticket (Jira Service
 * Management and Freshservice's ticket files): a Freshservice note's file lands on the Jira issue with the
 * copied comment, and a Jira issue file added alongside a comment lands on the Freshservice ticket, each
 * exactly once. Later runs write nothing on either side: the copy is known as the copy of that file, so it
 * is neither carried back (an echo) nor written again.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFreshserviceSimulator, type FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';
import { startJiraSimulator, type JiraSimulator } from '../../src/simulator/jira/index.ts';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

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
let auth: Auth;
let connectionId: string;
let since: string;

const sync = async () => {
  const started = await json(
    stack.app.inject({ method: 'POST', url: `/api/v1/connections/${connectionId}/sync-runs`, headers: auth, payload: { since } }),
    202,
  );
  await (stack.jobs as typeof stack.jobs & { idle?: () => Promise<void> }).idle?.();
  const run = await json(stack.app.inject({ url: `/api/v1/sync-runs/${started.id}`, headers: auth }), 200);
  const details = await json(stack.app.inject({ url: `/api/v1/sync-runs/${started.id}/details`, headers: auth }), 200);
  expect(['success', 'no_tickets'], JSON.stringify({ run, details })).toContain(run.status);
  return (details.details ?? details.items ?? []) as Array<Record<string, any>>;
};

/** Writes each simulator received after `mark` (searches are POSTs that change nothing). */
const mark = () => ({ jira: jira.requests.length, fresh: fresh.requests.length });
const writesSince = (m: ReturnType<typeof mark>) => ({
  jira: jira.requests
    .slice(m.jira)
    .filter((r) => r.path.startsWith('/rest/') && r.method !== 'GET' && !r.path.includes('/search'))
    .map((r) => `${r.method} ${r.path}`),
  fresh: fresh.requests
    .slice(m.fresh)
    .filter((r) => r.path.startsWith('/api/v2') && r.method !== 'GET')
    .map((r) => `${r.method} ${r.path}`),
});

const jiraFiles = (issueId: string) => jira.state.attachmentsOf(issueId).map((a) => a.filename);
/** Every file of a Freshservice ticket, on the ticket itself and on its conversations. */
const freshFiles = (ticketId: string) => {
  const t = fresh.state.tickets.get(Number(ticketId))!;
  return {
    ticket: fresh.state.attachmentsOf(t.attachment_ids).map((a) => a.name),
    comments: fresh.state.conversationsOf(t.id).flatMap((c) => fresh.state.attachmentsOf(c.attachment_ids).map((a) => a.name)),
  };
};

/** A Jira issue and its Freshservice copy, linked by a first run. */
const linkedPair = async (summary: string) => {
  const issueId = jira.seedIssues([{ summary }]).ids[0]!;
  const details = await sync();
  const copyId = details.find((d) => d.sourceTicketId === issueId)?.targetTicketId;
  expect(copyId, JSON.stringify(details)).toBeTruthy();
  return { issueId, copyId: String(copyId) };
};

/** Two more runs with nothing new: neither writes anything anywhere. */
const expectQuietRuns = async () => {
  for (let i = 0; i < 2; i++) {
    const m = mark();
    await sync();
    expect(writesSince(m), `run ${i + 2} after the copy`).toEqual({ jira: [], fresh: [] });
  }
};

beforeAll(async () => {
  jira = await startJiraSimulator({ seed: 'demo', rateLimit: false });
  fresh = await startFreshserviceSimulator({ name: 'globex', seed: 'empty', rateLimit: false });
  stack = await startStack();
  const orgs = { source: await signUpAndLogIn(stack.app), target: await signUpAndLogIn(stack.app) };
  auth = orgs.source.auth;
  await json(
    stack.app.inject({
      method: 'PUT',
      url: '/api/v1/platform',
      headers: orgs.source.auth,
      payload: { platform: 'jira_service_management', apiUrl: jira.url, credentials: { email: jira.emailFor('admin'), apiToken: jira.tokenFor('admin') } },
    }),
    200,
  );
  await json(
    stack.app.inject({
      method: 'PUT',
      url: '/api/v1/platform',
      headers: orgs.target.auth,
      payload: { platform: 'freshservice', apiUrl: fresh.url, apiKey: fresh.keyFor('admin') },
    }),
    200,
  );
  const created = await json(
    stack.app.inject({ method: 'POST', url: '/api/v1/connections', headers: orgs.source.auth, payload: { role: 'source', contractName: 'Comment files' } }),
    201,
  );
  await json(
    stack.app.inject({
      method: 'POST',
      url: '/api/v1/connections/accept',
      headers: orgs.target.auth,
      payload: { verificationCode: created.verificationCode },
    }),
    200,
  );
  connectionId = created.id;
  since = new Date(Date.now() - 1000).toISOString();
});

afterAll(async () => {
  await stack?.close();
  await jira?.close();
  await fresh?.close();
});

describe('a file that comes with a comment, between two platforms that keep files on the ticket', () => {
  it('Freshservice → Jira: the note and its file are copied once, and the copy is never carried back', async () => {
    const { issueId, copyId } = await linkedPair('Comment file: Freshservice to Jira');
    const conv = fresh.state.addConversation(Number(copyId), {
      kind: 'note',
      source: 2,
      private: false,
      body: 'The router log is attached.',
      user_id: fresh.state.agentByProfile('supervisor_only')!.id,
    });
    fresh.state.addAttachment(
      { ticketId: Number(copyId), conversationId: conv.id },
      { name: 'router.log', content_type: 'text/plain', data: Buffer.from('log') },
    );

    const m = mark();
    await sync();
    const written = writesSince(m);
    expect(
      written.jira.filter((w) => w.endsWith('/comment')),
      JSON.stringify(written),
    ).toHaveLength(1);
    expect(written.fresh, JSON.stringify(written)).toEqual([]);
    expect(jiraFiles(issueId)).toEqual(['router.log']);
    expect(JSON.stringify(jira.state.commentsOf(issueId).map((c) => c.body))).toContain('The router log is attached.');

    await expectQuietRuns();
    expect(jiraFiles(issueId)).toEqual(['router.log']);
    expect(freshFiles(copyId)).toEqual({ ticket: [], comments: ['router.log'] });
  });

  it('Jira → Freshservice: a file added to the issue alongside a comment is copied once, and never carried back', async () => {
    const { issueId, copyId } = await linkedPair('Comment file: Jira to Freshservice');
    jira.editAsPerson(issueId, { comment: { text: 'Screenshot of the error attached.' } });
    jira.state.addAttachment(jira.state.issue(issueId)!, jira.state.userByProfile('agent')!.accountId, {
      filename: 'error.png',
      mimeType: 'image/png',
      data: Buffer.from('png'),
    });

    const m = mark();
    await sync();
    const written = writesSince(m);
    expect(written.jira, JSON.stringify(written)).toEqual([]);
    const notes = fresh.state.conversationsOf(Number(copyId)).map((c) => c.body_text);
    expect(notes.filter((t) => t.includes('Screenshot of the error attached.'))).toHaveLength(1);
    const files = freshFiles(copyId);
    expect([...files.ticket, ...files.comments]).toEqual(['error.png']);

    await expectQuietRuns();
    expect(jiraFiles(issueId)).toEqual(['error.png']);
    expect(freshFiles(copyId)).toEqual(files);
  });
});
