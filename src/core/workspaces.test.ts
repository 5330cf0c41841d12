import { describe, expect, it } from 'vitest';
import type { PlatformWorkspace } from './connector.ts';
import { checkWorkspaceChoice, sameWorkspaceChoice } from './workspaces.ts';

const it_: PlatformWorkspace = { id: '2', name: 'IT', primary: true };
const hr: PlatformWorkspace = { id: '3', name: 'HR', primary: false };
const fac: PlatformWorkspace = { id: '4', name: 'Facilities', primary: false };
const account = [it_, hr, fac];

describe('checkWorkspaceChoice', () => {
  it.each([
    ['nothing chosen, no workspaces', { ids: [], createIn: null }, [], null],
    ['nothing chosen, several workspaces', { ids: [], createIn: null }, account, null],
    ['one known workspace', { ids: ['3'], createIn: null }, account, null],
    ['two known, created in the second', { ids: ['2', '3'], createIn: '3' }, account, null],
    ['created in the primary without ids', { ids: [], createIn: '2' }, account, null],
    [
      'an account without workspaces takes no ids',
      { ids: ['2'], createIn: null },
      [],
      {
        field: 'configuration.workspaces.ids',
        message: 'Your Freshservice account has no workspaces; remove the workspace choice (its tickets sync without one).',
      },
    ],
    [
      'an account without workspaces takes no createIn',
      { ids: [], createIn: '2' },
      [],
      { field: 'configuration.workspaces.createIn', message: expect.stringMatching(/has no workspaces/) },
    ],
    [
      'unknown id',
      { ids: ['3', '7'], createIn: null },
      account,
      { field: 'configuration.workspaces.ids.1', message: 'There is no workspace 7 in your Freshservice account; choose from IT (2), HR (3), Facilities (4).' },
    ],
    [
      'an id twice',
      { ids: ['3', '3'], createIn: null },
      account,
      { field: 'configuration.workspaces.ids.1', message: 'Workspace 3 is chosen twice; choose each workspace once.' },
    ],
    [
      'created in a workspace not synced',
      { ids: ['3'], createIn: '4' },
      account,
      { field: 'configuration.workspaces.createIn', message: 'Workspace 4 is not one you sync; new tickets can be created in HR (3).' },
    ],
    [
      'created in an unknown workspace',
      { ids: ['2', '3'], createIn: '9' },
      account,
      {
        field: 'configuration.workspaces.createIn',
        message: 'There is no workspace 9 in your Freshservice account; new tickets can be created in IT (2), HR (3).',
      },
    ],
    [
      'created outside the primary without ids',
      { ids: [], createIn: '3' },
      account,
      { field: 'configuration.workspaces.createIn', message: 'Workspace 3 is not one you sync; new tickets can be created in IT (2).' },
    ],
  ])('%s', (_name, choice, available, expected) => {
    expect(checkWorkspaceChoice(choice, available, 'Freshservice')).toEqual(expected);
  });
});

describe('sameWorkspaceChoice', () => {
  it.each([
    [undefined, undefined, true],
    [undefined, { ids: [], createIn: null }, true],
    [{ ids: ['3'], createIn: null }, { ids: ['3'], createIn: null }, true],
    [{ ids: ['3'], createIn: null }, undefined, false],
    [{ ids: ['2', '3'], createIn: null }, { ids: ['3', '2'], createIn: null }, false],
    [{ ids: ['3'], createIn: null }, { ids: ['3'], createIn: '3' }, false],
  ])('%j vs %j → %s', (a, b, same) => {
    expect(sameWorkspaceChoice(a, b)).toBe(same);
  });
});
