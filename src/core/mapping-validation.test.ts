import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from './connector.ts';
import { validateMappings, type MappingError } from './mapping-validation.ts';
import { defaultMappings, defaultTypeMapping, type FieldMapping, type Mappings, type TypeMapping } from './sync-config.ts';

const picklist = (name: string, label: string, choices: Array<[string | number, string]>): FieldDefinition => ({
  name,
  label,
  kind: 'picklist',
  choices: choices.map(([value, l]) => ({ value, label: l })),
  requiredForClosure: false,
});
const text = (name: string, label: string): FieldDefinition => ({ name, label, kind: 'text', choices: [], requiredForClosure: false });

const status = picklist('status', 'Status', [
  [2, 'Open'],
  [3, 'Pending'],
  [4, 'Resolved'],
  [5, 'Closed'],
]);
const levels: Array<[number, string]> = [
  [1, 'Low'],
  [2, 'Medium'],
  [3, 'High'],
];
const standard: FieldDefinition[] = [
  text('subject', 'Subject'),
  picklist('ticket_type', 'Type', [
    ['Incident', 'Incident'],
    ['Service Request', 'Service Request'],
  ]),
  status,
  picklist('priority', 'Priority', [
    [1, 'Low'],
    [2, 'Medium'],
    [3, 'High'],
    [4, 'Urgent'],
  ]),
  picklist('urgency', 'Urgency', levels),
  picklist('impact', 'Impact', levels),
  text('description', 'Description'),
  text('category', 'Category'),
];
// The target has a custom dropdown and no "impact" field; its Type choices differ.
const target: FieldDefinition[] = [
  ...standard.filter((f) => f.name !== 'impact' && f.name !== 'ticket_type'),
  picklist('ticket_type', 'Type', [
    ['Incident', 'Incident'],
    ['Change', 'Change'],
  ]),
  picklist('cf_region', 'Region', [
    ['EU', 'EU'],
    ['US', 'US'],
  ]),
];
const fields = { source: standard, target };

const m = (over: Partial<FieldMapping>): FieldMapping => ({
  sourceField: 'status',
  targetField: 'status',
  direction: 'source_to_target',
  kind: 'value',
  values: [{ source: 2, target: 2 }],
  ...over,
});
const incident = (over: Partial<TypeMapping>): Mappings => ({
  types: { Incident: { targetType: null, fields: [], descriptionBuilder: { fields: [], separator: '---' }, ...over } },
});
const withFields = (...f: FieldMapping[]) => incident({ fields: f });

