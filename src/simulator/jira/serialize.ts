import { CATEGORIES, PRIORITIES, RESOLUTIONS, type Attachment, type Comment, type Issue, type JiraUser, type Project, type Status } from './model.ts';
import type { JiraState } from './state.ts';
import { jiraTime } from './time.ts';

/** What every serialiser needs: the request's base URL (self links follow the host asked) and the caller's zone. */
export interface View {
  state: JiraState;
  base: string;
  site: string;
  tz: string;
}

const avatar = (id: string) => {
  const u = `https://avatar-management.example/initials/${encodeURIComponent(id.slice(-4))}.png`;
  return { '48x48': u, '24x24': u, '16x16': u, '32x32': u };
};

export function userJson(v: View, u: JiraUser | undefined | null): Record<string, unknown> | null {
  if (!u) return null;
  return {
    self: `${v.base}/rest/api/3/user?accountId=${encodeURIComponent(u.accountId)}`,
    accountId: u.accountId,
    emailAddress: u.email,
    avatarUrls: avatar(u.accountId),
    displayName: u.displayName,
    active: u.active,
    timeZone: u.timeZone,
    accountType: u.accountType,
  };
}

export function statusJson(v: View, s: Status): Record<string, unknown> {
  const c = CATEGORIES[s.category];
  return {
    self: `${v.base}/rest/api/3/status/${s.id}`,
    description: '',
    iconUrl: `${v.site}/images/icons/statuses/generic.png`,
    name: s.name,
    id: s.id,
    statusCategory: { self: `${v.base}/rest/api/3/statuscategory/${c.id}`, id: c.id, key: s.category, colorName: c.colorName, name: c.name },
  };
}

export function priorityJson(v: View, id: string | null): Record<string, unknown> | null {
  const p = PRIORITIES.find((x) => x.id === id);
  return p
    ? { self: `${v.base}/rest/api/3/priority/${p.id}`, iconUrl: `${v.site}/images/icons/priorities/${p.name.toLowerCase()}.svg`, name: p.name, id: p.id }
    : null;
}

export function resolutionJson(v: View, id: string | null): Record<string, unknown> | null {
  const r = RESOLUTIONS.find((x) => x.id === id);
  return r ? { self: `${v.base}/rest/api/3/resolution/${r.id}`, id: r.id, description: r.description, name: r.name } : null;
}

export function issueTypeJson(v: View, p: Project, id: string): Record<string, unknown> | null {
  const t = p.issueTypes.find((x) => x.id === id);
  if (!t) return null;
  return {
    self: `${v.base}/rest/api/3/issuetype/${t.id}`,
    id: t.id,
    description: t.description,
    iconUrl: `${v.site}/rest/api/2/universal_avatar/view/type/issuetype/avatar/10318?size=medium`,
    name: t.name,
    subtask: false,
    avatarId: 10318,
    hierarchyLevel: 0,
  };
}

export function projectJson(v: View, p: Project): Record<string, unknown> {
  return {
    self: `${v.base}/rest/api/3/project/${p.id}`,
    id: p.id,
    key: p.key,
    name: p.name,
    projectTypeKey: p.projectTypeKey,
    simplified: p.projectTypeKey === 'software',
    avatarUrls: avatar(p.id),
  };
}

export function commentJson(v: View, c: Comment): Record<string, unknown> {
  const author = userJson(v, v.state.users.get(c.authorId));
  return {
    self: `${v.base}/rest/api/3/issue/${c.issueId}/comment/${c.id}`,
    id: c.id,
    author,
    body: c.body,
    updateAuthor: author,
    created: jiraTime(c.created, v.tz),
    updated: jiraTime(c.updated, v.tz),
    jsdPublic: c.jsdPublic,
  };
}

export function attachmentJson(v: View, a: Attachment): Record<string, unknown> {
  return {
    self: `${v.base}/rest/api/3/attachment/${a.id}`,
    id: a.id,
    filename: a.filename,
    author: userJson(v, v.state.users.get(a.authorId)),
    created: jiraTime(a.created, v.tz),
    size: a.data.length,
    mimeType: a.mimeType,
    content: `${v.base}/rest/api/3/attachment/content/${a.id}`,
  };
}

