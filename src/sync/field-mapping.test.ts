import { describe, expect, it } from 'vitest';
import type { FieldDefinition, RemoteTicket } from '../core/connector.ts';
import type { FieldRole } from '../core/platform-manifest.ts';
import { defaultTypeMapping, type Mappings, type SyncFilter } from '../core/sync-config.ts';
import {
  changedValues,
  directedRules,
  filterFieldName,
  filterNeedsFields,
  matchesFilter,
  mirroredValues,
  snapshotOf,
  toWrite,
  typeMappingFor,
  UnmappedValueError,
} from './field-mapping.ts';

const ticket = (over: Partial<RemoteTicket> = {}): RemoteTicket => ({
  id: '7',
  displayId: 'INC-7',
  type: 'Incident',
  subject: 'VPN down',
  description: '<p>It broke</p>',
  fields: { status: 2, priority: 3, urgency: 2, impact: 1, group: '900000000001', category: 'Network' },
  tags: ['vip'],
  requester: { id: '5', email: 'pat@acme.test', name: 'Pat' },
  createdAt: '2026-11-01T10:00:00Z',
  updatedAt: '2026-11-01T10:05:00Z',
  attachments: [],
  ...over,
});

const statusOnly = (direction: 'source_to_target' | 'target_to_source' | 'bidirectional') => ({
  targetType: null,
  fields: [
    {
      sourceField: 'status',
      targetField: 'status',
      direction,
      kind: 'value' as const,
      values: [
        { source: 2, target: 3 },
        { source: 4, target: 5 },
      ],
    },
  ],
  descriptionBuilder: { fields: [], separator: '---' },
});

describe('directedRules', () => {
  it.each([
    ['source_to_target', 'source', 1],
    ['source_to_target', 'target', 0],
    ['target_to_source', 'source', 0],
    ['target_to_source', 'target', 1],
    ['bidirectional', 'source', 1],
    ['bidirectional', 'target', 1],
  ] as const)('%s seen from the %s side gives %i rule(s)', (direction, side, n) => {
    expect(directedRules(statusOnly(direction), side)).toHaveLength(n);
  });

  it('reverses value pairs for the target side', () => {
    const [rule] = directedRules(statusOnly('bidirectional'), 'target');
    expect(rule!.pairs).toEqual([
      { from: '3', to: 2 },
      { from: '5', to: 4 },
    ]);
  });
});

describe('changedValues', () => {
  const rules = directedRules(defaultTypeMapping(), 'source');
  it('without a snapshot, every mapped field is written', () => {
    expect(changedValues(rules, ticket(), null)).toEqual({
      subject: 'VPN down',
      description: '<p>It broke</p>',
      status: 2,
      priority: 3,
      urgency: 2,
      impact: 1,
    });
  });
  it('with an equal snapshot, nothing is written (echo suppression)', () => {
    const t = ticket();
    expect(changedValues(rules, t, { subject: t.subject, description: t.description, ...t.fields })).toEqual({});
  });
  it('only changed fields are written', () => {
    const t = ticket();
    const snap = { subject: 'old subject', description: t.description, ...t.fields, status: 3 };
    expect(changedValues(rules, t, snap)).toEqual({ subject: 'VPN down', status: 2 });
  });
  it('a value without a value mapping fails with what to add', () => {
    const [rule] = directedRules(statusOnly('source_to_target'), 'source');
    expect(() => changedValues([rule!], ticket({ fields: { status: 3 } }), null)).toThrow(UnmappedValueError);
    expect(() => changedValues([rule!], ticket({ fields: { status: 3 } }), null)).toThrow(/status value 3 has no value mapping.*Field mappings/);
  });
  it('a null value passes through a value mapping as null', () => {
    const [rule] = directedRules(statusOnly('source_to_target'), 'source');
    expect(changedValues([rule!], ticket({ fields: { status: null } }), null)).toEqual({ status: null });
  });
});

describe('typeMappingFor', () => {
  const mappings: Mappings = { types: { Incident: { ...defaultTypeMapping(), targetType: 'Service Request' } } };
  it.each([
    ['source', 'Incident', 'Service Request'],
    ['target', 'Service Request', 'Incident'],
    ['source', 'Problem', 'Problem'],
  ] as const)('%s ticket of type %s is written as %s', (side, type, other) => {
    expect(typeMappingFor(mappings, side, type).otherType).toBe(other);
  });
});

