import { describe, expect, it } from 'vitest';
import { groupAccessOf, namedGroups } from './group-access.ts';
import type { FreshserviceAgent, FreshserviceRole } from './schemas.ts';

const agent = (roles: FreshserviceAgent['roles'], member_of: number[] = []): FreshserviceAgent => ({
  id: 1,
  first_name: 'Support',
  last_name: 'Fusion',
  email: 'sf@example.com',
  roles,
  member_of,
});

// Role ids: 1 Account Admin (admin), 2 IT Agent, 3 IT Supervisor (agent roles), 4 custom admin role without role_type.
const roles: FreshserviceRole[] = [
  { id: 1, name: 'Account Admin', role_type: 1 },
  { id: 2, name: 'IT Agent', role_type: 2 },
  { id: 3, name: 'IT Supervisor', role_type: 2 },
  { id: 4, name: 'Account Admin' },
];
// Older payloads: no assignment_scope on the agent, the role's `scopes.ticket` in words.
const olderRoles: FreshserviceRole[] = [
  { id: 11, name: 'SD Agent', scopes: { ticket: 'Group Access' } },
  { id: 12, name: 'SD Supervisor', scopes: { ticket: 'Global Access', problem: 'Global Access' } },
  { id: 13, name: 'Night shift', scopes: { ticket: 'Restricted Access' } },
];
const global = (role_id: number) => ({ role_id, assignment_scope: 'entire_helpdesk', groups: [] });

describe('groupAccessOf', () => {
  it.each([
    [
      'entire helpdesk on an agent role',
      agent([{ role_id: 2, assignment_scope: 'member_groups', groups: [] }, global(3)], [5]),
      roles,
      { scope: 'all', groupIds: [], assignedTickets: false },
    ],
    [
      'specified groups',
      agent([{ role_id: 2, assignment_scope: 'specified_groups', groups: [7, 8] }]),
      roles,
      { scope: 'selected', groupIds: [7, 8], assignedTickets: false },
    ],
    [
      'member groups use member_of',
      agent([{ role_id: 2, assignment_scope: 'member_groups', groups: [] }], [9]),
      roles,
      { scope: 'selected', groupIds: [9], assignedTickets: false },
    ],
    [
      'union without repeats',
      agent(
        [
          { role_id: 2, assignment_scope: 'specified_groups', groups: [7] },
          { role_id: 3, assignment_scope: 'member_groups' },
        ],
        [7, 9],
      ),
      roles,
      { scope: 'selected', groupIds: [7, 9], assignedTickets: false },
    ],
    [
      'assigned tickets only',
      agent([{ role_id: 2, assignment_scope: 'assigned_items', groups: [] }], [3]),
      roles,
      { scope: 'selected', groupIds: [], assignedTickets: true },
    ],
    ['no roles', agent(null), roles, { scope: 'selected', groupIds: [], assignedTickets: false }],
    // Account Admin is always assigned globally: it must not turn selected groups into All Groups.
    [
      'selected groups plus Account Admin',
      agent([{ role_id: 2, assignment_scope: 'specified_groups', groups: [7] }, { role_id: 3, assignment_scope: 'specified_groups', groups: [7] }, global(1)]),
      roles,
      { scope: 'selected', groupIds: [7], assignedTickets: false },
    ],
    [
      'member groups plus Account Admin',
      agent([{ role_id: 2, assignment_scope: 'member_groups' }, global(1)], [9]),
      roles,
      { scope: 'selected', groupIds: [9], assignedTickets: false },
    ],
    [
      'assigned tickets plus Account Admin',
      agent([{ role_id: 3, assignment_scope: 'assigned_items' }, global(1)], [9]),
      roles,
      { scope: 'selected', groupIds: [], assignedTickets: true },
    ],
    [
      'Account Admin known by name when role_type is missing',
      agent([{ role_id: 2, assignment_scope: 'member_groups' }, global(4)], [9]),
      roles,
      { scope: 'selected', groupIds: [9], assignedTickets: false },
    ],
    ['Account Admin alone reaches no tickets', agent([global(1)]), roles, { scope: 'selected', groupIds: [], assignedTickets: false }],
    ['a role missing from the list counts as an agent role', agent([global(99)]), roles, { scope: 'all', groupIds: [], assignedTickets: false }],
    ['older payload: Group Access uses member_of', agent([{ role_id: 11 }], [9]), olderRoles, { scope: 'selected', groupIds: [9], assignedTickets: false }],
    [
      'older payload: Global Access is All Groups',
      agent([{ role_id: 11 }, { role_id: 12 }], [9]),
      olderRoles,
      { scope: 'all', groupIds: [], assignedTickets: false },
    ],
    [
      'older payload: Restricted Access is assigned tickets',
      agent([{ role_id: 13 }], [9]),
      olderRoles,
      { scope: 'selected', groupIds: [], assignedTickets: true },
    ],
    [
      'assignment_scope wins over the role scopes',
      agent([{ role_id: 12, assignment_scope: 'specified_groups', groups: [4] }]),
      olderRoles,
      { scope: 'selected', groupIds: [4], assignedTickets: false },
    ],
  ])('%s', (_name, a, list, expected) => {
    expect(groupAccessOf(a, list)).toEqual(expected);
  });
});

it('names groups, falling back to the id when the list does not have it', () => {
  expect(namedGroups([1, 2], [{ id: 1, name: 'Network Team' }])).toEqual([
    { id: 1, name: 'Network Team' },
    { id: 2, name: 'Group 2' },
  ]);
});
