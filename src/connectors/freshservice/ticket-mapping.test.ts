import { describe, expect, it } from 'vitest';
import type { TicketWrite } from '../../core/connector.ts';
import { FsTicket } from './payloads.ts';
import { displayIdOf, formFieldOf, NO_DESCRIPTION, NO_SUBJECT, toRemoteComment, toRemoteTicket, toTicketAttributes, withTextFilled } from './ticket-mapping.ts';

const GROUP = 54000210341;
const AGENT = 54001538970;
const DEPT = 54000138230;

const vendor = (over: Record<string, unknown> = {}) =>
  FsTicket.parse({
    id: 34,
    subject: 'VPN drops',
    description: '<div>It drops</div>',
    type: 'Incident',
    status: 2,
    priority: 3,
    urgency: 2,
    impact: 1,
    source: 2,
    group_id: GROUP,
    responder_id: AGENT,
    department_id: DEPT,
    category: 'Network',
    sub_category: 'Access',
    item_category: null,
    requester_id: 54001538980,
    requester: { id: 54001538980, name: 'Alice Martin', email: 'alice@acme.example.com', mobile: null, phone: null },
    tags: ['vpn', 'sf-abc1'],
    custom_fields: { it_field: 'First Choice', external_reference: null, approved: true, hours: 3, multi: ['a', 'b'] },
    attachments: [{ id: 9, name: 'a.png', content_type: 'image/png', size: 12, attachment_url: 'https://s3.example/a.png' }],
    created_at: '2025-01-02T03:04:05Z',
    updated_at: '2025-01-03T10:00:00+05:30',
    ...over,
  });

describe('vendor ticket → RemoteTicket', () => {
  it('maps every default field, ids as strings, custom fields by name, timestamps to UTC ISO', () => {
    expect(toRemoteTicket(vendor())).toEqual({
      id: '34',
      displayId: 'INC-34',
      type: 'Incident',
      subject: 'VPN drops',
      description: '<div>It drops</div>',
      fields: {
        status: 2,
        priority: 3,
        urgency: 2,
        impact: 1,
        source: 2,
        group: String(GROUP),
        agent: String(AGENT),
        department: String(DEPT),
        ticket_type: 'Incident',
        category: 'Network',
        sub_category: 'Access',
        item_category: null,
        it_field: 'First Choice',
        external_reference: null,
        approved: true,
        hours: 3,
        multi: '["a","b"]',
      },
      tags: ['vpn', 'sf-abc1'],
      requester: { id: '54001538980', email: 'alice@acme.example.com', name: 'Alice Martin' },
      createdAt: '2025-01-02T03:04:05.000Z',
      updatedAt: '2025-01-03T04:30:00.000Z',
      attachments: [{ id: '9', name: 'a.png', contentType: 'image/png', size: 12 }],
    });
  });

  it.each([
    {
      name: 'unassigned: null group/agent/department',
      over: { group_id: null, responder_id: null, department_id: null },
      expect: { group: null, agent: null, department: null },
    },
    { name: 'list item: urgency/impact absent → null', over: { urgency: undefined, impact: undefined }, expect: { urgency: null, impact: null } },
    { name: 'a custom field named like a default loses', over: { custom_fields: { status: 'x' } }, expect: { status: 2 } },
  ])('$name', ({ over, expect: fields }) => {
    expect(toRemoteTicket(vendor(over)).fields).toMatchObject(fields);
  });

  it('without the requester embed, keeps requester_id; without tags, []', () => {
    const t = toRemoteTicket(vendor({ requester: undefined, tags: undefined, attachments: undefined }));
    expect(t.requester).toEqual({ id: '54001538980', email: null, name: null });
    expect(t.tags).toEqual([]);
    expect(t.attachments).toEqual([]);
  });

  it.each([
    ['Incident', 'INC-7'],
    ['Major Incident', 'INC-7'],
    ['Service Request', 'SR-7'],
    ['Case', '#7'],
    [null, '#7'],
  ] as const)('display id of %s → %s', (type, expected) => {
    expect(displayIdOf(type, 7)).toBe(expected);
  });
});

