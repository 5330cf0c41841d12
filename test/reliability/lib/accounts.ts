import { startFreshserviceSimulator, type FreshserviceSimulator, type SimulatorOptions } from '../../../src/simulator/freshservice/index.ts';
import { startJiraSimulator, type JiraSimulator } from '../../../src/simulator/jira/index.ts';
import type { Adf, Issue } from '../../../src/simulator/jira/model.ts';
import { groupIds, isTicketMarker, requesterIds, ticketKeyOf } from './dataset.ts';
import type { Rng } from './rng.ts';

/**
 * One simulated helpdesk account as the reliability suite needs it, whatever its platform: what a person
 * does there (make a ticket, write a comment, add a file), what the suite reads back (tickets with their
 * keys, comments and files, as the platform's own state has them, not as the engine saw them), and the
 * hooks on its request stream (every request counted, for the crash test's kill point; writes, for the
 * final run that must write nothing).
 *
 * The platforms' own details live in the adapters below; the suites and the invariant checker speak only
 * this interface. RELIABILITY_PLATFORMS picks the pairs (see parsePlatformPairs).
 */
export type PlatformId = 'freshservice' | 'jira_service_management';
export const PLATFORM_IDS: readonly PlatformId[] = ['freshservice', 'jira_service_management'];

export interface AccountTicket {
  id: string;
  /** `[key …]` of a person-made ticket, carried into its copies' descriptions. */
  key: string | null;
  /** Made by Support Fusion (it carries its marker). */
  copy: boolean;
  subject: string;
  comments: AccountComment[];
  /** Files on the ticket itself (on platforms with ticket-level files only, every file of the ticket). */
  files: string[];
}

export interface AccountComment {
  id: string;
  text: string;
  private: boolean;
  /** Files attached to the comment itself (always empty on platforms whose files live on the ticket). */
  files: string[];
}

export interface NewTicket {
  key: string;
  subject: string;
  description: string;
  createdMs: number;
}

export interface Account {
  platform: PlatformId;
  name: string;
  url: string;
  /** The Freshservice simulator behind a Freshservice account (suites written for Freshservice pairs use it directly). */
  freshservice: FreshserviceSimulator | null;
  /** PUT /api/v1/platform body of the world's administrator. */
  platformSettings(): Record<string, unknown>;
  /** The secret a Test Connection fingerprints (tested-credentials). */
  budgetSecret(): string;
  /** Settings of this side the connection needs (e.g. the Jira project), merged into the side's configuration. */
  sideConfiguration(): Record<string, unknown>;
  /** Files live on comments (true) or only on the ticket (false: a comment's file is added to its ticket). */
  commentFiles: boolean;
  nowMs(): number;
  /** A ticket a person made; `r` draws the platform's own values (group, status, priority…) for it. */
  createTicket(t: NewTicket, r: Rng): string;
  addComment(ticketId: string, c: { body: string; private: boolean; kind: 'reply' | 'note'; atMs?: number }): string;
  addFile(ticketId: string, name: string, commentId?: string): void;
  /** A person renames the ticket (its last-change time moves). */
  editSubject(ticketId: string, subject: string): void;
  tickets(): AccountTicket[];
  /** How many API requests it has answered (the kill point counts these). */
  requestCount(): number;
  /** Called before each API request is answered (after `requestCount` moved). */
  onRequest(fn: (method: string, path: string) => void): void;
  /** Requests that changed something, from the `from`-th request on. */
  writesSince(from: number): Array<{ method: string; path: string }>;
  close(): Promise<void>;
}

export interface PlatformPair {
  source: PlatformId;
  target: PlatformId;
}

export const pairName = (p: PlatformPair) => `${p.source}:${p.target}`;

/**
 * RELIABILITY_PLATFORMS: comma-separated `source:target` pairs, e.g.
 * `freshservice:freshservice,jira_service_management:freshservice`. Unset: the Freshservice pair only.
 */
export function parsePlatformPairs(raw: string | undefined = process.env.RELIABILITY_PLATFORMS): PlatformPair[] {
  const text = raw?.trim();
  if (!text) return [{ source: 'freshservice', target: 'freshservice' }];
  return text.split(',').map((part) => {
    const [source, target, extra] = part.trim().split(':');
    const known = (p: string | undefined): p is PlatformId => PLATFORM_IDS.includes(p as PlatformId);
    if (!known(source) || !known(target) || extra !== undefined)
      throw new Error(`RELIABILITY_PLATFORMS: "${part.trim()}" is not source:target with platforms among ${PLATFORM_IDS.join(', ')}.`);
    return { source, target };
  });
}

