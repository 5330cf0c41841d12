import type { FieldChoice, FieldDefinition } from '../../core/connector.ts';
import type { JiraContext } from './context.ts';
import { statusCategoryOf } from './mapping.ts';
import { customFieldDefinitions } from './custom-fields.ts';
import { ListingRepeats } from './listing-repeats.ts';
import type { StatusTarget } from './transitions.ts';
import { AllStatuses, PriorityPage, ProjectStatuses, type JiraStatus } from './payloads.ts';

const statusChoice = (s: JiraStatus): FieldChoice => ({ value: s.id, label: s.name, category: statusCategoryOf(s.statusCategory?.key, s.name) });

/** The project's statuses (of one issue type when given). */
async function projectStatuses(ctx: JiraContext, ticketType: string | undefined): Promise<JiraStatus[]> {
  const key = ctx.configuredProject ?? (await ctx.project());
  const perType = await ctx.api.json('GET', `/rest/api/3/project/${encodeURIComponent(key)}/statuses`, ProjectStatuses, {
    what: `list the statuses of project ${key}`,
    allow404: true,
  });
  const list = perType
    ? (ticketType && perType.some((t) => t.name === ticketType) ? perType.filter((t) => t.name === ticketType) : perType).flatMap((t) => t.statuses)
    : await ctx.api.json('GET', '/rest/api/3/status', AllStatuses, { what: 'list the statuses' });
  const byId = new Map<string, JiraStatus>();
  for (const s of list) if (!byId.has(s.id)) byId.set(s.id, s);
  return [...byId.values()];
}

const statuses = async (ctx: JiraContext, ticketType: string | undefined) => (await projectStatuses(ctx, ticketType)).map(statusChoice);

/** The project status a written value names (its id, else its name), for choosing transitions; null when none. */
export async function statusTarget(ctx: JiraContext, wanted: string): Promise<StatusTarget | null> {
  const all = await projectStatuses(ctx, undefined);
  const s = all.find((x) => x.id === wanted) ?? all.find((x) => x.name.toLowerCase() === wanted.trim().toLowerCase());
  return s ? { id: s.id, name: s.name, categoryKey: (s.statusCategory?.key ?? '').toLowerCase() } : null;
}

/** Priorities in Jira's order, highest first: the order is the rank. */
async function priorities(ctx: JiraContext): Promise<FieldChoice[]> {
  const out: FieldChoice[] = [];
  const what = 'list the priorities';
  const repeats = new ListingRepeats(what);
  for (let startAt = 0, n = 0; n < ctx.api.limits.maxListPages; n++) {
    const page = await ctx.api.json('GET', '/rest/api/3/priority/search', PriorityPage, { what, query: { startAt, maxResults: 100 } });
    const fresh = new Set(
      repeats.page(
        page.startAt ?? startAt,
        page.values.map((p) => p.id),
      ),
    );
    out.push(...page.values.filter((p) => fresh.delete(p.id)).map((p) => ({ value: p.id, label: p.name })));
    if (page.isLast !== false || page.values.length === 0) return out;
    startAt += page.values.length;
  }
  throw ctx.api.tooManyPages(what);
}

/** Status (transitions), priority and issue type with their roles; loaded live for the side's project. */
export async function fieldDefinitions(ctx: JiraContext, ticketType?: string): Promise<FieldDefinition[]> {
  const [statusChoices, priorityChoices, project] = await Promise.all([statuses(ctx, ticketType), priorities(ctx), ctx.projectDetail()]);
  const creatable = (project.issueTypes ?? []).filter((t) => !t.subtask);
  const types = creatable.map((t) => ({ value: t.name, label: t.name }));
  const byName = (name: string | undefined) => (name ? creatable.find((t) => t.name.toLowerCase() === name.trim().toLowerCase()) : undefined);
  const chosen = byName(ticketType) ?? byName(ctx.issueType) ?? creatable[0];
  const custom = chosen ? await customFieldDefinitions(ctx, chosen.id) : [];
  return [
    { name: 'status', label: 'Status', kind: 'picklist', role: 'status', choices: statusChoices, requiredForClosure: false, alwaysFilled: true },
    // The contract lists a rank role's choices least urgent first (mapping by rank relies on it); Jira lists highest first.
    {
      name: 'priority',
      label: 'Priority',
      kind: 'picklist',
      role: 'priority',
      choices: [...priorityChoices].reverse(),
      requiredForClosure: false,
      alwaysFilled: true,
    },
    { name: 'issuetype', label: 'Issue type', kind: 'picklist', role: 'type', choices: types, requiredForClosure: false, alwaysFilled: true },
    ...custom,
  ];
}
