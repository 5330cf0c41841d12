import type { SideConfiguration, SyncFilter } from '../../api.ts';

// Same defaults as src/core/sync-config.ts, filled in without parsing: an older stored configuration
// missing a newer key still renders (the contract is checked on save, configuration-resolver.ts).
const filter = (f: Partial<SyncFilter> | undefined): SyncFilter => ({ groups: [], ticketTypes: [], tags: [], statuses: [], field: null, ...f });

export function normaliseConfiguration(c: Partial<SideConfiguration> | undefined): SideConfiguration {
  const d = c?.defaults;
  return {
    defaults: {
      groupId: null,
      ticketType: null,
      status: null,
      priority: null,
      source: null,
      category: null,
      departmentId: null,
      ...d,
      requester: { mode: 'match_or_create', defaultRequesterEmail: null, ...d?.requester },
      fields: { ...d?.fields },
    },
    filters: filter(c?.filters),
    reverseSync: { enabled: c?.reverseSync?.enabled ?? false, filters: filter(c?.reverseSync?.filters) },
    comments: { sendPublic: true, sendPrivate: false, incomingAs: 'private', ...c?.comments },
    attachments: { enabled: c?.attachments?.enabled ?? true },
    closures: { enabled: c?.closures?.enabled ?? true },
    // Optional: absent means the primary workspace, and stays absent when saved back.
    ...(c?.workspaces ? { workspaces: { ids: [...(c.workspaces.ids ?? [])], createIn: c.workspaces.createIn ?? null } } : {}),
  };
}