export interface AccountOptions {
  /** Freshservice simulator options of this side (fault and rate settings of the default suites). */
  freshservice?: SimulatorOptions;
}

/** Starts an empty account of `platform` named `name` (acme = source, globex = target). */
export async function startAccount(platform: PlatformId, name: string, opts: AccountOptions = {}): Promise<Account> {
  if (platform === 'freshservice')
    return freshserviceAccount(await startFreshserviceSimulator({ name, seed: 'empty', rateLimit: unlimited, ...opts.freshservice }));
  return jiraAccount(await startJiraSimulator({ site: name, seed: 'empty', rateLimit: false }));
}

/**
 * A plan so large it never limits, but with rate-limit headers: the product learns the account's limit
 * from X-RateLimit-Total (without them it assumes the smallest plan, 100 a minute, and paces itself).
 */
export const unlimited = {
  overall: 10_000_000,
  subLimits: {
    list_tickets: 10_000_000,
    view_ticket: 10_000_000,
    create_ticket: 10_000_000,
    update_ticket: 10_000_000,
    list_agents: 10_000_000,
    list_requesters: 10_000_000,
  },
};

const htmlText = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

function hookRequests(sim: { faults: { decide: (method: string, path: string, ...rest: never[]) => unknown } }, fns: Array<(m: string, p: string) => void>) {
  const decide = sim.faults.decide.bind(sim.faults) as (...a: unknown[]) => unknown;
  (sim.faults as { decide: (...a: unknown[]) => unknown }).decide = (...args: unknown[]) => {
    for (const fn of fns) fn(args[0] as string, args[1] as string);
    return decide(...args);
  };
}

export function freshserviceAccount(sim: FreshserviceSimulator): Account {
  const listeners: Array<(m: string, p: string) => void> = [];
  hookRequests(sim as never, listeners);
  const agent = () => sim.state.agentByProfile('supervisor_only')!.id;
  return {
    platform: 'freshservice',
    freshservice: sim,
    name: sim.name,
    url: sim.url,
    platformSettings: () => ({ platform: 'freshservice', apiUrl: sim.url, apiKey: sim.keyFor('admin') }),
    budgetSecret: () => sim.keyFor('admin'),
    sideConfiguration: () => ({}),
    commentFiles: true,
    nowMs: () => sim.state.nowMs(),
    createTicket(t, r) {
      const ticket = sim.state.createTicket({
        subject: t.subject,
        description: t.description,
        requester_id: r.pick(requesterIds(sim)),
        group_id: r.pick(groupIds(sim)),
        status: r.pick([2, 2, 2, 3, 4, 5]),
        priority: r.int(1, 4),
        urgency: r.int(1, 3),
        impact: r.int(1, 3),
        created_at: t.createdMs,
        updated_at: t.createdMs,
      });
      return String(ticket.id);
    },
    addComment(ticketId, c) {
      const conv = sim.state.addConversation(Number(ticketId), {
        kind: c.kind,
        source: c.kind === 'reply' ? 0 : 2,
        private: c.private,
        body: c.body,
        user_id: agent(),
        ...(c.atMs === undefined ? {} : { created_at: c.atMs }),
      });
      return String(conv.id);
    },
    addFile(ticketId, name, commentId) {
      sim.state.addAttachment(
        { ticketId: Number(ticketId), ...(commentId ? { conversationId: Number(commentId) } : {}) },
        { name, content_type: 'text/plain', data: Buffer.from(`file ${name}`) },
      );
    },
    editSubject(ticketId, subject) {
      const t = sim.state.tickets.get(Number(ticketId))!;
      t.subject = subject;
      sim.state.touchTicket(t, sim.state.nowMs());
    },
    tickets: () =>
      [...sim.state.tickets.values()]
        .filter((t) => !t.deleted)
        .map((t) => ({
          id: String(t.id),
          key: ticketKeyOf(htmlText(t.description)),
          copy: t.tags.some(isTicketMarker),
          subject: t.subject,
          files: sim.state.attachmentsOf(t.attachment_ids).map((a) => a.name),
          comments: sim.state.conversationsOf(t.id).map((c) => ({
            id: String(c.id),
            text: htmlText(c.body),
            private: c.private,
            files: sim.state.attachmentsOf(c.attachment_ids).map((a) => a.name),
          })),
        })),
    requestCount: () => sim.requests.length,
    onRequest: (fn) => void listeners.push(fn),
    writesSince: (from) => sim.requests.slice(from).filter((r) => r.path.startsWith('/api/v2') && r.method !== 'GET'),
    close: () => sim.close(),
  };
}

