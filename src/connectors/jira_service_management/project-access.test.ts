import { describe, expect, it } from 'vitest';
import { projectAccess } from './project-access.ts';

const project = (key: string, name: string) => ({ id: String(key.length), key, name });

describe('projectAccess', () => {
  it.each([
    ['one project', { values: [project('SUP', 'Support')], isLast: true }, 'SUP (Support)', 'Browse access: 1 project', [{ id: 'SUP', name: 'SUP (Support)' }]],
    [
      'two projects, no isLast',
      { values: [project('SUP', 'Support'), project('ITS', 'IT Service')] },
      'SUP (Support), ITS (IT Service)',
      'Browse access: 2 projects',
      [
        { id: 'SUP', name: 'SUP (Support)' },
        { id: 'ITS', name: 'ITS (IT Service)' },
      ],
    ],
    [
      'a page that is not the last',
      { values: [project('SUP', 'Support')], isLast: false },
      'SUP (Support) and more',
      'Browse access: 1 or more projects',
      [{ id: 'SUP', name: 'SUP (Support)' }],
    ],
    [
      'a page that is not the last, with the total',
      { values: [project('SUP', 'Support')], isLast: false, total: 73 },
      'SUP (Support) and more',
      'Browse access: 73 projects',
      [{ id: 'SUP', name: 'SUP (Support)' }],
    ],
  ])('%s', (_n, page, detail, summary, items) => {
    const a = projectAccess(page);
    expect(a.detail).toBe(detail);
    expect(a.scope).toEqual({ title: 'Project access', summary, items });
  });
});
