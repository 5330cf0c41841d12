/**
 * The Jira simulator's JSM request types and customer requests [jira-api.md §12]: request type forms, creating
 * a request (only the form's visible fields, the required ones present, hidden ones preset), raised on behalf
 * of an existing account by an agent, errors in the JSM API's shape ({errorMessage, i18nErrorMessage}).
 */
import { ServiceDeskClient } from 'jira.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJiraSimulator, type JiraSimulator } from '../../src/simulator/jira/index.ts';
import { jira } from './jira-helpers.ts';

let sim: JiraSimulator;
let customerId = '';

beforeAll(async () => {
  sim = await startJiraSimulator({ rateLimit: false, seed: 'empty' });
  customerId = [...sim.state.users.values()].find((u) => u.accountType === 'customer')!.accountId;
});
afterAll(() => sim?.close());

const create = (body: Record<string, unknown>, as?: string) =>
  jira(sim, 'POST', '/rest/servicedeskapi/request', { body: { serviceDeskId: '1', requestTypeId: '2', ...body }, ...(as ? { as } : {}) });

const jsmErrorShape = { errorMessage: expect.any(String), i18nErrorMessage: { i18nKey: expect.any(String), parameters: expect.any(Array) } };

describe('request types', () => {
  it('lists the desk’s request types with the issue type each creates, and each form', async () => {
    const list = await jira(sim, 'GET', '/rest/servicedeskapi/servicedesk/1/requesttype');
    expect(list.status).toBe(200);
    expect(list.json.values.map((t: { id: string; name: string; issueTypeId: string }) => [t.id, t.name, t.issueTypeId])).toEqual([
      ['1', 'Get IT help', '10100'],
      ['2', 'Report a system problem', '10101'],
    ]);
    const form = await jira(sim, 'GET', '/rest/servicedeskapi/servicedesk/1/requesttype/2/field');
    expect(form.status).toBe(200);
    expect(form.json.canRaiseOnBehalfOf).toBe(true);
    expect(form.json.requestTypeFields.map((f: { fieldId: string; required: boolean; visible: boolean }) => [f.fieldId, f.required, f.visible])).toEqual([
      ['summary', true, true],
      ['description', false, true],
      ['priority', false, true],
      ['customfield_10060', true, false],
    ]);
    const browseOnly = await jira(sim, 'GET', '/rest/servicedeskapi/servicedesk/1/requesttype/2/field', { as: 'readonly' });
    expect(browseOnly.json.canRaiseOnBehalfOf).toBe(false);
    expect((await jira(sim, 'GET', '/rest/servicedeskapi/servicedesk/1/requesttype/99/field')).status).toBe(404);
  });
});

describe('creating a request', () => {
  it('raises it on behalf of a customer: the request type, the reporter, visible fields and hidden presets are set', async () => {
    const res = await create({
      requestFieldValues: { summary: 'Mail is down', description: 'Since 9 am', priority: { id: '2' } },
      raiseOnBehalfOf: customerId,
    });
    expect(res.status, res.text).toBe(201);
    expect(res.json).toMatchObject({ requestTypeId: '2', serviceDeskId: '1', reporter: { accountId: customerId } });
    const issue = sim.state.issue(res.json.issueId)!;
    expect(issue).toMatchObject({ issueTypeId: '10101', requestTypeId: '2', reporterId: customerId, priorityId: '2', summary: 'Mail is down' });
    expect(issue.custom.customfield_10060).toBe('portal');
    const agentView = await jira(sim, 'GET', `/rest/api/3/issue/${res.json.issueKey}?fields=reporter,customfield_10010`);
    expect(agentView.json.fields.reporter.accountId).toBe(customerId);
    expect(agentView.json.fields.customfield_10010.requestType.id).toBe('2');
  });

  it.each([
    {
      why: 'a field the form does not show',
      body: { requestFieldValues: { summary: 'x', labels: ['a'] } },
      status: 400,
      key: 'sd.request.create.error.field.not.on.form',
    },
    {
      why: 'a hidden field',
      body: { requestFieldValues: { summary: 'x', customfield_10060: 'mine' } },
      status: 400,
      key: 'sd.request.create.error.field.not.on.form',
    },
    { why: 'a required field left out', body: { requestFieldValues: { description: 'x' } }, status: 400, key: 'sd.request.create.error.field.required' },
    {
      why: 'an ADF description without isAdfRequest',
      body: { requestFieldValues: { summary: 'x', description: { type: 'doc', version: 1, content: [] } } },
      status: 400,
      key: 'sd.request.create.error.field.invalid',
    },
    {
      why: 'a value Jira refuses',
      body: { requestFieldValues: { summary: 'x', priority: { id: '42' } } },
      status: 400,
      key: 'sd.request.create.error.field.invalid',
    },
    {
      why: 'an unknown request type',
      body: { requestTypeId: '77', requestFieldValues: { summary: 'x' } },
      status: 400,
      key: 'sd.request.create.error.requesttype.invalid',
    },
    {
      why: 'a customer that does not exist',
      body: { requestFieldValues: { summary: 'x' }, raiseOnBehalfOf: 'qm:00000000-0000-0000-0000-000000000000:nobody' },
      status: 400,
      key: 'sd.request.create.error.raiseonbehalfof.user',
    },
    {
      why: 'an account that may not create requests',
      body: { requestFieldValues: { summary: 'x' } },
      as: 'readonly',
      status: 403,
      key: 'sd.request.create.error.permission',
    },
  ])('refuses $why, in the JSM shape, and creates nothing', async ({ body, as, status, key }) => {
    const before = sim.state.issues.size;
    const res = await create(body, as);
    expect(res.status, res.text).toBe(status);
    expect(res.json).toMatchObject(jsmErrorShape);
    expect(res.json.i18nErrorMessage.i18nKey).toBe(key);
    expect(sim.state.issues.size).toBe(before);
  });

  it('takes labels where the form shows them, and an ADF description with isAdfRequest', async () => {
    const description = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'rich' }] }] };
    const res = await create({ requestTypeId: '1', requestFieldValues: { summary: 'Labelled', labels: ['sf-x1'], description }, isAdfRequest: true });
    expect(res.status, res.text).toBe(201);
    expect(sim.state.issue(res.json.issueId)).toMatchObject({ labels: ['sf-x1'], description, reporterId: sim.state.userByProfile('admin')!.accountId });
  });
});

describe('jira.js (a client nobody here wrote) on the same endpoints', () => {
  it('reads a request type form and sees a refused request as an error carrying JSM’s body', async () => {
    const sd = new ServiceDeskClient({ host: sim.url, authentication: { basic: { email: sim.emailFor('admin'), apiToken: sim.tokenFor('admin') } } });
    const form = await sd.serviceDesk.getRequestTypeFields({ serviceDeskId: '1', requestTypeId: 1 });
    expect(form.canRaiseOnBehalfOf).toBe(true);
    expect(form.requestTypeFields?.map((f) => f.fieldId)).toEqual(['summary', 'description', 'labels']);
    const refused = await sd.request
      .createCustomerRequest({ serviceDeskId: '1', requestTypeId: '1', requestFieldValues: { description: 'no summary' } })
      .catch((e: unknown) => e);
    expect(JSON.stringify(refused)).toContain('sd.request.create.error.field.required');
  });
});
