import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from './connector.ts';
import { mandatoryFields } from './mandatory-fields.ts';
import { defaultMappings, defaultSideConfiguration, type Mappings } from './sync-config.ts';

const def = (name: string, flags: Partial<FieldDefinition> = {}): FieldDefinition => ({ name, label: name, kind: 'text', choices: [], requiredForClosure: false, ...flags });
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
    ['defaults set', 'target', { ...none, groupId: '5', fields: { cost_centre: 'CC' } }, defaultMappings(), { cost_centre: false, group: false, resolution: false, urgency: false }],
    ['an empty default does not count', 'target', { ...none, fields: { cost_centre: ' ' } }, null, { cost_centre: true, group: true, resolution: false, urgency: true }],
    ['mapped into the target', 'target', none, withMapping('source_to_target'), { cost_centre: false, group: true, resolution: false, urgency: false }],
    ['a mapping the other way does not fill the target', 'target', none, withMapping('target_to_source'), { cost_centre: true, group: true, resolution: false, urgency: false }],
    ['the source receives only through mappings towards it', 'source', none, withMapping('bidirectional'), { cost_centre: true, group: true, resolution: false, urgency: true }],
  ] as const)('%s', (_name, side, defaults, mappings, unfilled) => {
    const rows = mandatoryFields(fields, side, defaults, mappings);
    expect(rows.map((r) => r.field.name)).toEqual(['cost_centre', 'group', 'resolution', 'urgency']);
    expect(Object.fromEntries(rows.map((r) => [r.field.name, r.unfilled]))).toEqual(unfilled);
  });

  it('names where a default lives and which types map the field', () => {
    const rows = mandatoryFields(fields, 'target', { ...defaultSideConfiguration().defaults, groupId: '5' }, defaultMappings());
    expect(rows.find((r) => r.field.name === 'group')).toMatchObject({ defaultKey: 'groupId', defaultValue: '5', mappedIn: [], onCreate: true, onClose: false });
    expect(rows.find((r) => r.field.name === 'urgency')).toMatchObject({ defaultKey: null, mappedIn: ['Incident', 'Service Request'] });
    expect(rows.find((r) => r.field.name === 'resolution')).toMatchObject({ onCreate: false, onClose: true });
  });
});
