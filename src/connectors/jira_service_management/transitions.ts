import { PlatformError } from '../../core/connector.ts';
import type { StatusCategory } from '../../core/platform-manifest.ts';
import type { JiraApi } from './api.ts';
import { statusCategoryOf } from './mapping.ts';
import { TransitionList, type Transition } from './payloads.ts';

/**
 * The transition that takes an issue to `wanted` (a status id, a status name, or a category such as
 * "resolved"): one straight to that status first, else one to a status of the same category. Transition
 * ids differ per workflow and are never assumed [§8].
 */
export function chooseTransition(transitions: Transition[], wanted: string): Transition | null {
  const usable = transitions.filter((t) => t.isAvailable !== false);
  const w = wanted.trim().toLowerCase();
  const exact = usable.find((t) => t.to.id === wanted) ?? usable.find((t) => t.to.name.toLowerCase() === w);
  if (exact) return exact;
  const category = w as StatusCategory;
  const inCategory = usable.filter((t) => statusCategoryOf(t.to.statusCategory?.key, t.to.name) === category);
  if (inCategory.length > 0) return inCategory[0]!;
  // Resolved and closed both end the ticket; a workflow may have only one of them.
  if (category === 'resolved' || category === 'closed') {
    const done = usable.find((t) => (t.to.statusCategory?.key ?? '').toLowerCase() === 'done');
    if (done) return done;
  }
  return null;
}

/** The resolution to send where the transition's screen has the field: "Done" when offered, else the first [§8]. */
export function resolutionFor(t: Transition): { id?: string; name?: string } | null {
  const field = t.fields?.resolution;
  if (!field) return null;
  const values = field.allowedValues ?? [];
  const done = values.find((v) => v.name?.toLowerCase() === 'done') ?? values[0];
  if (!done) return field.required ? { name: 'Done' } : null;
  return done.id ? { id: done.id } : { name: done.name! };
}

/** Where a transition leads, when the target is not offered from here: same Jira category, cancel-like last. */
const DETOUR_LAST = /\b(cancel|declin|reject|won'?t)/i;

function detour(transitions: Transition[], target: { categoryKey: string; category: StatusCategory }, currentId: string | null): Transition | null {
  const usable = transitions.filter((t) => t.isAvailable !== false && t.to.id !== currentId);
  const sameKey = usable.filter((t) => (t.to.statusCategory?.key ?? '').toLowerCase() === target.categoryKey);
  const ranked = [...sameKey].sort(
    (a, b) =>
      Number(DETOUR_LAST.test(a.to.name)) - Number(DETOUR_LAST.test(b.to.name)) ||
      Number(statusCategoryOf(b.to.statusCategory?.key, b.to.name) === target.category) -
        Number(statusCategoryOf(a.to.statusCategory?.key, a.to.name) === target.category),
  );
  return ranked[0] ?? null;
}

export interface StatusTarget {
  id: string;
  name: string;
  categoryKey: string;
}

/**
 * Moves the issue to the wanted status through transitions; nothing when it is there already. A status
 * the workflow does not offer from here (JSM: Closed only after Resolved) is reached in up to three
 * steps through statuses of its Jira category, the normal path before a cancel-like one.
 */
export async function transitionTo(
  api: JiraApi,
  issueId: string,
  currentStatusId: string | null,
  wanted: string,
  target: StatusTarget | null = null,
): Promise<void> {
  if (currentStatusId !== null && currentStatusId === wanted) return;
  const path = `/rest/api/3/issue/${encodeURIComponent(issueId)}/transitions`;
  let current = currentStatusId;
  for (let hop = 0; hop < 3; hop++) {
    const list = await api.json('GET', path, TransitionList, { what: `list the transitions of issue ${issueId}`, query: { expand: 'transitions.fields' } });
    const direct = chooseTransition(list.transitions, wanted);
    const exact = direct && (target === null || direct.to.id === target.id);
    const step = exact
      ? direct
      : target
        ? detour(list.transitions, { categoryKey: target.categoryKey, category: statusCategoryOf(target.categoryKey, target.name) }, current)
        : direct;
    if (!step) {
      const offered = list.transitions.map((x) => `${x.name} → ${x.to.name}`).join(', ') || 'none (does the account have Transition Issues?)';
      throw new PlatformError(
        'validation',
        `Issue ${issueId} cannot be moved to status ${target?.name ?? wanted}: its workflow offers no transition there from the current status. Transitions offered: ${offered}.`,
        { fieldErrors: [{ field: 'status', message: `No transition to ${target?.name ?? wanted}` }] },
      );
    }
    if (current !== null && step.to.id === current) return;
    const resolution = resolutionFor(step);
    // 204 with no body; a 400 for a transition no longer available is reported as a validation error.
    await api.raw('POST', path, {
      what: `move issue ${issueId} to ${step.to.name} (transition ${step.name})`,
      body: { transition: { id: step.id }, ...(resolution ? { fields: { resolution } } : {}) },
      // Sent again after a lost answer it fails (no longer offered) or repeats a harmless move.
      idempotent: true,
    });
    current = step.to.id;
    if (exact || target === null) return;
  }
}
