import { describe, expect, it } from 'vitest';
import type { FieldChoice, FieldDefinition } from './connector.ts';
import { resolveRoles, type SideFieldDefs } from './field-roles.ts';
import { backToMeaning, mappingEffects, overrideByMeaning, type MappingEffect } from './mapping-effects.ts';
import { validateMappings } from './mapping-validation.ts';
import { defaultTypeMapping, type FieldMapping, type TypeMapping } from './sync-config.ts';

// One side numbers its statuses and has urgency and impact (as Freshservice does); the other names them and has neither.
const def = (name: string, role: FieldDefinition['role'] | undefined, choices: FieldChoice[]): FieldDefinition => ({
  name,
  label: name.charAt(0).toUpperCase() + name.slice(1),
  kind: 'picklist',
  choices,
  requiredForClosure: false,
  ...(role ? { role } : {}),
});
const ranks = (n: number) => Array.from({ length: n }, (_, i) => ({ value: i + 1, label: `P${i + 1}` }));
const numbered: FieldDefinition[] = [
  def('status', 'status', [
    { value: 2, label: 'Open', category: 'open' },
    { value: 3, label: 'Pending', category: 'pending' },
    { value: 4, label: 'Resolved', category: 'resolved' },
    { value: 5, label: 'Closed', category: 'closed' },
  ]),
  def('priority', 'priority', ranks(4)),
  def('urgency', 'urgency', ranks(3)),
  def('impact', 'impact', ranks(3)),
];
const named: FieldDefinition[] = [
  def('status', 'status', [
    { value: '10001', label: 'Waiting for support', category: 'new' },
    { value: '10002', label: 'In Progress', category: 'open' },
    { value: '10003', label: 'Waiting for customer', category: 'pending' },
    { value: '10005', label: 'Closed', category: 'closed' },
  ]),
  def(
    'priority',
    'priority',
    ['l', 'm', 'h'].map((v) => ({ value: v, label: v })),
  ),
  def('issuetype', 'type', [{ value: 'Incident', label: 'Incident' }]),
];

const fieldOf = (t: TypeMapping, name: string) => t.fields.find((m) => m.sourceField === name)!;
/** The effect of the default document's mapping of `field`, between the two sides. */
const effect = (defs: SideFieldDefs, samePlatform: boolean, field: string, doc = defaultTypeMapping()): MappingEffect =>
  mappingEffects(doc, defs, samePlatform)[doc.fields.indexOf(fieldOf(doc, field))]!;

describe('mappingEffects: what a run does with each mapping of the default document', () => {
  const cases: Array<[string, SideFieldDefs, boolean, string, Partial<MappingEffect> & { kind: MappingEffect['kind'] }]> = [
    [
      'one platform: status as stored',
      { source: numbered, target: numbered },
      true,
      'status',
      { kind: 'as_saved', roles: { source: 'status', target: 'status' } },
    ],
    ['one platform: urgency as stored', { source: numbered, target: numbered }, true, 'urgency', { kind: 'as_saved' }],
    ['a field without a role', { source: numbered, target: named }, false, 'subject', { kind: 'as_saved', roles: { source: null, target: null } }],
    ['two platforms: status by meaning', { source: numbered, target: named }, false, 'status', { kind: 'by_meaning', role: 'status' }],
    ['two platforms: priority by meaning', { source: numbered, target: named }, false, 'priority', { kind: 'by_meaning', role: 'priority' }],
    ['two platforms: urgency the target lacks is skipped', { source: numbered, target: named }, false, 'urgency', { kind: 'skipped', missingOn: ['target'] }],
    ['the other way round: impact the source lacks', { source: named, target: numbered }, false, 'impact', { kind: 'skipped', missingOn: ['source'] }],
    ['fields not known yet: as stored', { source: [], target: [] }, false, 'status', { kind: 'as_saved' }],
    ['one side not known: as stored', { source: numbered, target: [] }, false, 'status', { kind: 'as_saved' }],
  ];
  it.each(cases)('%s', (_what, defs, same, field, expected) => {
    expect(effect(defs, same, field)).toMatchObject(expected);
  });

  it('shows the pairs a run uses: status by category each way, priority by rank', () => {
    const defs = { source: numbered, target: named };
    const doc = defaultTypeMapping();
    const status = effect(defs, false, 'status');
    const run = resolveRoles(doc, defs).fields.filter((m) => m.sourceField === 'status');
    expect(status.kind === 'by_meaning' && status.mappings).toEqual(run);
    expect(run.map((m) => [m.direction, m.values.map((p) => [p.source, p.target])])).toEqual([
      [
        'source_to_target',
        [
          [2, '10002'],
          [3, '10003'],
          [4, '10005'],
          [5, '10005'],
        ],
      ],
      [
        'target_to_source',
        [
          [2, '10001'],
          [2, '10002'],
          [3, '10003'],
          [5, '10005'],
        ],
      ],
    ]);
    const priority = effect(defs, false, 'priority');
    expect(priority.kind === 'by_meaning' && priority.mappings.map((m) => m.values)).toEqual([
      [
        { source: 1, target: 'l' },
        { source: 2, target: 'm' },
        { source: 3, target: 'm' },
        { source: 4, target: 'h' },
      ],
    ]);
  });

  it('a role named outright is mapped by meaning even on one platform, as a run does', () => {
    const doc: TypeMapping = {
      ...defaultTypeMapping(),
      fields: [{ sourceField: '@status', targetField: '@status', direction: 'source_to_target', kind: 'value', values: [] }],
    };
    expect(mappingEffects(doc, { source: numbered, target: numbered }, true)[0]).toMatchObject({ kind: 'by_meaning', role: 'status' });
  });

  it("the organisation's own pairs between two platforms are used as stored", () => {
    const own: FieldMapping = {
      sourceField: 'status',
      targetField: 'status',
      direction: 'source_to_target',
      kind: 'value',
      values: [{ source: 2, target: '10003' }],
    };
    const doc: TypeMapping = { ...defaultTypeMapping(), fields: [own] };
    expect(mappingEffects(doc, { source: numbered, target: named }, false)[0]).toMatchObject({
      kind: 'as_saved',
      roles: { source: 'status', target: 'status' },
    });
  });
});

