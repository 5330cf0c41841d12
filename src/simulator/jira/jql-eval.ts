import { adfText } from './adf.ts';
import { badRequest } from './errors.ts';
import { CATEGORIES, PRIORITIES, RESOLUTIONS, type Issue, type JiraUser } from './model.ts';
import type { JqlNode, JqlQuery, JqlValue } from './jql-parse.ts';
import type { JiraState } from './state.ts';
import { parseJqlDate } from './time.ts';

export interface JqlContext {
  state: JiraState;
  user: JiraUser | null;
  now: number;
}

type Scalar = string | number | null;

const DATE_FIELDS = new Set(['updated', 'created', 'resolutiondate', 'resolved', 'statuscategorychangedate']);
const ALIASES: Record<string, string> = { issuekey: 'key', type: 'issuetype', resolved: 'resolutiondate' };

function canonical(field: string): string {
  // Property keys keep their case; only the clause name is case-insensitive.
  if (/^issue\.property\[/i.test(field)) return `issue.property[${field.slice('issue.property['.length)}`;
  const f = field.toLowerCase();
  const cf = /^cf\[(\d+)\]$/.exec(f);
  if (cf) return `customfield_${cf[1]}`;
  return ALIASES[f] ?? f;
}

/** The value(s) of `field` on `issue` as JQL compares them (names, lower-cased; dates as ms; keys as sort tuples elsewhere). */
function fieldValues(ctx: JqlContext, issue: Issue, field: string): Scalar[] {
  const s = ctx.state;
  const p = s.projectOf(issue);
  const status = p.statuses.find((x) => x.id === issue.statusId)!;
  switch (field) {
    case 'project':
      return [p.key, p.id, p.name];
    case 'key':
    case 'id':
      return [issue.key, issue.id];
    case 'issuetype': {
      const t = p.issueTypes.find((x) => x.id === issue.issueTypeId);
      return t ? [t.name, t.id] : [null];
    }
    case 'status':
      return [status.name, status.id];
    case 'statuscategory': {
      const c = CATEGORIES[status.category];
      return [status.category, c.name, String(c.id)];
    }
    case 'priority': {
      const pr = PRIORITIES.find((x) => x.id === issue.priorityId);
      return pr ? [pr.name, pr.id] : [null];
    }
    case 'resolution': {
      const r = RESOLUTIONS.find((x) => x.id === issue.resolutionId);
      return r ? [r.name, r.id] : [null];
    }
    case 'assignee':
    case 'reporter': {
      const u = s.users.get((field === 'assignee' ? issue.assigneeId : issue.reporterId) ?? '');
      return u ? [u.accountId, u.email] : [null];
    }
    case 'labels':
      return issue.labels.length ? issue.labels : [null];
    case 'updated':
      return [issue.updated];
    case 'created':
      return [issue.created];
    case 'resolutiondate':
      return [issue.resolutionMs];
    case 'statuscategorychangedate':
      return [issue.statusChangedMs];
    case 'summary':
      return [issue.summary];
    case 'description':
      return [adfText(issue.description)];
    case 'text':
      return [issue.summary, adfText(issue.description), ...s.commentsOf(issue.id).map((c) => adfText(c.body))];
    case 'comment':
      return s.commentsOf(issue.id).map((c) => adfText(c.body));
  }
  const prop = /^issue\.property\[([^\]]+)\](?:\.(.+))?$/.exec(field);
  if (prop) {
    // The key may be quoted: issue.property["support-fusion.marker"].marker.
    let v: unknown = issue.properties[prop[1]!.replace(/^(["'])(.*)\1$/, '$2')];
    for (const part of prop[2]?.split('.') ?? []) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
    return v === undefined || v === null ? [null] : [typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean)];
  }
  const cf = s.customFields.find((c) => c.id === field || c.name.toLowerCase() === field);
  if (cf) {
    const v = issue.custom[cf.id];
    if (v === undefined || v === null) return [null];
    if (typeof v === 'object' && 'value' in (v as object)) return [String((v as { value: unknown }).value)];
    return [typeof v === 'object' ? adfText(v as never) : String(v as string)];
  }
  throw badRequest(`Field '${field}' does not exist or you do not have permission to view it.`);
}

function literal(ctx: JqlContext, field: string, v: JqlValue): Scalar {
  if (v.kind === 'empty') return null;
  if (v.kind === 'function') {
    if (v.name === 'currentuser') return ctx.user?.accountId ?? '\u0000anonymous';
    if (v.name === 'now') return ctx.now;
    throw badRequest(`Error in the JQL Query: The function '${v.name}' is not supported here.`);
  }
  if (DATE_FIELDS.has(field)) {
    const ms = parseJqlDate(v.text, ctx.user?.timeZone ?? ctx.state.defaultTimeZone, ctx.now);
    if (ms === null)
      throw badRequest(
        `Date value '${v.text}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
      );
    return ms;
  }
  return v.text;
}

/** Values a user may name must exist (Jira answers 400 for an unknown project or status, also when merely hidden). */
function checkKnown(ctx: JqlContext, field: string, v: Scalar): void {
  if (typeof v !== 'string') return;
  const s = ctx.state;
  const lower = v.toLowerCase();
  const known =
    field === 'project'
      ? ctx.user !== null && [...s.projects.values()].some((p) => [p.key, p.id, p.name].some((x) => x.toLowerCase() === lower))
      : field === 'status'
        ? [...s.projects.values()].some((p) => p.statuses.some((x) => x.name.toLowerCase() === lower || x.id === v))
        : true;
  if (!known) throw badRequest(`The value '${v}' does not exist for the field '${field}'.`);
}

function keyOrder(a: string, b: string): number {
  const [pa, na] = a.split('-');
  const [pb, nb] = b.split('-');
  return pa === pb ? Number(na) - Number(nb) : (pa ?? '').localeCompare(pb ?? '');
}

function compare(field: string, a: Scalar, b: Scalar): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (field === 'key' && typeof a === 'string' && typeof b === 'string' && /-\d+$/.test(b)) return keyOrder(a.toUpperCase(), b.toUpperCase());
  return String(a).toLowerCase().localeCompare(String(b).toLowerCase());
}

function evalNode(ctx: JqlContext, issue: Issue, node: JqlNode): boolean {
  if (node.kind !== 'clause') {
    if (node.kind === 'not') return !evalNode(ctx, issue, node.inner);
    return node.kind === 'and'
      ? evalNode(ctx, issue, node.left) && evalNode(ctx, issue, node.right)
      : evalNode(ctx, issue, node.left) || evalNode(ctx, issue, node.right);
  }
  const n = node;
  const field = canonical(n.field);
  const have = fieldValues(ctx, issue, field);
  const want = n.values.map((v) => literal(ctx, field, v));
  if (n.op !== '~' && n.op !== '!~') want.forEach((w) => checkKnown(ctx, field, w));
  const eq = (w: Scalar) => have.some((h) => (h === null || w === null ? h === w : compare(field, h, w) === 0));
  const contains = (w: Scalar) => have.some((h) => h !== null && String(h).toLowerCase().includes(String(w).toLowerCase()));
  switch (n.op) {
    case 'is':
    case '=':
      return eq(want[0]!);
    case 'is not':
    case '!=':
      return !eq(want[0]!);
    case 'in':
      return want.some(eq);
    case 'not in':
      return !want.some(eq);
    case '~':
      return contains(want[0]!);
    case '!~':
      return !contains(want[0]!);
    default: {
      const w = want[0]!;
      // `key > SUP-5` compares keys, `id > 10005` ids: never a key against an id.
      const comparable = field === 'key' ? have.filter((h) => /^\d+$/.test(String(h)) === /^\d+$/.test(String(w))) : have;
      return comparable.some((h) => {
        if (h === null || w === null) return false;
        const c = compare(field, h, w);
        return n.op === '>' ? c > 0 : n.op === '>=' ? c >= 0 : n.op === '<' ? c < 0 : c <= 0;
      });
    }
  }
}

export function matches(ctx: JqlContext, q: JqlQuery, issue: Issue): boolean {
  return q.where === null || evalNode(ctx, issue, q.where);
}

/** Sort tuple for `issue` under the query's ORDER BY (Jira's default when absent: key DESC [Inferred]), id last as tie-break. */
export function sortTuple(ctx: JqlContext, q: JqlQuery, issue: Issue): Scalar[] {
  const order = q.order.length ? q.order : [{ field: 'key', dir: 'desc' as const }];
  return [
    ...order.map(({ field }) => {
      const f = canonical(field);
      if (f === 'key') return issue.key;
      if (f === 'priority') return Number(issue.priorityId ?? 99);
      return fieldValues(ctx, issue, f)[0] ?? null;
    }),
    Number(issue.id),
  ];
}

export function compareTuples(q: JqlQuery, a: Scalar[], b: Scalar[]): number {
  const order = q.order.length ? q.order : [{ field: 'key', dir: 'desc' as const }];
  for (let i = 0; i < a.length; i++) {
    const field = canonical(order[i]?.field ?? 'id');
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    let c = x === null || y === null ? (x === y ? 0 : x === null ? 1 : -1) : compare(field, x, y);
    if (order[i]?.dir === 'desc') c = -c;
    if (c !== 0) return c;
  }
  return 0;
}
