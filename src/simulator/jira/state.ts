import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { AdminWebhook, Adf, Attachment, Comment, CustomField, Issue, JiraUser, Project } from './model.ts';

/** Switches for behaviours the public material leaves open or that vary by site (spec 16). */
export interface JiraOptions {
  /** What a failed Basic login gets on issue URLs: 404 "does not exist" (the anonymous fallback, Seen) or 401. */
  badAuthOnIssue: 404 | 401;
  /** Answer messages in French, to catch clients that match on message text [spec 2.2]. */
  locale: 'en' | 'fr';
}

/** A change as a webhook's `changelog.items` entry. */
export interface ChangeItem {
  field: string;
  fieldtype: 'jira' | 'custom';
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

export type SiteEvent =
  | { event: 'jira:issue_created' | 'jira:issue_deleted'; issue: Issue; userId: string }
  | { event: 'jira:issue_updated'; issue: Issue; userId: string; items: ChangeItem[]; typeName: string }
  | { event: 'comment_created' | 'comment_updated' | 'comment_deleted'; issue: Issue; comment: Comment; userId: string };

/** Issues as last indexed, while the search index lags (held: until released; delay: `ms` after the change). */
export type IndexLag = { mode: 'off' } | { mode: 'held' } | { mode: 'delay'; ms: number };

export class JiraState {
  readonly users = new Map<string, JiraUser>();
  readonly projects = new Map<string, Project>();
  readonly issues = new Map<string, Issue>();
  readonly comments = new Map<string, Comment>();
  readonly attachments = new Map<string, Attachment>();
  readonly webhooks = new Map<string, AdminWebhook>();
  /** JSM temporary attachments (attachTemporaryFile), waiting to be attached to a request. */
  readonly temporaryFiles = new Map<string, { deskId: string; filename: string; mimeType: string; data: Buffer }>();
  readonly customFields: CustomField[] = [];
  readonly options: JiraOptions = { badAuthOnIssue: 404, locale: 'en' };
  readonly events = new EventEmitter();
  /** Old keys of moved issues still resolve [spec 5.1]. */
  readonly oldKeys = new Map<string, string>();
  private counters = new Map<string, number>();
  indexLag: IndexLag = { mode: 'off' };
  /** id → the issue as the index last saw it (null: not indexed yet), with when it diverged. */
  readonly stale = new Map<string, { snapshot: Issue | null; since: number }>();

  constructor(
    readonly siteName: string,
    readonly now: () => number,
    /** Time zone new accounts get (the site default). */
    readonly defaultTimeZone: string,
  ) {}

  nextId(kind: 'issue' | 'comment' | 'attachment' | 'webhook' | 'user' | 'project', base: number): string {
    const n = this.counters.get(kind) ?? base;
    this.counters.set(kind, n + 1);
    return String(n);
  }

  token(): string {
    return `ATATT3x${randomBytes(18).toString('base64url')}`;
  }

  project(idOrKey: string): Project | undefined {
    for (const p of this.projects.values()) if (p.id === idOrKey || p.key === idOrKey.toUpperCase()) return p;
    return undefined;
  }

  projectOf(issue: Issue): Project {
    return this.projects.get(issue.projectId)!;
  }

  issue(idOrKey: string): Issue | undefined {
    const byId = this.issues.get(idOrKey);
    if (byId) return byId;
    const key = this.oldKeys.get(idOrKey.toUpperCase()) ?? idOrKey.toUpperCase();
    for (const i of this.issues.values()) if (i.key === key) return i;
    return undefined;
  }

  userByEmail(email: string): JiraUser | undefined {
    const e = email.toLowerCase();
    for (const u of this.users.values()) if (u.email.toLowerCase() === e) return u;
    return undefined;
  }

  userByProfile(profile: string): JiraUser | undefined {
    for (const u of this.users.values()) if (u.profile === profile) return u;
    return undefined;
  }

  /** Records the pre-change version for a lagging index; call before mutating (or creating: pass null). */
  private beforeWrite(id: string, current: Issue | null): void {
    if (this.indexLag.mode === 'off' || this.stale.has(id)) return;
    this.stale.set(id, { snapshot: current ? structuredClone(current) : null, since: this.now() });
  }