describe('matchesFilter', () => {
  const none: SyncFilter = { groups: [], ticketTypes: [], tags: [], statuses: [], field: null };
  it.each([
    [{}, true],
    [{ groups: ['900000000001'] }, true],
    [{ groups: ['42'] }, false],
    [{ ticketTypes: ['Service Request'] }, false],
    [{ tags: ['vip', 'x'] }, true],
    [{ tags: ['x'] }, false],
    [{ statuses: [2, 3] }, true],
    [{ statuses: ['4'] }, false],
    [{ field: { name: 'category', equals: 'Network' } }, true],
    [{ field: { name: 'category', equals: 'Hardware' } }, false],
  ] as Array<[Partial<SyncFilter>, boolean]>)('%j → %s', (f, expected) => {
    expect(matchesFilter({ ...none, ...f }, ticket())).toBe(expected);
  });
});

describe('matchesFilter by role', () => {
  const none: SyncFilter = { groups: [], ticketTypes: [], tags: [], statuses: [], field: null };
  const def = (name: string, role?: FieldRole): FieldDefinition => ({
    name,
    label: name,
    kind: 'picklist',
    choices: [],
    requiredForClosure: false,
    ...(role ? { role } : {}),
  });
  // Freshservice calls its role fields by the roles' names; ticket_type is its type field (RemoteTicket.type).
  const freshservice = [def('status', 'status'), def('priority', 'priority'), def('group', 'group'), def('ticket_type', 'type'), def('category')];
  // Jira: status and priority by id, the type is issuetype, and there is no group field.
  const jira = [def('status', 'status'), def('priority', 'priority'), def('issuetype', 'type'), def('customfield_10050')];
  const jiraTicket = ticket({
    id: '10042',
    displayId: 'SUP-42',
    type: '[System] Incident',
    fields: { status: '10001', priority: '3', issuetype: '[System] Incident', resolution: null, customfield_10050: 'EMEA' },
    tags: ['partner'],
  });
  // A platform whose status and group fields have other names (ServiceNow-like): found by role only.
  const elsewhere = [def('state', 'status'), def('assignment_group', 'group'), def('urgency', 'urgency')];
  const elsewhereTicket = ticket({ fields: { state: '2', assignment_group: 'a1b2', urgency: '1', status: 'ignored' } });

  it.each<[string, readonly FieldDefinition[], RemoteTicket, Partial<SyncFilter>, boolean]>([
    // Filters saved before roles keep their meaning on Freshservice, with or without its fields known.
    ['freshservice status', freshservice, ticket(), { statuses: [2, 3] }, true],
    ['freshservice status (fields unknown)', [], ticket(), { statuses: [2, 3] }, true],
    ['freshservice other status', freshservice, ticket(), { statuses: [4] }, false],
    ['freshservice group', freshservice, ticket(), { groups: ['900000000001'] }, true],
    ['freshservice other group', freshservice, ticket(), { groups: ['42'] }, false],
    ['freshservice field by name', freshservice, ticket(), { field: { name: 'category', equals: 'Network' } }, true],
    ['freshservice field by role', freshservice, ticket(), { field: { name: '@priority', equals: 3 } }, true],
    ['freshservice type by role name', freshservice, ticket(), { field: { name: 'type', equals: 'Incident' } }, true],
    // Jira: status ids as its discovered status field offers them.
    ['jira status', jira, jiraTicket, { statuses: ['10001', '10002'] }, true],
    ['jira other status', jira, jiraTicket, { statuses: ['10003'] }, false],
    ['jira type', jira, jiraTicket, { ticketTypes: ['[System] Incident'] }, true],
    ['jira other type', jira, jiraTicket, { ticketTypes: ['[System] Service request'] }, false],
    ['jira priority by role', jira, jiraTicket, { field: { name: '@priority', equals: '3' } }, true],
    ['jira type by role', jira, jiraTicket, { field: { name: '@type', equals: '[System] Incident' } }, true],
    ['jira custom field', jira, jiraTicket, { field: { name: 'customfield_10050', equals: 'EMEA' } }, true],
    ['jira tag and status', jira, jiraTicket, { tags: ['partner'], statuses: ['10001'] }, true],
    ['jira tag but other status', jira, jiraTicket, { tags: ['partner'], statuses: ['10003'] }, false],
    // A group condition on a side with no group field admits nothing (it never lets more through).
    ['jira group (no group field)', jira, jiraTicket, { groups: ['EMEA'] }, false],
    // Different field names: read by role, not by the role's name.
    ['elsewhere status', elsewhere, elsewhereTicket, { statuses: ['2'] }, true],
    ['elsewhere status by name is not read', elsewhere, elsewhereTicket, { statuses: ['ignored'] }, false],
    ['elsewhere group', elsewhere, elsewhereTicket, { groups: ['a1b2'] }, true],
    ['elsewhere field named by the role', elsewhere, elsewhereTicket, { field: { name: 'group', equals: 'a1b2' } }, true],
  ])('%s', (_name, defs, t, f, expected) => {
    expect(matchesFilter({ ...none, ...f }, t, defs)).toBe(expected);
  });

  it.each<[Partial<SyncFilter>, boolean]>([
    [{}, false],
    [{ tags: ['x'], ticketTypes: ['Incident'] }, false],
    [{ field: { name: 'category', equals: 'x' } }, false],
    [{ statuses: [2] }, true],
    [{ groups: ['1'] }, true],
    [{ field: { name: '@priority', equals: 1 } }, true],
    [{ field: { name: 'priority', equals: 1 } }, true],
  ])("filter %j needs the side's fields: %s", (f, expected) => {
    expect(filterNeedsFields({ ...none, ...f })).toBe(expected);
  });

  it.each<[readonly FieldDefinition[], string, string]>([
    [freshservice, 'status', 'status'],
    [freshservice, 'type', 'ticket_type'],
    [jira, '@type', 'issuetype'],
    [jira, 'group', 'group'],
    [elsewhere, 'status', 'state'],
    [elsewhere, '@group', 'assignment_group'],
    [elsewhere, 'urgency', 'urgency'],
    [[], '@status', 'status'],
    [[], 'category', 'category'],
  ])('with %#, %s is read from %s', (defs, name, field) => {
    expect(filterFieldName(defs, name)).toBe(field);
  });
});

