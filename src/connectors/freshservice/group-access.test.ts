import { describe, expect, it } from 'vitest';
import { groupAccessOf, missingRoles, namedGroups } from './group-access.ts';
import type { FreshserviceAgent } from './schemas.ts';

const agent = (roles: FreshserviceAgent['roles'], member_of: number[] = []): FreshserviceAgent => ({
  id: 1, first_name: 'Support', last_name: 'Fusion', email: 'sf@example.com', roles, member_of,
});

describe('groupAccessOf', () => {
  it.each([
    ['entire helpdesk on any role', agent([{ role_id: 1, assignment_scope: 'member_groups', groups: [] }, { role_id: 2, assignment_scope: 'entire_helpdesk', groups: [] }], [5]), { scope: 'all', groupIds: [] }],
    ['specified groups', agent([{ role_id: 1, assignment_scope: 'specified_groups', groups: [7, 8] }]), { scope: 'selected', groupIds: [7, 8] }],
    ['member groups use member_of', agent([{ role_id: 1, assignment_scope: 'member_groups', groups: [] }], [9]), { scope: 'selected', groupIds: [9] }],
    ['union without repeats', agent([{ role_id: 1, assignment_scope: 'specified_groups', groups: [7] }, { role_id: 2, assignment_scope: 'member_groups' }], [7, 9]), { scope: 'selected', groupIds: [7, 9] }],
    ['assigned items only', agent([{ role_id: 1, assignment_scope: 'assigned_items', groups: [] }], [3]), { scope: 'selected', groupIds: [] }],
    ['no roles', agent(null), { scope: 'selected', groupIds: [] }],
  ])('%s', (_name, a, expected) => {
    expect(groupAccessOf(a)).toEqual(expected);
  });
});

describe('missingRoles', () => {
  it.each([
    [['IT Agent', 'IT Supervisor', 'Account Admin'], []],
    [['it agent', 'IT SUPERVISOR', ' Account Admin '], []],
    [['IT Agent'], ['IT Supervisor', 'Account Admin']],
    [['SD Agent', 'Admin'], ['IT Agent', 'IT Supervisor', 'Account Admin']],
    [[], ['IT Agent', 'IT Supervisor', 'Account Admin']],
  ])('%j lacks %j', (held, missing) => {
    expect(missingRoles(held)).toEqual(missing);
  });
});

it('names groups, falling back to the id when the list does not have it', () => {
  expect(namedGroups([1, 2], [{ id: 1, name: 'Network Team' }])).toEqual([{ id: 1, name: 'Network Team' }, { id: 2, name: 'Group 2' }]);
});