describe('TicketWrite → API attributes', () => {
  it.each<{ name: string; write: TicketWrite; body: Record<string, unknown> }>([
    {
      name: 'numbers stay numbers, numeric strings become numbers',
      write: { fields: { status: 3, priority: '4', urgency: 1 } },
      body: { status: 3, priority: 4, urgency: 1 },
    },
    {
      name: 'group/agent/department string ids → numeric *_id',
      write: { fields: { group: String(GROUP), agent: String(AGENT), department: String(DEPT) } },
      body: { group_id: GROUP, responder_id: AGENT, department_id: DEPT },
    },
    { name: 'null and "" unassign', write: { fields: { group: null, agent: '' } }, body: { group_id: null, responder_id: null } },
    { name: 'ticket_type → type', write: { fields: { ticket_type: 'Incident' } }, body: { type: 'Incident' } },
    {
      name: 'category levels as labels',
      write: { fields: { category: 'Hardware', sub_category: 'Computer', item_category: null } },
      body: { category: 'Hardware', sub_category: 'Computer', item_category: null },
    },
    {
      name: 'custom fields → custom_fields[name], values as given',
      write: { fields: { it_field: 'Second Choice', approved: false, hours: 2, external_reference: null } },
      body: { custom_fields: { it_field: 'Second Choice', approved: false, hours: 2, external_reference: null } },
    },
    {
      name: 'subject, description, tags top-level; tags deduplicated',
      write: { subject: 'S', description: '<p>D</p>', tags: ['a', 'b', 'a'] },
      body: { subject: 'S', description: '<p>D</p>', tags: ['a', 'b'] },
    },
    { name: 'empty write → empty body (only given attributes)', write: {}, body: {} },
    { name: 'empty tags clear the set', write: { tags: [] }, body: { tags: [] } },
  ])('$name', ({ write, body }) => {
    expect(toTicketAttributes(write)).toEqual(body);
  });

  it('round trip: read fields written back give the same attributes', () => {
    const t = toRemoteTicket(vendor());
    const body = toTicketAttributes({ fields: t.fields });
    expect(body).toMatchObject({
      status: 2,
      priority: 3,
      group_id: GROUP,
      responder_id: AGENT,
      department_id: DEPT,
      type: 'Incident',
      category: 'Network',
      sub_category: 'Access',
    });
    expect(body.custom_fields).toMatchObject({ it_field: 'First Choice', approved: true, hours: 3 });
  });
});

describe('error field names and conversations', () => {
  it.each([
    ['group_id', 'group'],
    ['responder_id', 'agent'],
    ['department_id', 'department'],
    ['type', 'ticket_type'],
    ['custom_fields.it_field', 'it_field'],
    ['status', 'status'],
  ])('%s → %s', (api, form) => expect(formFieldOf(api)).toBe(form));

  it.each([
    [0, undefined, 'reply'],
    [2, true, 'note'],
    [3, false, 'other'],
    [undefined, true, 'note'], // note POST answer has no source
  ] as const)('source %s → %s', (source, priv, kind) => {
    const c = toRemoteComment({ id: 1, body: '<p>x</p>', body_text: 'x', private: priv, source, user_id: AGENT, created_at: '2025-01-01T00:00:00Z' }, 'note');
    expect(c).toMatchObject({ id: '1', kind, private: priv ?? false, authorId: String(AGENT), bodyText: 'x' });
  });
});

describe('withTextFilled: Freshservice refuses a blank subject or description', () => {
  it.each([
    [
      { subject: '', description: '<p>x</p>' },
      { subject: NO_SUBJECT, description: '<p>x</p>' },
    ],
    [
      { subject: 'Printer', description: '  ' },
      { subject: 'Printer', description: NO_DESCRIPTION },
    ],
    [
      { subject: ' \n', description: '' },
      { subject: NO_SUBJECT, description: NO_DESCRIPTION },
    ],
    [{ priority: 3 }, { priority: 3 }],
    [
      { subject: 'Kept', description: '<p></p>' },
      { subject: 'Kept', description: '<p></p>' },
    ],
  ])('%j → %j', (body, expected) => {
    expect(withTextFilled(body)).toEqual(expected);
  });
});
