import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from '../core/connector.ts';
import { defaultSideConfiguration } from '../core/sync-config.ts';
import { creatableType, defaultValues, missingForClosure, missingMandatory, missingOnCreateMessage, withDefaults, withTypeLine } from './copy-rules.ts';

const def = (name: string, flags: Partial<FieldDefinition> = {}): FieldDefinition => ({
  name,
  label: name.toUpperCase(),
  kind: 'text',
  choices: [],
  requiredForClosure: false,
  ...flags,
});

describe('creatableType', () => {
  it.each([
    ['Incident', ['Incident'], 'Incident', false],
    ['Service Request', ['Incident'], 'Incident', true],
    ['Case', ['Incident', 'Case'], 'Case', false],
    ['Service Request', undefined, 'Service Request', false],
    ['Service Request', [], 'Service Request', false],
  ] as const)('%s on a platform creating %j → %s (substituted %s)', (wanted, creatable, type, substituted) => {
    expect(creatableType(wanted, creatable)).toEqual({ type, substituted });
  });
});

describe('withTypeLine', () => {
  it.each([
    ['<p>Printer</p>', 'Service Request', '<div><strong>Type:</strong> Service Request</div><p>Printer</p>'],
    ['<div><strong>Type:</strong> Service Request</div><p>x</p>', 'Service Request', '<div><strong>Type:</strong> Service Request</div><p>x</p>'],
    ['<p>x</p>', null, '<p>x</p>'],
    ['', 'A <b>&</b>', '<div><strong>Type:</strong> A &lt;b&gt;&amp;&lt;/b&gt;</div>'],
  ])('%j with %j', (description, type, expected) => {
    expect(withTypeLine(description, type)).toBe(expected);
  });
});

describe('defaults fill what the mapping leaves empty', () => {
  const defaults = { ...defaultSideConfiguration().defaults, groupId: '7', priority: 3, fields: { cost_centre: 'CC-1', status: 9 } };
  it('standard defaults win over a per-field default of the same field', () => {
    expect(defaultValues(defaults)).toEqual({ group: '7', priority: 3, cost_centre: 'CC-1', status: 9 });
  });
  it.each([
    [{}, { group: '7', priority: 3, cost_centre: 'CC-1', status: 9 }],
    [{ priority: 1 }, { group: '7', priority: 1, cost_centre: 'CC-1', status: 9 }],
    [
      { group: null, cost_centre: '' },
      { group: '7', priority: 3, cost_centre: 'CC-1', status: 9 },
    ],
    [
      { cost_centre: 'CC-9', flag: false },
      { group: '7', priority: 3, cost_centre: 'CC-9', status: 9, flag: false },
    ],
  ])('mapped %j', (values, expected) => {
    expect(withDefaults(values, defaultValues(defaults))).toEqual(expected);
  });
});

describe('missing mandatory fields', () => {
  const defs = [
    def('subject', { requiredForAgents: true, alwaysFilled: true }),
    def('cost_centre', { requiredForAgents: true }),
    def('resolution', { requiredForClosure: true }),
    def('note'),
  ];
  it.each([
    [{}, false, ['cost_centre']],
    [{ cost_centre: '  ' }, false, ['cost_centre']],
    [{ cost_centre: 'CC-1' }, false, []],
    [{ cost_centre: false }, false, []],
    [{ cost_centre: 'CC-1' }, true, ['resolution']],
    [{}, true, ['cost_centre', 'resolution']],
  ] as const)('%j (closing %s) lacks %j', (values, closing, names) => {
    expect(missingMandatory(defs, values, closing).map((f) => f.name)).toEqual(names);
  });
  it('closure needs only the closure fields', () => {
    expect(missingForClosure(defs, {}).map((f) => f.name)).toEqual(['resolution']);
  });
  it('names from the platform are kept short, and a long list is cut', () => {
    const many = Array.from({ length: 12 }, (_, i) => def(`f${i}`));
    expect(missingOnCreateMessage('Globex', many)).toMatch(/"F9", 2 more on new tickets .* set a default for F0, F1, .*F9, 2 more in/);
    expect(withTypeLine('', 'x'.repeat(500))).toBe(`<div><strong>Type:</strong> ${'x'.repeat(99)}…</div>`);
  });
  it('the message says what to set, and where', () => {
    expect(missingOnCreateMessage('Globex', [def('cost_centre')])).toBe(
      `Globex's platform requires "COST_CENTRE" on new tickets and this copy has no value for it: set a default for COST_CENTRE in Globex's configuration (Mandatory fields on your platform), or map a field to it in Field mappings. Nothing was created.`,
    );
  });
});
