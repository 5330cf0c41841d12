import type { AccessScope } from '../../core/connection-test.ts';
import type { ProjectPage } from './payloads.ts';
import type { z } from 'zod';

/**
 * Jira's access scope is the projects the account may browse, not groups: the Test Connection check's
 * detail and the scope it answers. Only one page is read: one that is not the last says so.
 */
export function projectAccess(page: z.infer<typeof ProjectPage>): { detail: string; scope: AccessScope } {
  const shown = page.values.map((p) => ({ id: p.key, name: `${p.key} (${p.name})` }));
  const more = page.isLast === false;
  // The total, where Jira gives it, counts the pages not read too.
  const known = page.total !== undefined && page.total >= page.values.length;
  const count = known ? page.total! : page.values.length;
  const atLeast = more && !known;
  return {
    detail: `${shown.map((p) => p.name).join(', ')}${more ? ' and more' : ''}`,
    scope: {
      title: 'Project access',
      summary: `Browse access: ${count}${atLeast ? ' or more' : ''} project${count === 1 && !atLeast ? '' : 's'}`,
      items: shown,
    },
  };
}
