import { describe, expect, it } from 'vitest';
import { PlatformError } from '../../core/connector.ts';
import { pickRequestType, planRequest, type RequestForm, type RequestType } from './servicedesk.ts';

const types: RequestType[] = [
  { id: '1', name: 'Get IT help', issueTypeId: '10100' },
  { id: '2', name: 'Report a system problem', issueTypeId: '10101' },
  { id: '3', name: 'Fix my laptop', issueTypeId: '10101' },
];

describe('pickRequestType', () => {
  it.each([
    { configured: undefined, issueType: '10100', want: '1', why: 'the only request type of the issue type' },
    { configured: undefined, issueType: '10101', want: null, why: 'two fit: none is guessed' },
    { configured: undefined, issueType: '99999', want: null, why: 'none fits: a plain issue' },
    { configured: '  ', issueType: '10100', want: '1', why: 'blank is unset' },
    { configured: 'report a SYSTEM problem', issueType: '10100', want: '2', why: 'by name, any case; it wins over the issue type' },
    { configured: '3', issueType: '10100', want: '3', why: 'by id' },
  ])('$why', ({ configured, issueType, want }) => {
    expect(pickRequestType(types, configured, issueType, 'SUP')?.id ?? null).toBe(want);
  });

  it('refuses a configured request type the project lacks, naming the setting and the ones it has', () => {
    const err = (() => {
      try {
        pickRequestType(types, 'Order a pony', '10100', 'SUP');
      } catch (e) {
        return e as PlatformError;
      }
      throw new Error('no error');
    })();
    expect(err).toBeInstanceOf(PlatformError);
    expect(err.kind).toBe('validation');
    expect(err.message).toContain('"Order a pony"');
    expect(err.message).toContain('setting "Request type"');
    expect(err.message).toContain('"Get IT help"');
    expect(err.message).toContain('SUP');
  });
});

const form = (fields: Array<[string, boolean, boolean?]>, canRaiseOnBehalfOf = true): RequestForm => ({
  fields: fields.map(([fieldId, required, visible = true]) => ({ fieldId, name: `Label of ${fieldId}`, required, visible })),
  canRaiseOnBehalfOf,
});

const doc = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'It is on fire', marks: [{ type: 'strong' }] }] }] };

describe('planRequest', () => {
  const fields = {
    project: { key: 'SUP' },
    issuetype: { id: '10100' },
    summary: 'Printer',
    description: doc,
    labels: ['sf-abc', 'vip'],
    priority: { id: '2' },
    customfield_10050: { value: 'High' },
  };

  it.each([
    {
      why: 'a form with labels: the marker travels in the create; the rest is edited after, the rich description too',
      form: form([
        ['summary', true],
        ['description', false],
        ['labels', false],
      ]),
      values: { summary: 'Printer', description: 'It is on fire', labels: ['sf-abc', 'vip'] },
      rest: { description: doc, priority: { id: '2' }, customfield_10050: { value: 'High' } },
      labelsInCreate: true,
    },
    {
      why: 'a form without labels or description: only the summary is in the create',
      form: form([
        ['summary', true],
        ['customfield_10060', true, false],
      ]),
      values: { summary: 'Printer' },
      rest: { description: doc, labels: ['sf-abc', 'vip'], priority: { id: '2' }, customfield_10050: { value: 'High' } },
      labelsInCreate: false,
    },
    {
      why: 'a visible priority goes in the create as Jira takes it',
      form: form([
        ['summary', true],
        ['priority', false],
      ]),
      values: { summary: 'Printer', priority: { id: '2' } },
      rest: { description: doc, labels: ['sf-abc', 'vip'], customfield_10050: { value: 'High' } },
      labelsInCreate: false,
    },
  ])('$why', ({ form: f, values, rest, labelsInCreate }) => {
    const plan = planRequest('7', types[0]!, f, fields, 'qm:1:2');
    expect(plan.body).toEqual({ serviceDeskId: '7', requestTypeId: '1', requestFieldValues: values, raiseOnBehalfOf: 'qm:1:2' });
    expect(plan.rest).toEqual(rest);
    expect(plan.labelsInCreate).toBe(labelsInCreate);
  });

  it('raises on behalf of nobody without a requester, or when the account may not', () => {
    const f = form([['summary', true]], false);
    expect(planRequest('7', types[0]!, f, { summary: 'x' }, 'qm:1:2').body.raiseOnBehalfOf).toBeUndefined();
    expect(planRequest('7', types[0]!, form([['summary', true]]), { summary: 'x' }, null).body.raiseOnBehalfOf).toBeUndefined();
  });

  it('refuses, before anything is written, a form whose required field it cannot fill; hidden ones have presets', () => {
    const f = form([
      ['summary', true],
      ['customfield_10099', true],
      ['customfield_10060', true, false],
    ]);
    expect(() => planRequest('7', types[1]!, f, { summary: 'x' }, null)).toThrow(
      /request type "Report a system problem" requires "Label of customfield_10099".*setting "Request type"/,
    );
  });

  it('an empty description is not sent as text', () => {
    const plan = planRequest(
      '7',
      types[0]!,
      form([
        ['summary', true],
        ['description', false],
      ]),
      { summary: 'x', description: null },
      null,
    );
    expect(plan.body.requestFieldValues).toEqual({ summary: 'x' });
    expect(plan.rest).toEqual({ description: null });
  });
});