/** The plain text of an ADF document (text nodes joined by spaces). */
function adfText(doc: Adf | null): string {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (!n || typeof n !== 'object') return;
    const node = n as { type?: string; text?: string; content?: unknown[] };
    if (node.type === 'text' && typeof node.text === 'string') out.push(node.text);
    for (const c of node.content ?? []) walk(c);
  };
  walk(doc);
  return out.join(' ').replace(/\s+/g, ' ').trim();
}

export function jiraAccount(sim: JiraSimulator): Account {
  const listeners: Array<(m: string, p: string) => void> = [];
  hookRequests(sim as never, listeners);
  const issue = (id: string): Issue => {
    const i = sim.state.issue(id);
    if (!i) throw new Error(`the Jira simulator has no issue ${id}`);
    return i;
  };
  const customer = () => [...sim.state.users.values()].find((u) => u.accountType === 'customer')!;
  return {
    platform: 'jira_service_management',
    freshservice: null,
    name: sim.site,
    url: sim.url,
    platformSettings: () => ({
      platform: 'jira_service_management',
      apiUrl: sim.url,
      credentials: { email: sim.emailFor('admin'), apiToken: sim.tokenFor('admin') },
    }),
    budgetSecret: () => sim.tokenFor('admin'),
    sideConfiguration: () => ({ sideSettings: { project: 'SUP' } }),
    commentFiles: false,
    nowMs: () => sim.state.now(),
    createTicket(t) {
      const p = sim.state.project('SUP')!;
      const type = p.issueTypes[0]!;
      const reporter = customer().accountId;
      const i = sim.state.createIssue(
        {
          projectId: p.id,
          issueTypeId: type.id,
          summary: t.subject,
          description: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: t.description }] }] },
          statusId: p.initialStatus,
          priorityId: '3',
          assigneeId: null,
          reporterId: reporter,
          creatorId: reporter,
          labels: [],
          resolutionId: null,
          resolutionMs: null,
          custom: {},
          properties: {},
          requestTypeId: p.requestTypes.find((r) => r.issueTypeId === type.id)?.id ?? null,
          participants: [],
          created: t.createdMs,
          updated: t.createdMs,
        },
        reporter,
      );
      return i.id;
    },
    addComment(ticketId, c) {
      const i = issue(ticketId);
      const agent = sim.state.userByProfile('agent')!.accountId;
      const body: Adf = { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: c.body }] }] };
      // JSM: an internal comment is not public and carries the sd.public.comment property.
      return sim.state.addComment(i, agent, body, !c.private, c.private ? { 'sd.public.comment': { internal: true } } : {}, c.atMs).id;
    },
    addFile(ticketId, name) {
      sim.state.addAttachment(issue(ticketId), sim.state.userByProfile('agent')!.accountId, {
        filename: name,
        mimeType: 'text/plain',
        data: Buffer.from(`file ${name}`),
      });
    },
    editSubject(ticketId, subject) {
      sim.editAsPerson(ticketId, { summary: subject });
    },
    tickets: () =>
      [...sim.state.issues.values()].map((i) => ({
        id: i.id,
        key: ticketKeyOf(adfText(i.description)),
        copy: i.labels.some(isTicketMarker),
        subject: i.summary,
        files: sim.state.attachmentsOf(i.id).map((a) => a.filename),
        comments: sim.state.commentsOf(i.id).map((c) => ({ id: c.id, text: adfText(c.body), private: !c.jsdPublic, files: [] })),
      })),
    requestCount: () => sim.requests.length,
    onRequest: (fn) => void listeners.push(fn),
    // Searches are POSTs that change nothing.
    writesSince: (from) => sim.requests.slice(from).filter((r) => r.path.startsWith('/rest/') && r.method !== 'GET' && !r.path.includes('/search')),
    close: () => sim.close(),
  };
}
