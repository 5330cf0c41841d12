import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from './connector.ts';
import { fieldDefaultProblem, mandatoryFields } from './mandatory-fields.ts';
import { defaultMappings, defaultSideConfiguration, type Mappings } from './sync-config.ts';

const def = (name: string, flags: Partial<FieldDefinition> = {}): FieldDefinition => ({
  name,
  label: name,
  kind: 'text',
  choices: [],
  requiredForClosure: false,
  ...flags,
});
const fields = [
  def('subject', { requiredForAgents: true, alwaysFilled: true }),
  def('cost_centre', { requiredForAgents: true }),
  def('group', { requiredForAgents: true }),
  def('resolution', { requiredForClosure: true }),
  def('urgency', { requiredForAgents: true }),
  def('note'),
];
const withMapping = (direction: string): Mappings => {
  const m = defaultMappings();
  m.types.Incident!.fields.push({ sourceField: 'region', targetField: 'cost_centre', direction: direction as never, kind: 'direct', values: [] });
  return m;
};

describe('mandatoryFields: what fills each field a platform requires', () => {
  const none = defaultSideConfiguration().defaults;
  it.each([
    ['nothing set', 'target', none, defaultMappings(), { cost_centre: true, group: true, resolution: false, urgency: false }],
    [
      'defaults set',
      'target',
      { ...none, groupId: '5', fields: { cost_centre: 'CC' } },
      defaultMappings(),
      { cost_centre: false, group: false, resolution: false, urgency: false },
    ],
    [
      'an empty default does not count',
      'target',
      { ...none, fields: { cost_centre: ' ' } },
      null,
      { cost_centre: true, group: true, resolution: false, urgency: true },
    ],
    ['mapped into the target', 'target', none, withMapping('source_to_target'), { cost_centre: false, group: true, resolution: false, urgency: false }],
    [
      'a mapping the other way does not fill the target',
      'target',
      none,
      withMapping('target_to_source'),
      { cost_centre: true, group: true, resolution: false, urgency: false },
    ],
    [
      'the source receives only through mappings towards it',
      'source',
      none,
      withMapping('bidirectional'),
      { cost_centre: true, group: true, resolution: false, urgency: true },
    ],
  ] as const)('%s', (_name, side, defaults, mappings, unfilled) => {
    const rows = mandatoryFields(fields, side, defaults, mappings);
    expect(rows.map((r) => r.field.name)).toEqual(['cost_centre', 'group', 'resolution', 'urgency']);
    expect(Object.fromEntries(rows.map((r) => [r.field.name, r.unfilled]))).toEqual(unfilled);
  });

  it('names where a default lives and which types map the field', () => {
    const rows = mandatoryFields(fields, 'target', { ...defaultSideConfiguration().defaults, groupId: '5' }, defaultMappings());
    expect(rows.find((r) => r.field.name === 'group')).toMatchObject({
      defaultKey: 'groupId',
      defaultValue: '5',
      mappedIn: [],
      onCreate: true,
      onClose: false,
    });
    expect(rows.find((r) => r.field.name === 'urgency')).toMatchObject({ defaultKey: null, mappedIn: ['Incident', 'Service Request'] });
    expect(rows.find((r) => r.field.name === 'resolution')).toMatchObject({ onCreate: false, onClose: true });
  });
});

describe('fieldDefaultProblem: a per-field default must fit the platform field', () => {
  const pick = def('it_field', {
    kind: 'picklist',
    choices: [
      { value: 'First Choice', label: 'First Choice' },
      { value: 'Second Choice', label: 'Second Choice' },
    ],
  });
  const defs = [pick, def('flag', { kind: 'boolean' }), def('count', { kind: 'number' }), def('cost_centre'), def('subject', { alwaysFilled: true })];
  it.each([
    ['it_field', 'Second Choice', null],
    ['it_field', 'Third', '"Third" is not a choice of it_field; choose one of: First Choice, Second Choice.'],
    ['flag', true, null],
    ['flag', 'yes', 'flag is a checkbox: its default is true or false.'],
    ['count', 3, null],
    ['count', '3', 'count is a number: its default must be one.'],
    ['cost_centre', 'CC-1', null],
    ['nope', 'x', 'Your platform has no field "nope"; defaults can be set for: it_field, flag, count, cost_centre.'],
    ['group', '5', 'The default for group is set under Defaults for created tickets (groupId), not per field.'],
  ] as const)('%s = %j', (name, value, problem) => {
    expect(fieldDefaultProblem(name, value, defs)).toBe(problem);
  });
});
