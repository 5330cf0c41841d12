import { describe, expect, it } from 'vitest';
import { defaultMappings, defaultTypeMapping, type FieldMapping, type Mappings, type SyncFilter } from './sync-config.ts';
import { consentNeededFrom, filterWidenings, newWrites, summarise, type ReverseSyncState, type Side, type WriteState } from './write-consent.ts';

const noFilter: SyncFilter = { groups: [], ticketTypes: [], tags: [], statuses: [], field: null };
const off: ReverseSyncState = { enabled: false, filters: noFilter };
const on = (filters: Partial<SyncFilter> = {}): ReverseSyncState => ({ enabled: true, filters: { ...noFilter, ...filters } });
const state = (change: (m: Mappings) => void = () => {}, reverseSync = off): WriteState => {
  const mappings = defaultMappings();
  change(mappings);
  return { mappings, reverseSync };
};
const field = (m: Mappings, name: string, type = 'Incident') => m.types[type]!.fields.find((f) => f.sourceField === name)!;
const custom = (direction: FieldMapping['direction']): FieldMapping => ({
  sourceField: 'cf_site',
  targetField: 'cf_location',
  direction,
  kind: 'direct',
  values: [],
});

/** [what, before, after, lines expected into the source, lines expected into the target] */
const cases: Array<[string, WriteState, WriteState, RegExp[], RegExp[]]> = [
  ['nothing changes', state(), state(), [], []],
  [
    'subject reversed: updates now write into the source',
    state(),
    state((m) => (field(m, 'subject').direction = 'target_to_source')),
    [/^Incident: subject ← target subject, on updates \(copied as is\)$/],
    [],
  ],
  [
    'subject made bidirectional: into the source only',
    state(),
    state((m) => (field(m, 'subject').direction = 'bidirectional')),
    [/^Incident: subject ← target subject, on updates/],
    [],
  ],
  ['status made one-way (narrower)', state(), state((m) => (field(m, 'status').direction = 'source_to_target')), [], []],
  ['a mapping removed (narrower)', state(), state((m) => m.types.Incident!.fields.splice(0, 1)), [], []],
  [
    'description reversed (the link attack)',
    state(),
    state((m) => (field(m, 'description', 'Service Request').direction = 'target_to_source')),
    [/^Service Request: description ← target description, on updates/],
    [],
  ],
  [
    'a description-builder line',
    state(),
    state((m) => (m.types.Incident!.descriptionBuilder = { fields: ['priority'], separator: '---' })),
    [],
    [/^Incident: descriptions get a line with source priority$/, /separator line "---"/],
  ],
  ['the separator alone, without lines (never written)', state(), state((m) => (m.types.Incident!.descriptionBuilder.separator = 'http://evil')), [], []],
  [
    'a description-builder line dropped (narrower)',
    state((m) => (m.types.Incident!.descriptionBuilder = { fields: ['priority', 'group'], separator: '---' })),
    state((m) => (m.types.Incident!.descriptionBuilder = { fields: ['group'], separator: '---' })),
    [],
    [],
  ],
  [
    'description-builder lines reordered',
    state((m) => (m.types.Incident!.descriptionBuilder = { fields: ['priority', 'group'], separator: '---' })),
    state((m) => (m.types.Incident!.descriptionBuilder = { fields: ['group', 'priority'], separator: '---' })),
    [],
    [],
  ],
  [
    'a value pair remapped into the target',
    state(),
    state((m) => (field(m, 'priority').values[0]!.target = 4)),
    [],
    [/^Incident: priority ← source priority, on new copies: 1 → 4$/, /on updates: 1 → 4$/],
  ],
  [
    'a value pair of a two-way mapping remapped: both sides',
    state(),
    state((m) => (field(m, 'status').values[0]!.target = 5)),
    [/^Incident: status ← target status, on updates: 5 → 2$/],
    [/^Incident: status ← source status, on updates: 2 → 5$/],
  ],
  ['a value pair removed (narrower)', state(), state((m) => field(m, 'priority').values.pop()), [], []],
  [
    'a later duplicate pair moved first',
    state((m) => field(m, 'priority').values.push({ source: 1, target: 4 })),
    state((m) => field(m, 'priority').values.unshift({ source: 1, target: 4 })),
    [],
    [/1 → 4/],
  ],
  [
    'value mapping made direct',
    state(),
    state((m) => (field(m, 'priority').kind = 'direct')),
    [],
    [/priority ← source priority, on new copies \(copied as is\)/],
  ],
  ['direct made a value mapping with identical pairs (narrower)', state((m) => (field(m, 'priority').kind = 'direct')), state(), [], []],
  [
    'a new one-way field into the target',
    state(),
    state((m) => m.types.Incident!.fields.push(custom('source_to_target'))),
    [],
    [/^Incident: cf_location ← source cf_site, on updates/],
  ],
  [
    'a new one-way field into the source: its new copies on the target start from it too',
    state(),
    state((m) => m.types.Incident!.fields.push(custom('target_to_source'))),
    [/^Incident: cf_site ← target cf_location, on updates/],
    [/^Incident: cf_location ← source cf_site, on new copies/],
  ],
  [
    'copies of a type created as another type',
    state(),
    state((m) => (m.types.Incident!.targetType = 'Service Request')),
    [],
    [/^Incident: new copies are created as Service Request$/],
  ],
  ['a type added with the default mapping', state(), state((m) => (m.types.Change = defaultTypeMapping())), [], []],
  [
    'a type added with the partner reference line',
    state(),
    state((m) => (m.types.Change = defaultMappings().types.Incident!)),
    [],
    [/Change: new copies' descriptions get a line with the source ticket's number and link/],
  ],
  ['the partner reference line switched off', state(), state((m) => (m.types.Incident!.descriptionBuilder.partnerReference = false)), [], []],
  [
    'the partner reference line on reverse-synced copies',
    state((m) => (m.types.Incident!.descriptionBuilder.partnerReference = false), on()),
    state(() => {}, on()),
    [/Incident: new copies' descriptions get a line with the target ticket's number and link/],
    [/Incident: new copies' descriptions get a line with the source/],
  ],
  [
    'a narrower type removed: its tickets fall back to the wider default',
    state((m) => (m.types.Incident!.fields = [])),
    state((m) => delete m.types.Incident),
    [/^Incident: status ← target status, on updates/],
    [/^Incident: subject ← source subject/],
  ],
  [
    'reverse sync switched on',
    state(),
    state(undefined, on({ tags: ['escalate'] })),
    [
      /^Reverse sync: tickets created on the target \(tagged escalate\) are created on the source, with requesters/,
      /^Incident: new copies are created as Incident$/,
      /^Incident: subject ← target subject, on new copies/,
    ],
    [],
  ],
  ['reverse sync switched off (narrower)', state(undefined, on()), state(), [], []],
  [
    'reverse sync filter widened',
    state(undefined, on({ tags: ['escalate'] })),
    state(undefined, on({ tags: ['escalate', 'vip'] })),
    [/^Reverse sync filter admits more tickets created on the target: tags: also vip$/],
    [],
  ],
  ['reverse sync filter condition removed', state(undefined, on({ groups: ['7'] })), state(undefined, on()), [/groups: condition removed \(was 7\)/], []],
  ['reverse sync filter narrowed', state(undefined, on()), state(undefined, on({ groups: ['7'], field: { name: 'cf_x', equals: 1 } })), [], []],
  [
    'with reverse sync on, a retyped copy writes into the source too',
    state(undefined, on()),
    state((m) => (m.types.Incident!.targetType = 'Problem'), on()),
    [/^Problem: new copies are created as Incident$/],
    [/^Incident: new copies are created as Problem$/],
  ],
];

describe('what a change lets the engine write into each side', () => {
  it.each(cases)('%s', (_what, before, after, intoSource, intoTarget) => {
    const lines = summarise(newWrites(before, after));
    for (const [side, expected] of [
      ['source', intoSource],
      ['target', intoTarget],
    ] as const) {
      for (const re of expected) expect(lines[side], `${side}: ${re}`).toEqual(expect.arrayContaining([expect.stringMatching(re)]));
      if (expected.length === 0) expect(lines[side], side).toEqual([]);
    }
  });

  it('lists a field’s value pairs on one line', () => {
    const lines = summarise(
      newWrites(
        state(),
        state((m) => field(m, 'priority').values.forEach((v) => (v.target = 4))),
      ),
    );
    expect(lines.target).toContain('Incident: priority ← source priority, on updates: 1 → 4, 2 → 4, 3 → 4');
  });
});

describe('whose consent a change needs', () => {
  const t: Array<[string, Side, WriteState, Side | null]> = [
    ['the target reverses a direction into the source', 'target', state((m) => (field(m, 'subject').direction = 'target_to_source')), 'source'],
    ['the source reverses a direction into itself', 'source', state((m) => (field(m, 'subject').direction = 'target_to_source')), null],
    ['the source adds a description line into the target', 'source', state((m) => (m.types.Incident!.descriptionBuilder.fields = ['priority'])), 'target'],
    ['the target adds a description line into itself', 'target', state((m) => (m.types.Incident!.descriptionBuilder.fields = ['priority'])), null],
    ['the target switches reverse sync on', 'target', state(undefined, on()), 'source'],
    ['either side narrows', 'target', state((m) => (m.types.Incident!.fields = [])), null],
  ];
  it.each(t)('%s', (_what, proposer, after, expected) => {
    expect(consentNeededFrom(proposer, newWrites(state(), after))).toBe(expected);
  });
});

describe('reverse sync filter widenings', () => {
  it.each<[Partial<SyncFilter>, Partial<SyncFilter>, number]>([
    [{}, {}, 0],
    [{}, { tags: ['a'] }, 0],
    [{ tags: ['a'] }, {}, 1],
    [{ tags: ['a'] }, { tags: ['b'] }, 1],
    [{ statuses: [2, 3] }, { statuses: ['2'] }, 0],
    [{ field: { name: 'x', equals: 1 } }, { field: { name: 'x', equals: '1' } }, 0],
    [{ field: { name: 'x', equals: 1 } }, { field: null }, 1],
    [{ groups: ['1'], ticketTypes: ['Incident'] }, { groups: [], ticketTypes: [] }, 2],
  ])('%j → %j', (before, after, count) => {
    expect(filterWidenings({ ...noFilter, ...before }, { ...noFilter, ...after })).toHaveLength(count);
  });
});
