import { describe, expect, it } from 'vitest';
import { PlatformError } from '../../core/connector.ts';
import { createdButRefused, formCarriesMarker, pickRequestType, planRequest, usableRequestType, type RequestForm, type RequestType } from './servicedesk.ts';

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
    },
    {
      why: 'a visible priority goes in the create as Jira takes it',
      form: form([
        ['summary', true],
        ['labels', false],
        ['priority', false],
      ]),
      values: { summary: 'Printer', labels: ['sf-abc', 'vip'], priority: { id: '2' } },
      rest: { description: doc, customfield_10050: { value: 'High' } },
    },
  ])('$why', ({ form: f, values, rest }) => {
    const plan = planRequest('7', types[0]!, f, fields, 'qm:1:2');
    expect(plan.body).toEqual({ serviceDeskId: '7', requestTypeId: '1', requestFieldValues: values, raiseOnBehalfOf: 'qm:1:2' });
    expect(plan.rest).toEqual(rest);
  });

  it('raises on behalf of nobody without a requester, or when the account may not', () => {
    const marked = { summary: 'x', labels: ['sf-abc'] };
    const f = form(
      [
        ['summary', true],
        ['labels', false],
      ],
      false,
    );
    expect(planRequest('7', types[0]!, f, marked, 'qm:1:2').body.raiseOnBehalfOf).toBeUndefined();
    expect(
      planRequest(
        '7',
        types[0]!,
        form([
          ['summary', true],
          ['labels', false],
        ]),
        marked,
        null,
      ).body.raiseOnBehalfOf,
    ).toBeUndefined();
  });

  it.each([
    {
      why: 'a form without labels',
      f: form([
        ['summary', true],
        ['description', false],
      ]),
    },
    {
      why: 'a form whose labels are hidden (a preset cannot hold the marker)',
      f: form([
        ['summary', true],
        ['labels', false, false],
      ]),
    },
  ])('refuses $why before anything is written: the marker would follow in a second write', ({ f }) => {
    expect(() => planRequest('7', types[1]!, f, fields, null)).toThrow(
      /request type "Report a system problem" \(setting "Request type"\) has no Labels field on its request form.*add the Labels field.*or choose another request type\. Nothing was created\./,
    );
  });

  it('refuses, before anything is written, a form whose required field it cannot fill; hidden ones have presets', () => {
    const f = form([
      ['summary', true],
      ['labels', false],
      ['customfield_10099', true],
      ['customfield_10060', true, false],
    ]);
    expect(() => planRequest('7', types[1]!, f, { summary: 'x', labels: ['sf-abc'] }, null)).toThrow(
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
        ['labels', false],
      ]),
      { summary: 'x', description: null, labels: ['sf-abc'] },
      null,
    );
    expect(plan.body.requestFieldValues).toEqual({ summary: 'x', labels: ['sf-abc'] });
    expect(plan.rest).toEqual({ description: null });
  });
});

describe('usableRequestType', () => {
  const withLabels = form([
    ['summary', true],
    ['labels', false],
  ]);
  const requiredLabels = form([
    ['summary', true],
    ['labels', true],
  ]);
  const hiddenLabels = form([
    ['summary', true],
    ['labels', false, false],
  ]);
  const noLabels = form([
    ['summary', true],
    ['priority', false],
  ]);

  it.each([
    { why: 'chosen, the form shows Labels: used', f: withLabels, chosen: true, want: 'used' },
    { why: 'picked without asking, the form shows Labels: used', f: withLabels, chosen: false, want: 'used' },
    { why: 'chosen, Labels required on the form: used', f: requiredLabels, chosen: true, want: 'used' },
    { why: 'picked without asking, no Labels: a plain issue instead', f: noLabels, chosen: false, want: 'plain' },
    { why: 'picked without asking, Labels hidden: a plain issue instead', f: hiddenLabels, chosen: false, want: 'plain' },
    { why: 'chosen, no Labels: refused', f: noLabels, chosen: true, want: 'refused' },
    { why: 'chosen, Labels hidden: refused', f: hiddenLabels, chosen: true, want: 'refused' },
  ])('$why', ({ f, chosen, want }) => {
    expect(formCarriesMarker(f)).toBe(want === 'used');
    let got: string;
    try {
      got = usableRequestType(types[1]!, f, chosen) === types[1] ? 'used' : 'plain';
    } catch (err) {
      expect(err).toBeInstanceOf(PlatformError);
      expect((err as PlatformError).kind).toBe('validation');
      expect((err as PlatformError).message).toMatch(
        /^The request type "Report a system problem" \(setting "Request type"\) has no Labels field on its request form.*Project settings > Request types > Report a system problem.*choose another request type\. Nothing was created\.$/,
      );
      got = 'refused';
    }
    expect(got).toBe(want);
  });
});

describe('createdButRefused', () => {
  it.each([
    { kind: 'validation', becomes: 'unexpected_response' },
    { kind: 'permission', becomes: 'unexpected_response' },
    { kind: 'not_found', becomes: 'unexpected_response' },
    { kind: 'server', becomes: 'server' },
    { kind: 'rate_limited', becomes: 'rate_limited' },
    { kind: 'timeout', becomes: 'timeout' },
  ] as const)('a $kind error after the create is seen as $becomes (a refusal would make the engine create again)', ({ kind, becomes }) => {
    const err = new PlatformError(kind, 'Field "priority" cannot be set.', { status: 400 });
    const out = createdButRefused(err, 'Issue SUP-7 was created, but its fields were refused') as PlatformError;
    expect(out.kind).toBe(becomes);
    expect(out.details.status).toBe(400);
    if (becomes === kind) expect(out).toBe(err);
    else
      expect(out.message).toBe(
        'Issue SUP-7 was created, but its fields were refused: Field "priority" cannot be set. The next run finds the issue by its marker and tries again.',
      );
  });

  it("passes errors that are not the platform's unchanged", () => {
    const err = new TypeError('boom');
    expect(createdButRefused(err, 'x')).toBe(err);
  });
});
