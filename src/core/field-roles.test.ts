import { describe, expect, it } from 'vitest';
import type { FieldChoice, FieldDefinition } from './connector.ts';
import { isClosingStatus, mapByCategory, mapByName, mapByRank, needsRoleResolution, resolveRoles, roleOfRef, withRoleFields } from './field-roles.ts';
import { defaultTypeMapping, type TypeMapping } from './sync-config.ts';

// Fixture data: one side numbers its statuses (as Freshservice does), the other names them (as a workflow tool does).
const numbered: FieldChoice[] = [
  { value: 2, label: 'Open', category: 'open' },
  { value: 3, label: 'Pending', category: 'pending' },
  { value: 4, label: 'Resolved', category: 'resolved' },
  { value: 5, label: 'Closed', category: 'closed' },
  { value: 6, label: 'Awaiting vendor', category: 'pending' },
];
const named: FieldChoice[] = [
  { value: 'todo', label: 'To Do', category: 'new' },
  { value: 'doing', label: 'In Progress', category: 'open' },
  { value: 'waiting', label: 'Waiting for customer', category: 'pending' },
  { value: 'done', label: 'Done', category: 'closed' },
];
const fourRanks: FieldChoice[] = [1, 2, 3, 4].map((v) => ({ value: v, label: `P${v}` }));
const namedFour: FieldChoice[] = ['Low', 'Medium', 'High', 'Urgent'].map((l, i) => ({ value: i + 1, label: l }));
const fiveRanks: FieldChoice[] = ['lowest', 'low', 'medium', 'high', 'highest'].map((v) => ({ value: v, label: v }));
const threeRanks: FieldChoice[] = [1, 2, 3].map((v) => ({ value: v, label: `R${v}` }));

const def = (name: string, role: FieldDefinition['role'], choices: FieldChoice[]): FieldDefinition => ({
  name,
  label: name,
  kind: 'picklist',
  choices,
  requiredForClosure: false,
  ...(role ? { role } : {}),
});

describe('mapByCategory: status by where it stands', () => {
  const cases: Array<[string, FieldChoice[], FieldChoice[], string | number, string | number | null]> = [
    ['same platform: the same value', numbered, numbered, 3, 3],
    ['a custom status of the same platform keeps its value', numbered, numbered, 6, 6],
    ['open → the first open status there', numbered, named, 2, 'doing'],
    ['pending → pending', numbered, named, 6, 'waiting'],
    ['resolved → closed where there is no resolved', numbered, named, 4, 'done'],
    ['closed → closed', numbered, named, 5, 'done'],
    ['new → open where there is no new', named, numbered, 'todo', 2],
    ['done (closed) → closed', named, numbered, 'done', 5],
    ['an unknown value has no counterpart', numbered, named, 99, null],
  ];
  it.each(cases)('%s', (_what, from, to, value, expected) => {
    expect(mapByCategory(from, to, value)).toBe(expected);
  });
});

describe('mapByRank: priority by relative rank (choices low → high)', () => {
  const cases: Array<[string, FieldChoice[], FieldChoice[], string | number, string | number | null]> = [
    ['same length: the same position', fourRanks, fourRanks, 3, 3],
    ['lowest of 4 → lowest of 5', fourRanks, fiveRanks, 1, 'lowest'],
    ['highest of 4 → highest of 5', fourRanks, fiveRanks, 4, 'highest'],
    ['second of 4 → second of 5 (rounded)', fourRanks, fiveRanks, 2, 'low'],
    ['middle of 5 → middle of 3', fiveRanks, threeRanks, 'medium', 2],
    ['highest of 5 → highest of 3', fiveRanks, threeRanks, 'highest', 3],
    ['unknown value', fourRanks, fiveRanks, 9, null],
    ['the same name wins over the position (Medium is Medium)', namedFour, fiveRanks, 2, 'medium'],
    ['no such name there: by position (Urgent → highest)', namedFour, fiveRanks, 4, 'highest'],
  ];
  it.each(cases)('%s', (_what, from, to, value, expected) => {
    expect(mapByRank(from, to, value)).toBe(expected);
  });
});

