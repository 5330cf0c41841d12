import { createContext, useContext } from 'react';
import type { MemberRole } from './api.ts';

/**
 * The signed-in user's role, for showing a read-only UI. The API is what enforces roles (a viewer's
 * write is refused with 403 whatever the page shows); this only keeps people from trying.
 */
export const RoleContext = createContext<MemberRole>('viewer');

const RANK: Record<MemberRole, number> = { viewer: 0, member: 1, admin: 2 };

export const useRole = () => useContext(RoleContext);

/** True when the user's role is at least `least`. */
export function useCan(least: MemberRole): boolean {
  return RANK[useRole()] >= RANK[least];
}

export const ROLE_NAMES: Record<MemberRole, string> = { admin: 'Admin', member: 'Member', viewer: 'Viewer' };

export const ROLE_HELP: Record<MemberRole, string> = {
  admin: 'Everything: platform credentials, connections, configuration, webhook URLs, members and the audit log.',
  member: 'Runs syncs and dry runs, switches automatic sync, edits field mappings; reads everything else.',
  viewer: 'Reads everything, changes nothing.',
};

/** What a page says in place of its buttons when the role may not use them. */
export function readOnlyMessage(least: MemberRole): string {
  return least === 'admin'
    ? 'Read only: only an administrator of your organisation can change this. Ask one on the Members page.'
    : 'Read only: your role is viewer. Ask an administrator (Members page) to make you a member to run syncs or edit mappings.';
}