  /** What the search index sees of `issue` now: itself, an older copy, or nothing yet. */
  indexed(issue: Issue): Issue | null {
    const s = this.stale.get(issue.id);
    if (!s) return issue;
    if (this.indexLag.mode === 'delay' && this.now() >= s.since + this.indexLag.ms) {
      this.stale.delete(issue.id);
      return issue;
    }
    return s.snapshot;
  }

  setIndexLag(lag: IndexLag): void {
    this.indexLag = lag;
    if (lag.mode === 'off') this.stale.clear();
  }

  createIssue(fields: Omit<Issue, 'id' | 'key' | 'created' | 'updated' | 'statusChangedMs'> & { created?: number; updated?: number }, userId: string): Issue {
    const p = this.projects.get(fields.projectId)!;
    const id = this.nextId('issue', 10000);
    const created = fields.created ?? this.now();
    const issue: Issue = { ...fields, id, key: `${p.key}-${p.nextNumber++}`, created, updated: fields.updated ?? created, statusChangedMs: created };
    this.beforeWrite(id, null);
    this.issues.set(id, issue);
    this.events.emit('change', { event: 'jira:issue_created', issue, userId } satisfies SiteEvent);
    return issue;
  }

  /** Applies `mutate` as one write: bumps `updated`, keeps the index lag honest, announces the change. */
  updateIssue(issue: Issue, userId: string, mutate: (i: Issue) => ChangeItem[], typeName = 'issue_generic', at?: number): ChangeItem[] {
    this.beforeWrite(issue.id, issue);
    const items = mutate(issue);
    issue.updated = Math.max(at ?? this.now(), issue.created);
    this.events.emit('change', { event: 'jira:issue_updated', issue, userId, items, typeName } satisfies SiteEvent);
    return items;
  }

  deleteIssue(issue: Issue, userId: string): void {
    this.issues.delete(issue.id);
    this.stale.delete(issue.id);
    for (const c of [...this.comments.values()]) if (c.issueId === issue.id) this.comments.delete(c.id);
    for (const a of [...this.attachments.values()]) if (a.issueId === issue.id) this.attachments.delete(a.id);
    this.events.emit('change', { event: 'jira:issue_deleted', issue, userId } satisfies SiteEvent);
  }

  addComment(issue: Issue, authorId: string, body: Adf, jsdPublic: boolean, properties: Record<string, unknown> = {}, at?: number): Comment {
    const t = at ?? this.now();
    const comment: Comment = { id: this.nextId('comment', 10000), issueId: issue.id, authorId, body, created: t, updated: t, jsdPublic, properties };
    this.comments.set(comment.id, comment);
    // A new comment bumps the issue's `updated` [spec 7, Inferred].
    this.beforeWrite(issue.id, issue);
    issue.updated = Math.max(issue.updated, t);
    this.events.emit('change', { event: 'comment_created', issue, comment, userId: authorId } satisfies SiteEvent);
    return comment;
  }

  commentsOf(issueId: string): Comment[] {
    return [...this.comments.values()].filter((c) => c.issueId === issueId).sort((a, b) => a.created - b.created || Number(a.id) - Number(b.id));
  }

  attachmentsOf(issueId: string): Attachment[] {
    return [...this.attachments.values()].filter((a) => a.issueId === issueId);
  }

  addAttachment(issue: Issue, authorId: string, file: { filename: string; mimeType: string; data: Buffer }): Attachment {
    const a: Attachment = {
      ...file,
      id: this.nextId('attachment', 10000),
      issueId: issue.id,
      authorId,
      created: this.now(),
      mediaToken: randomBytes(12).toString('hex'),
    };
    this.attachments.set(a.id, a);
    this.updateIssue(issue, authorId, () => [
      { field: 'Attachment', fieldtype: 'jira', fieldId: 'attachment', from: null, fromString: null, to: a.id, toString: a.filename },
    ]);
    return a;
  }
}