describe('validateMappings', () => {
  it('accepts the default mappings between two standard accounts', () => {
    expect(validateMappings(defaultMappings(), { source: standard, target: standard })).toEqual([]);
  });

  it('accepts subject and description even when the form does not list them', () => {
    const bare = { source: [status], target: [status] };
    expect(validateMappings(withFields(m({ sourceField: 'subject', targetField: 'description', kind: 'direct', values: [] })), bare)).toEqual([]);
  });

  const cases: Array<[string, Mappings, MappingError[] | Array<{ path: string; message: RegExp | string }>]> = [
    [
      'unknown source field',
      withFields(m({ sourceField: 'statuss', kind: 'direct', values: [] })),
      [
        {
          path: 'types.Incident.fields.0.sourceField',
          message: /^The source platform has no field "statuss"\. Choose one of its fields: subject, description, ticket_type, status/,
        },
      ],
    ],
    [
      'unknown target field',
      withFields(m({ targetField: 'cf_nowhere', kind: 'direct', values: [] })),
      [{ path: 'types.Incident.fields.0.targetField', message: /^The target platform has no field "cf_nowhere"\./ }],
    ],
    // A role's name (impact) a side has no field of is skipped, as a run skips it: the default document between platforms.
    ['a role the target lacks', withFields(m({ targetField: 'impact', kind: 'direct', values: [] })), []],
    [
      'target value not a choice (compared as strings)',
      withFields(
        m({
          values: [
            { source: '2', target: 2 },
            { source: 3, target: 9 },
          ],
        }),
      ),
      [
        {
          path: 'types.Incident.fields.0.values.1.target',
          message: 'Status value 9 is not a choice of the target field Status; choices: 2 Open, 3 Pending, 4 Resolved, 5 Closed.',
        },
      ],
    ],
    [
      'source value not a choice',
      withFields(m({ values: [{ source: 'Open', target: 2 }] })),
      [{ path: 'types.Incident.fields.0.values.0.source', message: /^Status value Open is not a choice of the source field Status; choices: 2 Open/ }],
    ],
    [
      'string choices listed once',
      withFields(m({ sourceField: 'priority', targetField: 'cf_region', values: [{ source: 1, target: 'APAC' }] })),
      [{ path: 'types.Incident.fields.0.values.0.target', message: 'Region value APAC is not a choice of the target field Region; choices: EU, US.' }],
    ],
    [
      'value mapping on a text field',
      withFields(m({ sourceField: 'subject', targetField: 'status' })),
      [
        {
          path: 'types.Incident.fields.0.kind',
          message: 'The source field Subject is a text field: value mappings work only between picklist fields. Use a direct mapping instead.',
        },
      ],
    ],
    [
      'value mapping onto a text target',
      withFields(m({ targetField: 'category' })),
      [{ path: 'types.Incident.fields.0.kind', message: /^The target field Category is a text field/ }],
    ],
    [
      'value mapping without pairs',
      withFields(m({ values: [] })),
      [{ path: 'types.Incident.fields.0.values', message: /has no value pairs: add at least one pair/ }],
    ],
    ['direct mapping with pairs', withFields(m({ kind: 'direct' })), [{ path: 'types.Incident.fields.0.values', message: /takes no value pairs/ }]],
    [
      'same target field written twice in one direction',
      withFields(m({}), m({ sourceField: 'priority', targetField: 'status', direction: 'bidirectional', values: [{ source: 1, target: 2 }] })),
      [{ path: 'types.Incident.fields.1.targetField', message: /^The target field Status is already written by mapping 1;/ }],
    ],
    [
      'same source field written back twice',
      withFields(m({ direction: 'target_to_source' }), m({ targetField: 'priority', direction: 'bidirectional', values: [{ source: 2, target: 1 }] })),
      [{ path: 'types.Incident.fields.1.sourceField', message: /^The source field Status is already written back by mapping 1;/ }],
    ],
    ['one field written in each direction is fine', withFields(m({ direction: 'source_to_target' }), m({ direction: 'target_to_source' })), []],
    [
      'a source value mapped to two target values',
      withFields(
        m({
          values: [
            { source: 2, target: 2 },
            { source: '2', target: 3 },
          ],
        }),
      ),
      [{ path: 'types.Incident.fields.0.values.1.source', message: /^Status value 2 of the source field appears in pairs 1 and 2/ }],
    ],
    [
      'many-to-one is fine one way',
      withFields(
        m({
          values: [
            { source: 2, target: 2 },
            { source: 3, target: 2 },
          ],
        }),
      ),
      [],
    ],
    [
      'many-to-one is ambiguous back',
      withFields(
        m({
          direction: 'bidirectional',
          values: [
            { source: 2, target: 2 },
            { source: 3, target: 2 },
          ],
        }),
      ),
      [{ path: 'types.Incident.fields.0.values.1.target', message: /^Status value 2 of the target field appears in pairs 1 and 2/ }],
    ],
    [
      'unknown source ticket type',
      { types: { Problem: { ...defaultTypeMapping(), fields: [] } } },
      [
        {
          path: 'types.Problem',
          message:
            'Ticket type "Problem" does not exist on the source platform; its types are: Incident, Service Request. Rename or remove this type\'s mappings.',
        },
      ],
    ],
    [
      'unknown target ticket type',
      incident({ targetType: 'Service Request' }),
      [{ path: 'types.Incident.targetType', message: 'Ticket type "Service Request" does not exist on the target platform; choose one of: Incident, Change.' }],
    ],
    ['known target ticket type', incident({ targetType: 'Change' }), []],
    [
      'description builder with unknown and repeated fields',
      incident({ descriptionBuilder: { fields: ['priority', 'nope', 'priority'], separator: '---' } }),
      [
        { path: 'types.Incident.descriptionBuilder.fields.1', message: /^The description builder uses "nope", which the source platform does not have/ },
        { path: 'types.Incident.descriptionBuilder.fields.2', message: 'The description builder lists Priority twice (lines 1 and 3); remove one.' },
      ],
    ],
    [
      'several problems are all reported, in order',
      withFields(m({ sourceField: 'x', targetField: 'y' }), m({ values: [{ source: 8, target: 9 }] })),
      [
        { path: 'types.Incident.fields.0.sourceField', message: /no field "x"/ },
        { path: 'types.Incident.fields.0.targetField', message: /no field "y"/ },
        { path: 'types.Incident.fields.1.values.0.source', message: /value 8/ },
        { path: 'types.Incident.fields.1.values.0.target', message: /value 9/ },
      ],
    ],
  ];

  it.each(cases)('%s', (_name, mappings, expected) => {
    const errors = validateMappings(mappings, fields);
    expect(errors).toHaveLength(expected.length);
    expected.forEach((e, i) => {
      expect(errors[i]!.path).toBe(e.path);
      if (typeof e.message === 'string') expect(errors[i]!.message).toBe(e.message);
      else expect(errors[i]!.message).toMatch(e.message);
    });
  });

  it('lists at most 20 choices and says how many more there are', () => {
    const many = picklist(
      'cf_site',
      'Site',
      Array.from({ length: 25 }, (_, i) => [i + 1, `Site ${i + 1}`] as [number, string]),
    );
    const errors = validateMappings(withFields(m({ sourceField: 'cf_site', targetField: 'cf_site', values: [{ source: 99, target: 1 }] })), {
      source: [many],
      target: [many],
    });
    expect(errors[0]!.message).toMatch(/20 Site 20 and 5 more\.$/);
  });

  it('skips ticket-type checks when a platform has no ticket_type field', () => {
    expect(validateMappings({ types: { Anything: { ...defaultTypeMapping(), fields: [] } } }, { source: [status], target: [status] })).toEqual([]);
  });
});