describe('toWrite', () => {
  it('puts subject and description at the top level and the rest in fields', () => {
    expect(toWrite({ subject: 'S', description: 'D', status: 4 })).toEqual({ subject: 'S', description: 'D', fields: { status: 4 } });
    expect(toWrite({ subject: 'S' })).toEqual({ subject: 'S' });
  });
});

describe('NUL characters from a platform', () => {
  it('are dropped when reading and in snapshots, so a stored snapshot equals what is read next time', () => {
    const t = ticket({ subject: 'VPN\u0000 down', fields: { ...ticket().fields, category: 'Net\u0000work' } });
    const rules = directedRules(defaultTypeMapping(), 'source');
    const snap = snapshotOf(t);
    expect(snap.subject).toBe('VPN down');
    expect(JSON.stringify(snap)).not.toContain('\\u0000');
    expect(changedValues(rules, t, snap)).toEqual({});
    expect(changedValues(rules, t, null).subject).toBe('VPN down');
  });
});

describe('mirroredValues', () => {
  it('a new copy also gets the fields mapped only towards the sending side, through the value pairs read backwards', () => {
    const mapping = {
      targetType: null,
      fields: [
        {
          sourceField: 'priority',
          targetField: 'priority',
          direction: 'source_to_target' as const,
          kind: 'value' as const,
          values: [
            { source: 1, target: 4 },
            { source: 2, target: 3 },
          ],
        },
        { sourceField: 'status', targetField: 'status', direction: 'bidirectional' as const, kind: 'value' as const, values: [{ source: 2, target: 2 }] },
        { sourceField: 'subject', targetField: 'subject', direction: 'source_to_target' as const, kind: 'direct' as const, values: [] },
        { sourceField: 'urgency', targetField: 'urgency', direction: 'source_to_target' as const, kind: 'value' as const, values: [{ source: 1, target: 1 }] },
      ],
      descriptionBuilder: { fields: [], separator: '---' },
    };
    // A target ticket travelling to the source (reverse sync): status is sent by its own rule.
    const t = ticket({ fields: { status: 2, priority: 3, urgency: 3 } });
    const sent = changedValues(directedRules(mapping, 'target'), t, null);
    expect(sent).toEqual({ status: 2 });
    // priority 3 on the target is 2 on the source; urgency 3 has no pair and keeps the default.
    expect(mirroredValues(mapping, 'target', t, sent)).toEqual({ priority: '2', subject: 'VPN down' });
  });
});