describe('overrideByMeaning: an edited row is stored, and a run then applies it instead of the meaning', () => {
  const defs = { source: numbered, target: named };
  const cases: Array<[string, string, number, Array<{ source: string | number; target: string | number }>]> = [
    ['status, source to target: Pending → In Progress', 'status', 0, [{ source: 3, target: '10002' }]],
    ['status, target to source: Waiting for support → Pending', 'status', 1, [{ source: 3, target: '10001' }]],
    ['priority: P4 → m', 'priority', 0, [{ source: 4, target: 'm' }]],
  ];
  it.each(cases)('%s', (_what, field, index, edit) => {
    const doc = defaultTypeMapping();
    const shown = effect(defs, false, field, doc);
    if (shown.kind !== 'by_meaning') throw new Error(`${field} is not mapped by meaning`);
    // The user changes one row of one direction's table.
    const edited = shown.mappings[index]!.values.map((p) => edit.find((e) => (index === 0 ? e.source === p.source : e.target === p.target)) ?? p);
    const stored = overrideByMeaning(shown.mappings, index, edited);
    const at = doc.fields.indexOf(fieldOf(doc, field));
    const saved: TypeMapping = { ...doc, fields: [...doc.fields.slice(0, at), ...stored, ...doc.fields.slice(at + 1)] };

    // The run applies the stored pairs as they are: the edit wins over the meaning, the other rows stay as shown.
    const run = resolveRoles(saved, defs).fields.filter((m) => m.sourceField === field);
    expect(run).toEqual(stored);
    expect(run[index]!.values).toEqual(expect.arrayContaining(edit));
    expect(
      mappingEffects(saved, defs, false)
        .slice(at, at + stored.length)
        .map((e) => e.kind),
    ).toEqual(stored.map(() => 'as_saved'));
    // And the document saves: nothing in it is refused.
    expect(validateMappings({ types: { Incident: saved } }, defs)).toEqual([]);
  });

  it('leaves the meaning as it was (the shown mappings are not changed in place)', () => {
    const shown = effect(defs, false, 'status');
    if (shown.kind !== 'by_meaning') throw new Error('status is not mapped by meaning');
    const before = structuredClone(shown.mappings);
    overrideByMeaning(shown.mappings, 0, [])[1]!.values.push({ source: 9, target: '9' });
    expect(shown.mappings).toEqual(before);
  });
});

describe('backToMeaning: a role mapping with pairs of its own goes back to the meaning', () => {
  const defs = { source: numbered, target: named };
  const own: FieldMapping = {
    sourceField: 'status',
    targetField: 'status',
    direction: 'source_to_target',
    kind: 'value',
    values: [{ source: 2, target: '10003' }],
  };
  const cases: Array<[string, FieldMapping, { source: FieldDefinition[]; target: FieldDefinition[] }, boolean, boolean]> = [
    ['own status pairs between two platforms', own, defs, false, true],
    ['one platform on both sides: its pairs are the way', own, { source: numbered, target: numbered }, true, false],
    ['a direct mapping', { ...own, kind: 'direct', values: [] }, defs, false, false],
    ['no pairs of its own', { ...own, values: [] }, defs, false, false],
    ['a field without a role', { ...own, sourceField: 'subject', targetField: 'subject' }, defs, false, false],
    ['fields of two roles', { ...own, targetField: 'priority' }, defs, false, false],
  ];
  it.each(cases)('%s', (_what, m, sides, same, applies) => {
    const doc: TypeMapping = { ...defaultTypeMapping(), fields: [m] };
    const again = backToMeaning(m, mappingEffects(doc, sides, same)[0], same);
    expect(again !== null).toBe(applies);
    if (!again) return;
    // The run maps it by meaning again, and it saves.
    const back: TypeMapping = { ...doc, fields: [again] };
    expect(mappingEffects(back, sides, same)[0]).toMatchObject({ kind: 'by_meaning', role: 'status' });
    expect(validateMappings({ types: { Incident: back } }, sides)).toEqual([]);
  });
});
