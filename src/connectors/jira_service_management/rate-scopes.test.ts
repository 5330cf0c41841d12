import { describe, expect, it } from 'vitest';
import { jiraCallScopes, pauseScopeOfReason } from './api.ts';

describe('what a Jira 429 pauses, by its RateLimit-Reason', () => {
  it.each([
    ['jira-quota-global-based', 'account'],
    ['jira-quota-tenant-based', 'account'],
    ['jira-burst-based', 'endpoint'],
    ['jira-per-issue-on-write', 'subject'],
    ['jira-cost-based', null],
    ['jira-max-concurrent-threads-across-all-instances-per-tenant-per-user', null],
    [undefined, null],
  ] as const)('%s → %s', (reason, scope) => {
    expect(pauseScopeOfReason(reason)).toBe(scope);
  });
});

describe('the endpoint and issue a Jira call falls under', () => {
  it.each([
    ['GET', '/rest/api/3/issue/10001', { endpoint: 'GET /rest/api/3/issue/{id}' }],
    ['GET', '/rest/api/3/issue/KAN-6?fields=summary', { endpoint: 'GET /rest/api/3/issue/{id}' }],
    ['PUT', '/rest/api/3/issue/10001', { endpoint: 'PUT /rest/api/3/issue/{id}', subject: 'issue 10001' }],
    ['POST', '/rest/api/3/issue/KAN-6/comment', { endpoint: 'POST /rest/api/3/issue/{id}/comment', subject: 'issue KAN-6' }],
    ['POST', '/rest/api/3/issue/10001/transitions', { endpoint: 'POST /rest/api/3/issue/{id}/transitions', subject: 'issue 10001' }],
    ['POST', '/rest/api/3/issue', { endpoint: 'POST /rest/api/3/issue' }],
    ['POST', '/rest/servicedeskapi/request/10001/comment', { endpoint: 'POST /rest/servicedeskapi/request/{id}/comment', subject: 'issue 10001' }],
    ['GET', '/rest/servicedeskapi/servicedesk/4/customer', { endpoint: 'GET /rest/servicedeskapi/servicedesk/{id}/customer' }],
    // Through the OAuth gateway the path carries a prefix; the endpoint is the same.
    ['GET', 'https://api.atlassian.com/ex/jira/0777abc/rest/api/3/issue/10001', { endpoint: 'GET /rest/api/3/issue/{id}' }],
    ['GET', '/ex/jira/0777abc/rest/api/3/myself', { endpoint: 'GET /rest/api/3/myself' }],
  ])('%s %s', (method, path, want) => {
    expect(jiraCallScopes(method, path)).toEqual(want);
  });
});
