import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { takeSyncHints } from '../../src/db/repositories/webhooks.ts';
import { savePlatform, signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

/**
 * The hook route stores a deletion the platform's receiver reads from a call (Jira's `jira:issue_deleted`)
 * as a deletion hint, beside the ticket id; any other call stores a change hint, and a call whose signature
 * does not verify stores nothing. (What a run does with a deletion hint: src/sync/engine-deleted-hints.test.ts.)
 */
type Org = Awaited<ReturnType<typeof signUpAndLogIn>>;

let stack: TestStack;
let jiraOrg: Org;
let connectionId = '';
let path = '';
let secret = '';
const enqueued: string[] = [];

const call = (body: object, signWith = secret) => {
  const raw = JSON.stringify(body);
  return stack.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/json', 'x-hub-signature': `sha256=${createHmac('sha256', signWith).update(raw).digest('hex')}` },
    payload: raw,
  });
};
const issueEvent = (webhookEvent: string, id: string) => ({ webhookEvent, timestamp: 1_796_000_000_000, issue: { id, key: `SUP-${id}` } });

beforeAll(async () => {
  stack = await startStack({ listen: false });
  // Runs are not under test here: the route's contract is a hint stored and a run queued.
  stack.jobs.enqueueConnection = async (id: string) => {
    enqueued.push(id);
  };
  jiraOrg = await signUpAndLogIn(stack.app, 'deljira');
  const partner = await signUpAndLogIn(stack.app, 'delfresh');
  // Untested settings pointing where nothing listens: the route never calls the platform.
  const saved = await stack.app.inject({
    method: 'PUT',
    url: '/api/v1/platform',
    headers: jiraOrg.auth,
    payload: {
      platform: 'jira_service_management',
      apiUrl: 'http://127.0.0.1:9',
      credentials: { email: 'agent@acme.example', apiToken: 'PlaceholderToken0001' },
    },
  });
  expect(saved.statusCode, saved.body).toBe(200);
  await savePlatform(stack.app, partner);
  const created = await stack.app.inject({
    method: 'POST',
    url: '/api/v1/connections',
    headers: jiraOrg.auth,
    payload: { role: 'source', contractName: 'Deletions' },
  });
  expect(created.statusCode, created.body).toBe(201);
  connectionId = created.json().id;
  const accepted = await stack.app.inject({
    method: 'POST',
    url: '/api/v1/connections/accept',
    headers: partner.auth,
    payload: { verificationCode: created.json().verificationCode },
  });
  expect(accepted.statusCode, accepted.body).toBe(200);
  const card = await stack.app.inject({ url: `/api/v1/connections/${connectionId}/webhook`, headers: jiraOrg.auth });
  expect(card.statusCode, card.body).toBe(200);
  path = new URL(card.json().url).pathname;
  secret = card.json().signingSecret;
  expect(path).toMatch(/^\/api\/v1\/hooks\/jira_service_management\//);
  expect(secret).toBeTruthy();
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(async () => {
  enqueued.length = 0;
  await takeSyncHints(stack.database.db, connectionId);
});

describe('a signed Jira webhook call on the hook route', () => {
  it('issue_deleted: accepted, stored as a deletion hint of that issue, a run queued', async () => {
    const r = await call(issueEvent('jira:issue_deleted', '10001'));
    expect(r.statusCode, r.body).toBe(202);
    expect(await takeSyncHints(stack.database.db, connectionId)).toEqual([{ side: 'source', ticketId: '10001', deleted: true }]);
    expect(enqueued).toEqual([connectionId]);
  });

  it('issue_updated: a change hint, no deletion; one that follows a deletion of the same issue keeps it', async () => {
    expect((await call(issueEvent('jira:issue_updated', '10002'))).statusCode).toBe(202);
    expect(await takeSyncHints(stack.database.db, connectionId)).toEqual([{ side: 'source', ticketId: '10002' }]);

    expect((await call(issueEvent('jira:issue_deleted', '10003'))).statusCode).toBe(202);
    expect((await call(issueEvent('jira:issue_updated', '10003'))).statusCode).toBe(202);
    expect(await takeSyncHints(stack.database.db, connectionId)).toEqual([{ side: 'source', ticketId: '10003', deleted: true }]);
  });

  it('issue_deleted signed with another secret: 401, nothing stored, no run', async () => {
    const r = await call(issueEvent('jira:issue_deleted', '10004'), 'not-the-secret');
    expect(r.statusCode).toBe(401);
    expect(r.json().error.code).toBe('invalid_signature');
    expect(await takeSyncHints(stack.database.db, connectionId)).toEqual([]);
    expect(enqueued).toEqual([]);
  });
});
