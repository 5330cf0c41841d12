import { adfProblem } from './adf.ts';
import { ADF_REQUIRED, fieldErrors } from './errors.ts';
import { PRIORITIES, RESOLUTIONS, type Adf, type Issue, type Project } from './model.ts';
import type { ChangeItem, JiraState } from './state.ts';

// The field catalogue behind /field, createmeta and editmeta, and the checks a create, edit or transition
// applies to `fields` / `update` [spec 5.3, 12]. Errors are keyed by field id, as Jira's `errors` map is.

export interface FieldInfo {
  id: string;
  name: string;
  custom: boolean;
  schema: Record<string, unknown>;
  onCreate: boolean;
  onEdit: boolean;
  requiredOnCreate: boolean;
  allowedValues?: (v: { base: string }, p: Project) => unknown[];
}

export function fieldCatalogue(state: JiraState): FieldInfo[] {
  const sys = (id: string, name: string, schema: Record<string, unknown>, onCreate: boolean, onEdit: boolean, requiredOnCreate = false): FieldInfo => ({
    id,
    name,
    custom: false,
    schema: { ...schema, system: id },
    onCreate,
    onEdit,
    requiredOnCreate,
  });
  const list: FieldInfo[] = [
    sys('summary', 'Summary', { type: 'string' }, true, true, true),
    sys('description', 'Description', { type: 'string' }, true, true),
    sys('project', 'Project', { type: 'project' }, true, false, true),
    sys('issuetype', 'Issue Type', { type: 'issuetype' }, true, false, true),
    {
      ...sys('priority', 'Priority', { type: 'priority' }, true, true),
      allowedValues: (v) => PRIORITIES.map((p) => ({ self: `${v.base}/rest/api/3/priority/${p.id}`, id: p.id, name: p.name })),
    },
    sys('labels', 'Labels', { type: 'array', items: 'string' }, true, true),
    sys('assignee', 'Assignee', { type: 'user' }, true, true),
    sys('reporter', 'Reporter', { type: 'user' }, true, true),
    sys('status', 'Status', { type: 'status' }, false, false),
    sys('resolution', 'Resolution', { type: 'resolution' }, false, false),
    sys('created', 'Created', { type: 'datetime' }, false, false),
    sys('updated', 'Updated', { type: 'datetime' }, false, false),
    sys('resolutiondate', 'Resolved', { type: 'datetime' }, false, false),
    sys('comment', 'Comment', { type: 'comments-page' }, false, true),
    sys('attachment', 'Attachment', { type: 'array', items: 'attachment' }, true, true),
  ];
  for (const cf of state.customFields) {
    const num = cf.id.replace('customfield_', '');
    const type = cf.type === 'option' ? 'option' : cf.type === 'textarea' ? 'string' : cf.id === 'customfield_10010' ? 'sd-customerrequesttype' : 'string';
    const customKind = cf.type === 'option' ? 'select' : cf.type === 'textarea' ? 'textarea' : 'textfield';
    list.push({
      id: cf.id,
      name: cf.name,
      custom: true,
      schema: { type, custom: `com.atlassian.jira.plugin.system.customfieldtypes:${customKind}`, customId: Number(num) },
      onCreate: cf.id !== 'customfield_10010',
      onEdit: cf.id !== 'customfield_10010',
      requiredOnCreate: cf.requiredOnCreate ?? false,
      ...(cf.options
        ? {
            allowedValues: (v: { base: string }) =>
              cf.options!.map((o) => ({ self: `${v.base}/rest/api/3/customFieldOption/${o.id}`, value: o.value, id: o.id })),
          }
        : {}),
    });
  }
  return list;
}

const notOnScreen = (id: string) => `Field '${id}' cannot be set. It is not on the appropriate screen, or unknown.`;

