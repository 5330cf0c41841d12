import { createHash } from 'node:crypto';
import { paragraphDoc } from './adf.ts';
import type { JiraUser, Project } from './model.ts';
import type { JiraState } from './state.ts';

export type JiraSeedName = 'demo' | 'empty' | 'two-projects';

/** Profiles tests and demos log in as: admin (site admin), agent, readonly (browse only), expired (token past expiry). */
export const jiraProfiles = [
  { profile: 'admin', displayName: 'Sync Admin', admin: true, canWrite: true },
  { profile: 'agent', displayName: 'Alex Agent', admin: false, canWrite: true },
  { profile: 'readonly', displayName: 'Rae Reader', admin: false, canWrite: false },
  { profile: 'expired', displayName: 'Old Token', admin: false, canWrite: true },
] as const;

const hash = (s: string) => createHash('sha256').update(s).digest('hex');

/** Deterministic per site + profile so demos and tests can hard-code them. */
export function jiraTokenFor(site: string, profile: string): string {
  return `ATATT3x${hash(`${site}:${profile}:token`).slice(0, 32)}`;
}

function accountId(site: string, what: string, customer = false): string {
  const h = hash(`${site}:${what}`);
  return customer
    ? `qm:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}:${h.slice(32, 40)}`
    : `712020:${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function addCustomer(state: JiraState, email: string, displayName: string): JiraUser {
  const u: JiraUser = {
    accountId: accountId(state.siteName, `customer:${email.toLowerCase()}`, true),
    email,
    displayName,
    timeZone: state.defaultTimeZone,
    accountType: 'customer',
    active: true,
    token: null,
    tokenExpiresMs: null,
    admin: false,
    canWrite: false,
    profile: null,
  };
  state.users.set(u.accountId, u);
  return u;
}

function supProject(): Project {
  return {
    id: '10000',
    key: 'SUP',
    name: 'Support',
    projectTypeKey: 'service_desk',
    issueTypes: [
      { id: '10100', name: 'Service Request', description: 'A request for help or information.' },
      { id: '10101', name: 'Incident', description: 'Something is broken.' },
    ],
    statuses: [
      { id: '10001', name: 'Waiting for support', category: 'new' },
      { id: '10002', name: 'In Progress', category: 'indeterminate' },
      { id: '10003', name: 'Waiting for customer', category: 'indeterminate' },
      { id: '10004', name: 'Resolved', category: 'done' },
      { id: '10005', name: 'Closed', category: 'done' },
      { id: '10006', name: 'Canceled', category: 'done' },
    ],
    // JSM-style workflow: not every status is reachable from every other (reopen first, then start work).
    transitions: [
      { id: '11', name: 'Start work', to: '10002', from: ['10001', '10003'], resolutionScreen: false },
      { id: '21', name: 'Respond to customer', to: '10003', from: ['10001', '10002'], resolutionScreen: false },
      { id: '31', name: 'Resolve this issue', to: '10004', from: ['10001', '10002', '10003'], resolutionScreen: true },
      { id: '41', name: 'Close', to: '10005', from: ['10004'], resolutionScreen: false },
      { id: '51', name: 'Cancel request', to: '10006', from: ['10001', '10002', '10003'], resolutionScreen: true },
      { id: '61', name: 'Reopen', to: '10001', from: ['10004', '10005', '10006'], resolutionScreen: false },
      { id: '71', name: 'Back to waiting for support', to: '10001', from: ['10002', '10003'], resolutionScreen: false },
    ],
    initialStatus: '10001',
    serviceDeskId: '1',
    // Forms as an admin sets them up: one shows Labels (optional), one a priority and a hidden field with a preset.
    requestTypes: [
      {
        id: '1',
        name: 'Get IT help',
        issueTypeId: '10100',
        description: 'Ask the IT team for help.',
        fields: [
          { fieldId: 'summary', name: 'What do you need?', required: true, visible: true },
          { fieldId: 'description', name: 'Why do you need this?', required: false, visible: true },
          { fieldId: 'labels', name: 'Labels', required: false, visible: true },
        ],
      },
      {
        id: '2',
        name: 'Report a system problem',
        issueTypeId: '10101',
        description: 'Tell us what is broken.',
        fields: [
          { fieldId: 'summary', name: 'Summary', required: true, visible: true },
          { fieldId: 'description', name: 'What happened?', required: false, visible: true },
          { fieldId: 'priority', name: 'How urgent is it?', required: false, visible: true },
          { fieldId: 'customfield_10060', name: 'External reference', required: true, visible: false, preset: 'portal' },
        ],
      },
    ],
    nextNumber: 1,
  };
}

function kanProject(): Project {
  return {
    id: '10001',
    key: 'KAN',
    name: 'Kanban',
    projectTypeKey: 'software',
    issueTypes: [
      { id: '10001', name: 'Task', description: 'A small piece of work.' },
      { id: '10002', name: 'Bug', description: 'A problem.' },
    ],
    statuses: [
      { id: '10000', name: 'To Do', category: 'new' },
      { id: '10010', name: 'In Progress', category: 'indeterminate' },
      { id: '10011', name: 'Done', category: 'done' },
    ],
    // Team-managed style: global transitions 11/21/31 [Seen]; Done sets the resolution by post-function.
    transitions: [
      { id: '11', name: 'To Do', to: '10000', from: [], resolutionScreen: false },
      { id: '21', name: 'In Progress', to: '10010', from: [], resolutionScreen: false },
      { id: '31', name: 'Done', to: '10011', from: [], resolutionScreen: false },
    ],
    initialStatus: '10000',
    serviceDeskId: null,
    requestTypes: [],
    nextNumber: 1,
  };
}

export function seedJira(state: JiraState, seed: JiraSeedName): void {
  const site = state.siteName;
  for (const p of jiraProfiles) {
    const u: JiraUser = {
      accountId: accountId(site, p.profile),
      email: `${p.profile === 'admin' ? 'sync' : p.profile}@${site}.example`,
      displayName: p.displayName,
      timeZone: state.defaultTimeZone,
      accountType: 'atlassian',
      active: true,
      token: jiraTokenFor(site, p.profile),
      tokenExpiresMs: p.profile === 'expired' ? Date.UTC(2026, 4, 12) : null,
      admin: p.admin,
      canWrite: p.canWrite,
      profile: p.profile,
    };
    state.users.set(u.accountId, u);
  }
  state.customFields.push(
    { id: 'customfield_10010', name: 'Request Type', type: 'string' },
    {
      id: 'customfield_10050',
      name: 'Impact',
      type: 'option',
      options: [
        { id: '10100', value: 'High' },
        { id: '10101', value: 'Medium' },
        { id: '10102', value: 'Low' },
      ],
    },
    { id: 'customfield_10060', name: 'External reference', type: 'string' },
    { id: 'customfield_10070', name: 'Root cause', type: 'textarea' },
  );
  const sup = supProject();
  state.projects.set(sup.id, sup);
  if (seed === 'two-projects') state.projects.set(kanProject().id, kanProject());
  const customer = addCustomer(state, `carla.customer@${site}-client.example`, 'Carla Customer');
  if (seed !== 'demo') return;
  const admin = state.userByProfile('admin')!;
  const start = state.now() - 3 * 3600_000;
  const samples = ['Printer on floor 2 is jammed', 'VPN drops every hour', 'New laptop for Sam'];
  samples.forEach((summary, n) => {
    const t = start + n * 600_000;
    const issue = state.createIssue(
      {
        projectId: sup.id,
        issueTypeId: n === 1 ? '10101' : '10100',
        summary,
        description: paragraphDoc(`${summary}. Reported through the portal.`),
        statusId: sup.initialStatus,
        priorityId: '3',
        assigneeId: null,
        reporterId: customer.accountId,
        creatorId: customer.accountId,
        labels: [],
        resolutionId: null,
        resolutionMs: null,
        custom: {},
        properties: {},
        requestTypeId: n === 1 ? '2' : '1',
        participants: [],
        created: t,
      },
      customer.accountId,
    );
    state.addComment(issue, admin.accountId, paragraphDoc('Looking into it.'), true, {}, t + 60_000);
    state.addComment(
      issue,
      admin.accountId,
      paragraphDoc('Internal: check the asset register first.'),
      false,
      { 'sd.public.comment': { internal: true } },
      t + 120_000,
    );
  });
}
