import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from '../../core/connector.ts';
import { inScope, mergeFieldLists, workspaceScope } from './workspaces.ts';

describe('workspaceScope', () => {
  it.each([
    ['no choice: the primary, no workspace_id', undefined, { ids: null, createIn: null }],
    ['empty choice', { ids: [], createIn: null }, { ids: null, createIn: null }],
    ['one workspace: created there', { ids: ['3'], createIn: null }, { ids: [3], createIn: 3 }],
    ['two: created in the first', { ids: ['3', '2'], createIn: null }, { ids: [3, 2], createIn: 3 }],
    ['two: created where chosen', { ids: ['2', '3'], createIn: '3' }, { ids: [2, 3], createIn: 3 }],
    ['repeats listed once', { ids: ['3', '3'], createIn: null }, { ids: [3], createIn: 3 }],
    ['created in the primary without ids', { ids: [], createIn: '2' }, { ids: null, createIn: 2 }],
  ])('%s', (_name, choice, expected) => {
    expect(workspaceScope(choice)).toEqual(expected);
  });

  it.each([['x'], ['0'], ['-1'], ['1e3']])('refuses %j as a workspace id', (bad) => {
    expect(() => workspaceScope({ ids: [bad], createIn: null })).toThrow(/is not a Freshservice workspace id/);
  });
});

describe('inScope', () => {
  it.each([
    [{ ids: null, createIn: null }, 3, true],
    [{ ids: [3], createIn: 3 }, 3, true],
    [{ ids: [3], createIn: 3 }, 2, false],
    [{ ids: [2, 3], createIn: 2 }, 2, true],
    [{ ids: [3], createIn: 3 }, null, true],
    [{ ids: [3], createIn: 3 }, undefined, true],
  ])('%j holds a ticket of workspace %j: %s', (scope, ws, expected) => {
    expect(inScope(scope, ws)).toBe(expected);
  });
});

const field = (name: string, choices: Array<[string | number, string]>, requiredForClosure = false, label = name): FieldDefinition => ({
  name,
  label,
  kind: choices.length > 0 ? 'picklist' : 'text',
  choices: choices.map(([value, l]) => ({ value, label: l })),
  requiredForClosure,
});

describe('mergeFieldLists', () => {
  it.each([
    ['one list stays as it is', [[field('status', [[2, 'Open']]), field('subject', [])]], [field('status', [[2, 'Open']]), field('subject', [])]],
    [
      'groups of both workspaces, each once',
      [
        [
          field('group', [
            ['1', 'Service Desk'],
            ['2', 'Network'],
          ]),
        ],
        [
          field('group', [
            ['2', 'Network'],
            ['9', 'HR Operations'],
          ]),
        ],
      ],
      [
        field('group', [
          ['1', 'Service Desk'],
          ['2', 'Network'],
          ['9', 'HR Operations'],
        ]),
      ],
    ],
    [
      'workspace fields of either are kept, in first-seen order',
      [
        [field('it_field', [['A', 'A']]), field('status', [])],
        [field('status', []), field('hr_case', [])],
      ],
      [field('it_field', [['A', 'A']]), field('status', []), field('hr_case', [])],
    ],
    ['required for closure in any workspace', [[field('resolution', [])], [field('resolution', [], true)]], [field('resolution', [], true)]],
    ['the first label wins', [[field('group', [], false, 'Group')], [field('group', [], false, 'Team')]], [field('group', [], false, 'Group')]],
    ['no lists', [], []],
  ])('%s', (_name, lists, expected) => {
    expect(mergeFieldLists(lists)).toEqual(expected);
  });

  it('does not change the lists it merges', () => {
    const a = [field('group', [['1', 'Service Desk']])];
    mergeFieldLists([a, [field('group', [['9', 'HR']])]]);
    expect(a[0]!.choices).toEqual([{ value: '1', label: 'Service Desk' }]);
  });
});