/** Sets `fields` (and `update` ops) on `issue`; throws 400 with `errors` per field; answers the changes made. */
export function applyFields(
  state: JiraState,
  project: Project,
  issue: Issue,
  fields: Record<string, unknown>,
  update: Record<string, unknown>,
  mode: 'create' | 'edit' | 'transition',
  screen: ReadonlySet<string> = new Set(),
): ChangeItem[] {
  const errors: Record<string, string> = {};
  const changes: ChangeItem[] = [];
  const catalogue = new Map(fieldCatalogue(state).map((f) => [f.id, f]));
  const change = (fieldId: string, from: unknown, to: unknown) => {
    const str = (x: unknown) => (x === null || x === undefined ? null : typeof x === 'string' ? x : JSON.stringify(x));
    if (str(from) !== str(to))
      changes.push({
        field: catalogue.get(fieldId)?.name ?? fieldId,
        fieldtype: fieldId.startsWith('customfield_') ? 'custom' : 'jira',
        fieldId,
        from: null,
        fromString: str(from),
        to: null,
        toString: str(to),
      });
  };
  const ops: Record<string, unknown> = { ...fields };
  for (const [id, list] of Object.entries(update)) {
    if (!Array.isArray(list)) {
      errors[id] = 'Operations must be an array.';
      continue;
    }
    if (id === 'comment') continue; // handled by the caller (transition/edit comment add)
    for (const op of list as Array<Record<string, unknown>>) {
      if (id === 'labels' && op && typeof op === 'object') {
        const cur = new Set((ops.labels as string[] | undefined) ?? issue.labels);
        if (typeof op.add === 'string') cur.add(op.add);
        if (typeof op.remove === 'string') cur.delete(op.remove);
        if (Array.isArray(op.set)) ops.labels = op.set;
        else ops.labels = [...cur];
      } else if (op && typeof op === 'object' && 'set' in op) ops[id] = op.set;
      else errors[id] = `Operation is not supported for field '${id}'.`;
    }
  }
  for (const [id, value] of Object.entries(ops)) {
    const info = catalogue.get(id);
    if (mode === 'edit' && id === 'status') continue; // "issue transition is not supported and is ignored" [spec 5.3]
    const allowed = mode === 'create' ? info?.onCreate : mode === 'edit' ? info?.onEdit : screen.has(id);
    if (!info || !allowed) {
      if (!(mode === 'create' && (id === 'project' || id === 'issuetype'))) errors[id] = notOnScreen(id);
      continue;
    }
    if (id === 'project' || id === 'issuetype') continue;
    const err = setField(state, project, issue, id, value, change, info);
    if (err) errors[id] = err;
  }
  if (mode === 'create') {
    if (!issue.summary.trim()) errors.summary ??= 'You must specify a summary of the issue.';
    for (const f of catalogue.values()) if (f.requiredOnCreate && f.custom && issue.custom[f.id] == null) errors[f.id] ??= `${f.name} is required.`;
  }
  if (Object.keys(errors).length) throw fieldErrors(errors);
  return changes;
}

function setField(
  state: JiraState,
  project: Project,
  issue: Issue,
  id: string,
  value: unknown,
  change: (id: string, from: unknown, to: unknown) => void,
  info: FieldInfo,
): string | null {
  const ref = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : null);
  switch (id) {
    case 'summary':
      if (typeof value !== 'string' || !value.trim()) return 'You must specify a summary of the issue.';
      if (value.length > 255) return 'Summary must be less than 255 characters.';
      change(id, issue.summary, value);
      issue.summary = value;
      return null;
    case 'description':
      if (value !== null && adfProblem(value)) return ADF_REQUIRED;
      change(id, issue.description, value);
      issue.description = value as Adf | null;
      return null;
    case 'priority': {
      const r = ref(value);
      const p = PRIORITIES.find((x) => x.id === r?.id || x.name === r?.name);
      if (!p) return "Specify a valid 'id' or 'name' for Priority";
      change(id, issue.priorityId, p.id);
      issue.priorityId = p.id;
      return null;
    }
    case 'labels':
      if (!Array.isArray(value) || value.some((l) => typeof l !== 'string' || /\s/.test(l) || l.length > 255)) return 'Labels must be strings without spaces.';
      change(id, issue.labels.join(' '), (value as string[]).join(' '));
      issue.labels = [...new Set(value as string[])];
      return null;
    case 'assignee':
    case 'reporter': {
      if (value === null) {
        if (id === 'reporter') return 'Reporter is required.';
        change(id, issue.assigneeId, null);
        issue.assigneeId = null;
        return null;
      }
      // `{accountId}` or, as the docs' create example writes it, `{id}`.
      const u = state.users.get(String(ref(value)?.accountId ?? ref(value)?.id ?? ''));
      const ok = u && u.active && (id === 'reporter' || (u.accountType === 'atlassian' && u.canWrite));
      if (!ok) return `Specify a valid value for ${id}`;
      change(id, id === 'assignee' ? issue.assigneeId : issue.reporterId, u.accountId);
      if (id === 'assignee') issue.assigneeId = u.accountId;
      else issue.reporterId = u.accountId;
      return null;
    }
    case 'resolution': {
      const r = ref(value);
      const res = RESOLUTIONS.find((x) => x.id === r?.id || x.name === r?.name);
      if (!res) return "Specify a valid 'id' or 'name' for Resolution";
      issue.resolutionId = res.id;
      return null;
    }
    case 'attachment':
      return null;
  }
  const cf = state.customFields.find((c) => c.id === id);
  if (!cf) return notOnScreen(id);
  let next: unknown = value;
  if (value !== null) {
    if (cf.type === 'option') {
      const r = ref(value);
      const o = cf.options?.find((x) => x.id === r?.id || x.value === r?.value);
      if (!o) return `Option value '${String(r?.value ?? r?.id ?? (value as string))}' is not valid`;
      next = { self: `/rest/api/3/customFieldOption/${o.id}`, value: o.value, id: o.id };
    } else if (cf.type === 'textarea') {
      if (adfProblem(value)) return ADF_REQUIRED;
    } else if (typeof value !== 'string') return `${info.name} must be a string.`;
  }
  void project;
  change(id, issue.custom[id] ?? null, next);
  issue.custom[id] = next;
  return null;
}