describe('mapByName: types and groups by label', () => {
  const from: FieldChoice[] = [
    { value: 'Incident', label: 'Incident' },
    { value: 'Service Request', label: 'Service Request' },
  ];
  const to: FieldChoice[] = [
    { value: '10001', label: 'incident' },
    { value: '10002', label: 'Task' },
  ];
  it.each([
    ['same label, other case', 'Incident', '10001'],
    ['no such label', 'Service Request', null],
  ] as const)('%s', (_what, value, expected) => {
    expect(mapByName(from, to, value)).toBe(expected);
  });
});

describe('isClosingStatus: closure by the status field (found by role) and its category', () => {
  const defs = [def('state', 'status', named), def('urgency', 'urgency', threeRanks)];
  it.each([
    ['done', true],
    ['doing', false],
    ['waiting', false],
    [null, false],
    ['unknown', false],
  ] as const)('%s → %s', (value, expected) => {
    expect(isClosingStatus(defs, value)).toBe(expected);
  });
  it('a side with no status field closes nothing', () => {
    expect(isClosingStatus([def('state', undefined, named)], 'done')).toBe(false);
  });
});

describe('resolveRoles: a mapping document between two platforms', () => {
  const numberedSide = [def('status', 'status', numbered), def('priority', 'priority', fourRanks), def('urgency', 'urgency', threeRanks)];
  const namedSide = [def('state', 'status', named), def('prio', 'priority', fiveRanks)];

  it('same platform: the default document is left exactly as it is', () => {
    const m = defaultTypeMapping();
    const full = [...numberedSide, def('impact', 'impact', threeRanks)];
    expect(resolveRoles(m, { source: full, target: full })).toBe(m);
  });

  it('different platforms: role names stand for the role fields, values by meaning, a role one side lacks is dropped', () => {
    const r = resolveRoles(defaultTypeMapping(), { source: numberedSide, target: namedSide });
    const rows = r.fields.map((f) => [f.sourceField, f.targetField, f.direction, f.values.map((v) => `${v.source}>${v.target}`).join(' ')]);
    expect(rows).toEqual([
      ['subject', 'subject', 'source_to_target', ''],
      ['description', 'description', 'source_to_target', ''],
      // Both ways, each direction with its own best match.
      ['status', 'state', 'source_to_target', '2>doing 3>waiting 4>done 5>done 6>waiting'],
      ['status', 'state', 'target_to_source', '2>todo 2>doing 3>waiting 5>done'],
      ['priority', 'prio', 'source_to_target', '1>lowest 2>low 3>high 4>highest'],
      // urgency: the other side has none (dropped); impact: neither side has it (dropped).
    ]);
  });

  it('both platforms call the field by its role name: pairs of the other platform map by meaning, pairs that fit both are kept', () => {
    const sameName = [def('status', 'status', named), def('priority', 'priority', fiveRanks)];
    const r = resolveRoles(defaultTypeMapping(), { source: numberedSide, target: sameName });
    expect(r.fields.find((f) => f.targetField === 'status' && f.direction === 'source_to_target')?.values.map((v) => `${v.source}>${v.target}`)).toEqual([
      '2>doing',
      '3>waiting',
      '4>done',
      '5>done',
      '6>waiting',
    ]);
    const fitting: TypeMapping = {
      ...defaultTypeMapping(),
      fields: [{ sourceField: 'status', targetField: 'status', direction: 'source_to_target', kind: 'value', values: [{ source: 2, target: 'todo' }] }],
    };
    expect(resolveRoles(fitting, { source: numberedSide, target: sameName })).toBe(fitting);
  });

  it("the default document's pairs that fit another platform by coincidence still map by meaning; the same pairs between equal choices are kept", () => {
    // Jira's priority ids are 1..5 (Highest first in Jira; the contract lists them least urgent first): 1..4 exist there too.
    const jiraLike: FieldChoice[] = [
      { value: '5', label: 'Lowest' },
      { value: '4', label: 'Low' },
      { value: '3', label: 'Medium' },
      { value: '2', label: 'High' },
      { value: '1', label: 'Highest' },
    ];
    const jiraSide = [def('status', 'status', named), def('priority', 'priority', jiraLike)];
    const freshLike = [def('status', 'status', numbered), def('priority', 'priority', namedFour)];
    const r = resolveRoles(defaultTypeMapping(), { source: freshLike, target: jiraSide });
    const priority = r.fields.find((f) => f.targetField === 'priority');
    expect(priority?.values.map((v) => `${v.source}>${v.target}`)).toEqual(['1>4', '2>3', '3>2', '4>1']);
    // The organisation's own pairs (edited from the default) are theirs, even when they fit by the same coincidence.
    const own: TypeMapping = {
      ...defaultTypeMapping(),
      fields: [{ sourceField: 'priority', targetField: 'priority', direction: 'source_to_target', kind: 'value', values: [{ source: 1, target: '1' }] }],
    };
    expect(resolveRoles(own, { source: freshLike, target: jiraSide })).toBe(own);
  });

  it('@role references resolve too, and explicit pairs given with them are kept', () => {
    const m: TypeMapping = {
      ...defaultTypeMapping(),
      fields: [{ sourceField: '@status', targetField: '@status', direction: 'source_to_target', kind: 'value', values: [{ source: 2, target: 'todo' }] }],
    };
    expect(resolveRoles(m, { source: numberedSide, target: namedSide }).fields).toEqual([
      { sourceField: 'status', targetField: 'state', direction: 'source_to_target', kind: 'value', values: [{ source: 2, target: 'todo' }] },
    ]);
  });

  it('choices unknown on a side: values travel as they are', () => {
    const m: TypeMapping = {
      ...defaultTypeMapping(),
      fields: [{ sourceField: '@status', targetField: '@status', direction: 'source_to_target', kind: 'value', values: [] }],
    };
    expect(resolveRoles(m, { source: numberedSide, target: [] }).fields).toEqual([
      { sourceField: 'status', targetField: 'status', direction: 'source_to_target', kind: 'direct', values: [] },
    ]);
  });

  it('needsRoleResolution: only role references, or role names between two platforms', () => {
    expect(needsRoleResolution(defaultTypeMapping(), true)).toBe(false);
    expect(needsRoleResolution(defaultTypeMapping(), false)).toBe(true);
    expect(needsRoleResolution({ ...defaultTypeMapping(), fields: [{ ...defaultTypeMapping().fields[2]!, sourceField: '@status' }] }, true)).toBe(true);
  });

  it('withRoleFields (validation): names as the run uses them; null where a side lacks the role', () => {
    const [, , status, , urgency] = defaultTypeMapping().fields;
    expect(withRoleFields(status!, { source: numberedSide, target: namedSide })).toMatchObject({ mapping: { targetField: 'state' }, byMeaning: true });
    // A role the side lacks is skipped, named outright or by the role's name; another field name is left for validation to report.
    expect(withRoleFields(urgency!, { source: numberedSide, target: namedSide })).toBeNull();
    expect(withRoleFields({ ...urgency!, targetField: 'cf_nowhere' }, { source: numberedSide, target: namedSide })).toMatchObject({ byMeaning: false });
    expect(withRoleFields({ ...urgency!, targetField: '@urgency' }, { source: numberedSide, target: namedSide })).toBeNull();
    expect(withRoleFields(status!, { source: numberedSide, target: numberedSide })).toEqual({ mapping: status, byMeaning: false });
  });

  it('roleOfRef: only known roles', () => {
    expect([roleOfRef('@status'), roleOfRef('@nope'), roleOfRef('status')]).toEqual(['status', null, null]);
  });
});