/** Every field of an issue as GET issue returns it; `pick` filters them afterwards. */
export function allFields(v: View, i: Issue): Record<string, unknown> {
  const s = v.state;
  const p = s.projectOf(i);
  const status = p.statuses.find((x) => x.id === i.statusId)!;
  const st = statusJson(v, status);
  const comments = s.commentsOf(i.id);
  const fields: Record<string, unknown> = {
    summary: i.summary,
    description: i.description,
    status: st,
    statusCategory: st.statusCategory,
    statuscategorychangedate: jiraTime(i.statusChangedMs, v.tz),
    issuetype: issueTypeJson(v, p, i.issueTypeId),
    priority: priorityJson(v, i.priorityId),
    project: projectJson(v, p),
    reporter: userJson(v, s.users.get(i.reporterId ?? '')),
    creator: userJson(v, s.users.get(i.creatorId)),
    assignee: userJson(v, s.users.get(i.assigneeId ?? '')),
    created: jiraTime(i.created, v.tz),
    updated: jiraTime(i.updated, v.tz),
    resolution: resolutionJson(v, i.resolutionId),
    resolutiondate: i.resolutionMs === null ? null : jiraTime(i.resolutionMs, v.tz),
    labels: [...i.labels],
    components: [],
    fixVersions: [],
    duedate: null,
    environment: null,
    issuelinks: [],
    subtasks: [],
    watches: { self: `${v.base}/rest/api/3/issue/${i.key}/watchers`, watchCount: 1, isWatching: false },
    comment: {
      comments: comments.map((c) => commentJson(v, c)),
      self: `${v.base}/rest/api/3/issue/${i.id}/comment`,
      maxResults: comments.length,
      total: comments.length,
      startAt: 0,
    },
    attachment: s.attachmentsOf(i.id).map((a) => attachmentJson(v, a)),
  };
  for (const cf of s.customFields) {
    if (cf.id === 'customfield_10010') {
      const rt = p.requestTypes.find((r) => r.id === i.requestTypeId);
      fields[cf.id] = rt
        ? {
            requestType: { id: rt.id, name: rt.name, serviceDeskId: p.serviceDeskId },
            currentStatus: { status: status.name, statusCategory: status.category.toUpperCase() },
          }
        : null;
    } else fields[cf.id] = i.custom[cf.id] ?? null;
  }
  return fields;
}

/**
 * `fields` as Jira reads it: absent → `dflt` (`*all` for GET issue, `id` for search/jql); a comma list with
 * `*all`, `*navigable`, names, and `-name` exclusions. Answers null for "all".
 */
export function fieldSelection(raw: string | string[] | undefined, dflt: '*all' | 'id'): Set<string> | null {
  const given = Array.isArray(raw) ? (raw.length ? raw.join(',') : undefined) : raw;
  const list = (given ?? dflt)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.some((f) => f === '*all' || f === '*navigable')) {
    const minus = list.filter((f) => f.startsWith('-'));
    return minus.length ? new Set(['*except', ...minus.map((m) => m.slice(1))]) : null;
  }
  return new Set(list);
}

export function issueJson(v: View, i: Issue, pick: Set<string> | null, properties: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: i.id,
    self: `${v.base}/rest/api/3/issue/${i.id}`,
    key: i.key,
  };
  const all = allFields(v, i);
  let fields: Record<string, unknown> = all;
  if (pick && pick.has('*except')) fields = Object.fromEntries(Object.entries(all).filter(([k]) => !pick.has(k)));
  else if (pick) fields = Object.fromEntries(Object.entries(all).filter(([k]) => pick.has(k)));
  if (!pick || pick.size > 1 || !pick.has('id')) out.fields = fields;
  if (properties.length) out.properties = Object.fromEntries(properties.filter((k) => k in i.properties).map((k) => [k, i.properties[k]]));
  return out;
}
