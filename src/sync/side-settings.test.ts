import { describe, expect, it } from 'vitest';
import type { SideSetting } from '../core/platform-manifest.ts';
import { resolveSideSettings, SideSettingError } from './side-settings.ts';

const project: SideSetting = { name: 'project', label: 'Project', help: 'Where copies are created', required: true };
const board: SideSetting = { name: 'board', label: 'Board', help: '', required: false };
const where = { organisationName: 'Acme', platformName: 'Tracker' };
const offers =
  (byName: Record<string, string[]>) =>
  async (name: string): Promise<Array<{ value: string; label: string }>> =>
    (byName[name] ?? []).map((v) => ({ value: v, label: `${v} label` }));

describe('resolveSideSettings', () => {
  const ok: Array<[string, SideSetting[], Record<string, string> | undefined, Record<string, string[]>, Record<string, string> | null]> = [
    ['no settings needed', [], undefined, {}, null],
    ['configured: kept, nothing asked', [project], { project: 'SUP' }, { project: ['A', 'B'] }, null],
    ['one choice: used', [project], undefined, { project: ['SUP'] }, { project: 'SUP' }],
    ['one choice offered twice: used', [project], {}, { project: ['SUP', 'SUP'] }, { project: 'SUP' }],
    ['one choice, other settings kept', [project, board], { board: '7' }, { project: ['SUP'] }, { board: '7', project: 'SUP' }],
    ['an optional setting is never asked for', [board], undefined, { board: ['1', '2'] }, null],
  ];
  it.each(ok)('%s', async (_what, settings, configured, choices, expected) => {
    expect(await resolveSideSettings(settings, configured, offers(choices), where)).toEqual(expected);
  });

  const bad: Array<[string, Record<string, string[]>, RegExp]> = [
    [
      'several choices: fails naming the setting and where to set it',
      { project: ['A', 'B'] },
      /Project \(project\) is not set for Acme: the Tracker account has 2 \(A label, B label\).*Configuration/,
    ],
    ['no choice at all', {}, /Project \(project\) is not set for Acme: the Tracker account offers no project/],
  ];
  it.each(bad)('%s', async (_what, choices, message) => {
    const run = resolveSideSettings([project], undefined, offers(choices), where);
    await expect(run).rejects.toBeInstanceOf(SideSettingError);
    await expect(run).rejects.toThrow(message);
  });

  it('a blank configured value counts as unset', async () => {
    expect(await resolveSideSettings([project], { project: ' ' }, offers({ project: ['SUP'] }), where)).toEqual({ project: 'SUP' });
  });

  it('a connector that cannot list choices: the setting must be configured', async () => {
    await expect(resolveSideSettings([project], undefined, undefined, where)).rejects.toThrow(/offers no project/);
  });
});