describe('the partner ticket reference as a mapping source', () => {
  const fields = {
    source: [{ name: 'cf_ref', label: 'Partner ref', kind: 'text' as const, choices: [], requiredForClosure: false }],
    target: [{ name: 'cf_ref', label: 'Partner ref', kind: 'text' as const, choices: [], requiredForClosure: false }],
  };
  const doc = (m: Record<string, unknown>) =>
    ({
      types: {
        Incident: { targetType: null, fields: [{ kind: 'direct', values: [], ...m }], descriptionBuilder: { fields: ['partner.ticketUrl'], separator: '---' } },
      },
    }) as never;
  it.each([
    ['source number → target text field', { sourceField: 'partner.ticketId', targetField: 'cf_ref', direction: 'source_to_target' }, 0],
    ['target link → source text field', { sourceField: 'cf_ref', targetField: 'partner.ticketUrl', direction: 'target_to_source' }, 0],
    ['written into (bidirectional)', { sourceField: 'partner.ticketId', targetField: 'cf_ref', direction: 'bidirectional' }, 1],
    ['written into the source', { sourceField: 'partner.ticketId', targetField: 'cf_ref', direction: 'target_to_source' }, 1],
  ])('%s', (_name, m, errors) => {
    const out = validateMappings(doc(m), fields);
    expect(out).toHaveLength(errors);
    if (errors) expect(out[0]!.message).toMatch(/can only be copied into a field, not written/);
  });
});
