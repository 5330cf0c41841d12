import type { PlatformWorkspace } from './connector.ts';
import type { WorkspaceChoice } from './sync-config.ts';

/** A problem with a side's workspace choice: `field` is the dotted path under the configuration body. */
export interface WorkspaceProblem {
  field: string;
  message: string;
}

const P = 'configuration.workspaces';
const named = (w: PlatformWorkspace) => `${w.name} (${w.id})`;
const list = (ws: PlatformWorkspace[]) => ws.map(named).join(', ');

/**
 * The first problem with a workspace choice against the account's workspaces (from the platform), or
 * null when it can be saved. An account without workspaces takes no choice; every id must exist once;
 * new tickets go to a workspace the side syncs (else their changes would never be read back).
 */
export function checkWorkspaceChoice(choice: WorkspaceChoice, available: PlatformWorkspace[], platform: string): WorkspaceProblem | null {
  if (available.length === 0) {
    if (choice.ids.length === 0 && choice.createIn === null) return null;
    const field = choice.ids.length > 0 ? `${P}.ids` : `${P}.createIn`;
    return { field, message: `Your ${platform} account has no workspaces; remove the workspace choice (its tickets sync without one).` };
  }
  const seen = new Set<string>();
  for (const [i, id] of choice.ids.entries()) {
    if (seen.has(id)) return { field: `${P}.ids.${i}`, message: `Workspace ${id} is chosen twice; choose each workspace once.` };
    seen.add(id);
    if (!available.some((w) => w.id === id))
      return { field: `${P}.ids.${i}`, message: `There is no workspace ${id} in your ${platform} account; choose from ${list(available)}.` };
  }
  if (choice.createIn !== null) {
    const synced = choice.ids.length > 0 ? available.filter((w) => seen.has(w.id)) : available.filter((w) => w.primary);
    if (!synced.some((w) => w.id === choice.createIn)) {
      const exists = available.some((w) => w.id === choice.createIn);
      const why = exists ? `Workspace ${choice.createIn} is not one you sync` : `There is no workspace ${choice.createIn} in your ${platform} account`;
      return { field: `${P}.createIn`, message: `${why}; new tickets can be created in ${list(synced) || 'a workspace you sync'}.` };
    }
  }
  return null;
}

/** Whether two choices select the same thing (absent = primary only, created there). */
export function sameWorkspaceChoice(a: WorkspaceChoice | undefined, b: WorkspaceChoice | undefined): boolean {
  const norm = (c: WorkspaceChoice | undefined) => JSON.stringify({ ids: c?.ids ?? [], createIn: c?.createIn ?? null });
  return norm(a) === norm(b);
}
