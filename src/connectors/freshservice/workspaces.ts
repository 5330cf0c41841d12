import { PlatformError, type FieldDefinition, type PlatformWorkspace } from '../../core/connector.ts';
import type { WorkspaceChoice } from '../../core/sync-config.ts';
import type { FreshserviceApi } from './api.ts';
import { WorkspaceListEnvelope } from './payloads.ts';

// Freshservice lists tickets, groups and ticket_form_fields of the primary workspace only unless
// `workspace_id` is sent [spec 5.3, 5.10, 7.3, 7.6]. A connector without a choice sends no workspace_id
// at all, so accounts without workspaces (and sides that never chose) behave as before.

/** The workspaces one connector works in: `ids` null = the primary (no workspace_id sent). */
export interface WorkspaceScope {
  ids: number[] | null;
  /** Where new tickets go; null = the platform's default (the primary). */
  createIn: number | null;
}

function workspaceNumber(id: string): number {
  const n = Number(id);
  if (!/^\d+$/.test(id) || !Number.isSafeInteger(n) || n === 0)
    throw new PlatformError('validation', `"${id}" is not a Freshservice workspace id; choose the workspaces again in the connection's configuration.`);
  return n;
}

export function workspaceScope(choice: WorkspaceChoice | undefined): WorkspaceScope {
  const ids = (choice?.ids ?? []).map(workspaceNumber);
  const createIn = choice?.createIn != null ? workspaceNumber(choice.createIn) : (ids[0] ?? null);
  return { ids: ids.length > 0 ? [...new Set(ids)] : null, createIn };
}

/** Whether a ticket read by id belongs to the chosen workspaces (a ticket without workspace_id does: an older account). */
export function inScope(scope: WorkspaceScope, workspaceId: number | null | undefined): boolean {
  return scope.ids === null || workspaceId === null || workspaceId === undefined || scope.ids.includes(workspaceId);
}

/**
 * One field list from several workspaces' lists: a field keeps its first label and kind, its picklist
 * is the union of the workspaces' choices (a group of any chosen workspace is a valid group), and it
 * is required for closure when any workspace requires it.
 */
export function mergeFieldLists(lists: FieldDefinition[][]): FieldDefinition[] {
  const byName = new Map<string, FieldDefinition>();
  for (const list of lists) {
    for (const f of list) {
      const seen = byName.get(f.name);
      if (!seen) {
        byName.set(f.name, { ...f, choices: [...f.choices] });
        continue;
      }
      for (const c of f.choices) if (!seen.choices.some((x) => x.value === c.value)) seen.choices.push(c);
      seen.requiredForClosure ||= f.requiredForClosure;
    }
  }
  return [...byName.values()];
}

/** `GET /workspaces`; an account without workspaces answers 404 [spec 7.6] and has none. */
export async function listWorkspaces(api: FreshserviceApi): Promise<PlatformWorkspace[]> {
  const out: PlatformWorkspace[] = [];
  try {
    await api.eachPage(
      '/workspaces',
      {},
      WorkspaceListEnvelope,
      (e) => e.workspaces,
      'list the workspaces',
      (page) => {
        for (const w of page) if (w.state !== 'inactive') out.push({ id: String(w.id), name: w.name ?? `Workspace ${w.id}`, primary: w.primary === true });
      },
    );
  } catch (err) {
    if (err instanceof PlatformError && err.kind === 'not_found') return [];
    throw err;
  }
  return out;
}
