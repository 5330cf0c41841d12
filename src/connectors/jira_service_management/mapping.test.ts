import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { customValue, editFields, isInternal, statusCategoryOf, toRemoteTicket } from './mapping.ts';
import { JiraComment, JiraIssue, jiraIso } from './payloads.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../../test/fixtures/jira/${name}`, import.meta.url), 'utf8'));

describe('statusCategoryOf', () => {
  it.each([
    ['new', 'To Do', 'new'],
    ['new', 'Waiting for support', 'new'],
    ['indeterminate', 'In Progress', 'open'],
    ['indeterminate', 'Waiting for customer', 'pending'],
    ['indeterminate', 'Waiting for support', 'open'],
    ['indeterminate', 'Pending', 'pending'],
    ['indeterminate', 'En cours', 'open'],
    ['done', 'Done', 'resolved'],
    ['done', 'Resolved', 'resolved'],
    ['done', 'Closed', 'closed'],
    ['done', 'Canceled', 'closed'],
    ['undefined', 'Whatever', 'open'],
    ['TODO', 'To Do', 'new'],
    ['IN_PROGRESS', 'In Review', 'open'],
    ['DONE', 'Done', 'resolved'],
  ])('%s / %s → %s', (key, name, category) => {
    expect(statusCategoryOf(key, name)).toBe(category);
  });
});

describe('jiraIso', () => {
  it.each([
    ['2026-04-28T15:33:15.438+0200', '2026-04-28T13:33:15.438Z'],
    ['2026-04-28T15:33:15.438-0530', '2026-04-28T21:03:15.438Z'],
    ['2026-04-28T15:33:15.438Z', '2026-04-28T15:33:15.438Z'],
  ])('%s', (input, iso) => expect(jiraIso(input)).toBe(iso));
});

describe('isInternal', () => {
  const base = { id: '1', created: '2026-04-28T15:33:15.438+0200' };
  it.each([
    [{ jsdPublic: true }, false],
    [{}, false],
    [{ jsdPublic: false }, true],
    [{ visibility: { type: 'role', value: 'Administrators' } }, true],
    [{ properties: [{ key: 'sd.public.comment', value: { internal: true } }] }, true],
    [{ properties: [{ key: 'sd.public.comment', value: { internal: 'true' } }] }, false],
  ])('%j → %s', (extra, internal) => {
    expect(isInternal(JiraComment.parse({ ...base, ...extra }))).toBe(internal);
  });
});

describe('toRemoteTicket', () => {
  it('maps the real recorded issue', () => {
    const issue = JiraIssue.parse(fixture('issue.get.real-nango.json').body);
    const t = toRemoteTicket(issue);
    expect(t).toMatchObject({ id: issue.id, displayId: issue.key, type: issue.fields.issuetype?.name });
    expect(t.fields.status).toBe(issue.fields.status?.id);
    expect(t.updatedAt).toBe(jiraIso(issue.fields.updated!));
    expect(t.description).not.toMatch(/"type":/);
  });
  it('keeps the conversation only when the embedded page is complete', () => {
    const page = (total: number) => ({ comments: [{ id: '5', created: '2026-04-28T15:33:15.438+0200', body: null }], startAt: 0, total });
    const issue = (total: number) => JiraIssue.parse({ id: '10', key: 'SUP-1', fields: { comment: page(total) } });
    expect(toRemoteTicket(issue(1)).comments).toHaveLength(1);
    expect(toRemoteTicket(issue(2)).comments).toBeUndefined();
  });
});

describe('customValue / editFields', () => {
  it.each([
    [null, null],
    ['x', 'x'],
    [3, 3],
    [{ value: 'Hardware', id: '10001' }, 'Hardware'],
    [{ accountId: 'abc' }, 'abc'],
    [['a', 'b'], '["a","b"]'],
    [{ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'root' }] }] }, 'root'],
  ])('%j → %j', (v, out) => expect(customValue(v)).toEqual(out));

  it('writes priority by id, option fields as {value}, multi-line text as ADF; never status', () => {
    const kinds = new Map([
      ['customfield_1', 'option' as const],
      ['customfield_4', 'adf' as const],
    ]);
    const values = { priority: '3', status: '10001', customfield_1: 'Hardware', customfield_2: 'text', customfield_3: null, customfield_4: 'a\nb' };
    expect(editFields(values, kinds)).toEqual({
      priority: { id: '3' },
      customfield_1: { value: 'Hardware' },
      customfield_2: 'text',
      customfield_3: null,
      customfield_4: {
        type: 'doc',
        version: 1,
        content: [
          { type: 'paragraph', content: [{ type: 'text', text: 'a' }] },
          { type: 'paragraph', content: [{ type: 'text', text: 'b' }] },
        ],
      },
    });
  });
});
