import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readJiraHook, verifyJiraSignature } from './webhook.ts';

const secret = 'whsec-123';
const payload = {
  timestamp: 1777390395438,
  webhookEvent: 'jira:issue_updated',
  issue_event_type_name: 'issue_generic',
  user: { accountId: '712020:abc', displayName: 'Ann' },
  issue: { id: '10006', key: 'SUP-5', self: 'https://acme.atlassian.net/rest/api/2/10006', fields: { summary: 'x' } },
  changelog: { id: '10100', items: [{ field: 'status', fieldtype: 'jira', from: '10000', fromString: 'To Do', to: '10001', toString: 'In Progress' }] },
};
const raw = Buffer.from(JSON.stringify(payload));
const sign = (body: Buffer, key = secret) => `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
const hook = (headers: Record<string, string | undefined>, body = raw, json: unknown = JSON.parse(body.toString())) => ({ headers, rawBody: body, json });

describe('verifyJiraSignature', () => {
  it.each([
    ['valid', hook({ 'x-hub-signature': sign(raw) }), secret, true],
    ['upper-case hex', hook({ 'x-hub-signature': sign(raw).toUpperCase().replace('SHA256', 'sha256') }), secret, true],
    ['tampered body', hook({ 'x-hub-signature': sign(raw) }, Buffer.from(raw.toString().replace('SUP-5', 'SUP-6'))), secret, false],
    ['wrong secret', hook({ 'x-hub-signature': sign(raw, 'other') }), secret, false],
    ['missing header', hook({}), secret, false],
    ['sha1 style', hook({ 'x-hub-signature': `sha1=${'a'.repeat(40)}` }), secret, false],
    ['no secret configured', hook({ 'x-hub-signature': sign(raw) }), null, false],
  ])('%s', (_n, h, s, ok) => expect(verifyJiraSignature(h, s)).toBe(ok));
});

describe('readJiraHook', () => {
  it.each([
    ['issue event', payload, { ok: true, ticketIds: ['10006'] }],
    [
      'comment event with a trimmed issue',
      { webhookEvent: 'comment_created', comment: { id: '1' }, issue: { id: 10007, key: 'SUP-6' } },
      { ok: true, ticketIds: ['10007'] },
    ],
    [
      'issue deleted: a hint that also reports the deletion',
      { webhookEvent: 'jira:issue_deleted', issue_event_type_name: 'issue_deleted', issue: { id: '10008', key: 'SUP-7', fields: { summary: 'gone' } } },
      { ok: true, ticketIds: ['10008'], deleted: ['10008'] },
    ],
    [
      'issue deleted with "Exclude body" style trimmed issue',
      { webhookEvent: 'jira:issue_deleted', issue: { id: 10009, key: 'SUP-8' } },
      { ok: true, ticketIds: ['10009'], deleted: ['10009'] },
    ],
    [
      'comment deleted after its issue: about the comment, not a deletion of the issue',
      { webhookEvent: 'comment_deleted', comment: { id: '2' }, issue: { id: '10008', key: 'SUP-7' } },
      { ok: true, ticketIds: ['10008'] },
    ],
    ['no issue', { webhookEvent: 'jira:version_released' }, { ok: false }],
    ['hostile id', { webhookEvent: 'jira:issue_updated', issue: { id: '1; DROP' } }, { ok: false }],
    ['not JSON', undefined, { ok: false }],
  ])('%s', (_n, json, expected) => {
    const reading = readJiraHook({ headers: {}, rawBody: Buffer.from(''), json });
    expect(reading).toMatchObject(expected);
    // Only a deletion event reports a deletion.
    if (reading.ok && !('deleted' in expected)) expect(reading.deleted).toBeUndefined();
  });
});
