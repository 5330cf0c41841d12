import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceDeskClient, Version3Client } from 'jira.js';
import { startJiraSimulator, type JiraSimulator } from '../../src/simulator/jira/index.ts';

// jira.js (npm), a client nobody here wrote, drives the simulator as it would drive Jira Cloud: if the
// simulator's paths, verbs, headers or shapes drift from the real API, these calls break.

let sim: JiraSimulator;
let v3: Version3Client;
let sd: ServiceDeskClient;

beforeAll(async () => {
  sim = await startJiraSimulator({ rateLimit: false, seed: 'empty' });
  const authentication = { basic: { email: sim.emailFor('admin'), apiToken: sim.tokenFor('admin') } };
  v3 = new Version3Client({ host: sim.url, authentication });
  sd = new ServiceDeskClient({ host: sim.url, authentication });
});
afterAll(async () => {
  await sim.close();
});

const adf = (text: string) => ({
  type: 'doc' as const,
  version: 1 as const,
  content: [{ type: 'paragraph' as const, content: [{ type: 'text' as const, text }] }],
});

describe('jira.js against the simulator', () => {
  it('reads the account, creates, finds, transitions, comments on and attaches to an issue', async () => {
    const me = await v3.myself.getCurrentUser();
    expect(me.emailAddress).toBe(sim.emailFor('admin'));
    expect(me.timeZone).toBe('Europe/Warsaw');

    const created = await v3.issues.createIssue({
      fields: { project: { key: 'SUP' }, issuetype: { id: '10101' }, summary: 'Printer on fire', description: adf('Smoke from tray 2'), labels: ['hardware'] },
    });
    expect(created.key).toBe('SUP-1');

    const found = await v3.issueSearch.searchForIssuesUsingJqlEnhancedSearch({
      jql: 'project = SUP AND labels = hardware ORDER BY updated ASC, key ASC',
      fields: ['summary', 'status', 'updated'],
    });
    // jira.js's result type has no isLast although the API sends it [spec 4.1].
    expect((found as { isLast?: boolean }).isLast).toBe(true);
    expect(found.issues?.map((i) => [i.key, i.fields.summary])).toEqual([['SUP-1', 'Printer on fire']]);
    const posted = await v3.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost({ jql: 'project = SUP', fields: ['summary'], maxResults: 10 });
    expect(posted.issues?.map((i) => i.key)).toEqual(['SUP-1']);

    const { transitions } = await v3.issues.getTransitions({ issueIdOrKey: created.key });
    const resolve = transitions?.find((t) => t.to?.statusCategory?.key === 'done' && t.name === 'Resolve this issue');
    expect(resolve).toBeDefined();
    await v3.issues.doTransition({ issueIdOrKey: created.key, transition: { id: resolve!.id! }, fields: { resolution: { name: 'Done' } } });

    const comment = await v3.issueComments.addComment({ issueIdOrKey: created.key, comment: adf('Replaced the fuser') });
    expect(comment.jsdPublic).toBe(true);
    const note = await sd.request.createRequestComment({ issueIdOrKey: created.key, body: 'Internal: order a spare', public: false });
    expect(note.public).toBe(false);

    const attached = await v3.issueAttachments.addAttachment({
      issueIdOrKey: created.key,
      attachment: { filename: 'log.txt', file: Buffer.from('paper jam at 10:02') },
    });
    expect(attached).toHaveLength(1);
    const bytes = await v3.issueAttachments.getAttachmentContent({ id: attached[0]!.id! });
    expect(Buffer.from(bytes as unknown as ArrayBuffer).toString('utf8')).toBe('paper jam at 10:02');
    const redirected = await v3.issueAttachments.getAttachmentContent({ id: attached[0]!.id!, redirect: true });
    expect(Buffer.from(redirected as unknown as ArrayBuffer).toString('utf8')).toBe('paper jam at 10:02');

    const issue = await v3.issues.getIssue({ issueIdOrKey: created.key });
    expect(issue.fields.status.statusCategory?.key).toBe('done');
    expect(issue.fields.resolution?.name).toBe('Done');
    expect(issue.fields.attachment?.map((a) => a.filename)).toEqual(['log.txt']);
    const comments = await v3.issueComments.getComments({ issueIdOrKey: created.key });
    expect(comments.comments?.map((c) => c.jsdPublic)).toEqual([true, false]);
    const jsmComments = await sd.request.getRequestComments({ issueIdOrKey: created.key });
    expect(jsmComments.values?.map((c) => [c.body, c.public])).toEqual([
      ['Replaced the fuser', true],
      ['Internal: order a spare', false],
    ]);
  });

  it('surfaces Jira errors the way jira.js reports them (status + errorMessages)', async () => {
    const err = await v3.issues.doTransition({ issueIdOrKey: 'SUP-1', transition: { id: '999' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(JSON.stringify(err)).toContain("Transition id '999' is not valid for this issue.");
    const missing = await v3.issues.getIssue({ issueIdOrKey: 'SUP-999' }).catch((e: unknown) => e);
    expect(JSON.stringify(missing)).toContain('Issue does not exist');
  });

  it('reads the service desk, its request types and creates a request on behalf of a customer', async () => {
    const desks = await sd.serviceDesk.getServiceDesks();
    expect(desks.values?.map((d) => d.projectKey)).toEqual(['SUP']);
    const types = await sd.serviceDesk.getRequestTypes({ serviceDeskId: desks.values![0]!.id! });
    expect(types.values?.map((t) => t.name)).toContain('Get IT help');
    const customer = await sd.customer.createCustomer({ email: 'dana@client.example', displayName: 'Dana' });
    const req = await sd.request.createCustomerRequest({
      serviceDeskId: desks.values![0]!.id!,
      requestTypeId: '1',
      requestFieldValues: { summary: 'Need a monitor' },
      raiseOnBehalfOf: customer.accountId,
    });
    expect(req.issueKey).toMatch(/^SUP-\d+$/);
    expect(req.reporter?.accountId).toMatch(/^qm:/);
  });
});
