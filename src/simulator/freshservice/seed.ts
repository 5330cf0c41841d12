import type { AgentRole, RoleName, User } from './model.ts';
import { DAY_MS, SimulatorState } from './state.ts';
import { apiKeyFor } from './util.ts';

export type SeedName = 'demo' | 'empty';

export interface AgentProfile {
  profile: string;
  first_name: string;
  last_name: string;
  description: string;
  roles: RoleName[];
  scope: 'all' | 'selected';
  active: boolean;
  api_key_enabled: boolean;
}

const ticketRoles: RoleName[] = ['IT Agent', 'IT Supervisor', 'Account Admin'];

/** One agent per permission situation the sync service must recognise in "Test Connection". */
export const agentProfiles: AgentProfile[] = [
  {
    profile: 'admin',
    first_name: 'Support',
    last_name: 'Fusion',
    description: 'Integration agent, correctly configured: IT Agent + IT Supervisor + Account Admin, all groups',
    roles: ticketRoles,
    scope: 'all',
    active: true,
    api_key_enabled: true,
  },
  {
    profile: 'selected',
    first_name: 'Nadia',
    last_name: 'Okafor',
    description: 'All three roles but Member of Selected Groups (Network Team only)',
    roles: ticketRoles,
    scope: 'selected',
    active: true,
    api_key_enabled: true,
  },
  {
    profile: 'agent_only',
    first_name: 'Tom',
    last_name: 'Becker',
    description: 'IT Agent only: no IT Supervisor, no Account Admin (403 on /roles, /agents, /requesters)',
    roles: ['IT Agent'],
    scope: 'all',
    active: true,
    api_key_enabled: true,
  },
  {
    profile: 'supervisor_only',
    first_name: 'Grace',
    last_name: 'Liu',
    description: 'IT Supervisor only: tickets yes, admin APIs no',
    roles: ['IT Supervisor'],
    scope: 'all',
    active: true,
    api_key_enabled: true,
  },
  {
    profile: 'no_api_key',
    first_name: 'Omar',
    last_name: 'Haddad',
    description: 'All three roles but api_key_enabled false: every call 401',
    roles: ticketRoles,
    scope: 'all',
    active: true,
    api_key_enabled: false,
  },
  {
    profile: 'inactive',
    first_name: 'Lena',
    last_name: 'Fischer',
    description: 'All three roles but deactivated: every call 401',
    roles: ticketRoles,
    scope: 'all',
    active: false,
    api_key_enabled: true,
  },
];

const roleDescriptions: Record<RoleName, [string, 1 | 2]> = {
  'Account Admin': ['Has complete control over the help desk including access to Account or Billing related information, and receives Invoices.', 1],
  'Workspace Admin': ['Can configure all features of the workspaces they administer.', 1],
  'IT Supervisor': ['Can perform all agent related activities and access reports, but cannot access or change configurations in the Admin tab.', 2],
  'IT Agent': ['Can log, view, reply, update and resolve tickets.', 2],
  'Problem Manager': ['Can manage problems.', 2],
  'Change Manager': ['Can manage changes.', 2],
};

export function seedState(state: SimulatorState, seed: SeedName): void {
  seedAccount(state);
  if (seed === 'demo') seedDemoTickets(state);
}

function seedAccount(state: SimulatorState): void {
  const t0 = state.nowMs() - 400 * DAY_MS; // account "created" a while ago
  const domain = `${state.name}.example.com`;
  state.workspaces.set(2, {
    id: 2,
    name: 'IT',
    description: null,
    type: 'workspace',
    primary: true,
    restricted: false,
    state: 'active',
    template_name: 'it',
    created_at: t0,
    updated_at: t0,
  });
  state.workspaces.set(3, {
    id: 3,
    name: 'HR',
    description: '',
    type: 'workspace',
    primary: false,
    restricted: false,
    state: 'active',
    template_name: 'hr',
    created_at: t0,
    updated_at: t0,
  });

  for (const [name, description] of [
    ['IT', 'Information technology'],
    ['Finance', 'Accounts payable and receivable'],
    ['Sales', 'Field and inside sales'],
  ] as const) {
    const id = state.nextId('department');
    state.departments.set(id, {
      id,
      name,
      description,
      head_user_id: null,
      prime_user_id: null,
      domains: [domain],
      custom_fields: {},
      workspace_id: 1,
      created_at: t0,
      updated_at: t0,
    });
  }

  for (const name of Object.keys(roleDescriptions) as RoleName[]) {
    const id = state.nextId('role');
    const [description, role_type] = roleDescriptions[name];
    state.roles.set(id, { id, name, description, default: true, role_type, acts_as: [name], created_at: t0, updated_at: t0 });
  }

  const groupIds: Record<string, number> = {};
  for (const [name, description, ws] of [
    ['Service Desk', 'First line: triage and everyday requests', 2],
    ['Network Team', 'VPN, Wi-Fi, firewall and switching', 2],
    ['Hardware Support', 'Laptops, printers and peripherals', 2],
    ['HR Operations', 'Payroll and HR records', 3],
  ] as const) {
    const id = state.nextId('group');
    groupIds[name] = id;
    state.groups.set(id, {
      id,
      name,
      description,
      workspace_id: ws,
      escalate_to: null,
      unassigned_for: '30m',
      business_hours_id: null,
      members: [],
      observers: [],
      leaders: [],
      restricted: false,
      approval_required: false,
      auto_ticket_assign: false,
      created_at: t0,
      updated_at: t0,
    });
  }
  const itDept = [...state.departments.values()][0]!.id;
  const network = groupIds['Network Team']!;
  const serviceDesk = groupIds['Service Desk']!;

  for (const p of agentProfiles) {
    // Account Admin can only be assigned globally [spec 7.1]; group access comes from the agent roles.
    const roles: AgentRole[] = p.roles.map((r) => {
      const global = p.scope === 'all' || state.roleByName(r).role_type === 1;
      return { role_id: state.roleByName(r).id, assignment_scope: global ? 'entire_helpdesk' : 'specified_groups', groups: global ? [] : [network] };
    });
    const memberOf = p.scope === 'selected' ? [network] : p.profile === 'admin' ? [serviceDesk] : [groupIds['Hardware Support']!];
    const email = p.profile === 'admin' ? `support-fusion@${domain}` : `${p.first_name}.${p.last_name}@${domain}`.toLowerCase();
    const user = state.createUser({
      first_name: p.first_name,
      last_name: p.last_name,
      email,
      job_title: p.profile === 'admin' ? 'Integration' : 'Service Desk Analyst',
      department_ids: [itDept],
      time_zone: 'Edinburgh',
      active: p.active,
      has_logged_in: p.profile !== 'admin',
      created_at: t0,
      updated_at: t0,
      agent: {
        profile: p.profile,
        description: p.description,
        api_key: apiKeyFor(state.name, p.profile),
        api_key_enabled: p.api_key_enabled,
        occasional: false,
        roles,
        member_of: memberOf,
        observer_of: [],
        last_login_at: null,
        last_active_at: null,
        scoreboard_level_id: null,
        signature: null,
        auto_assign_tickets: false,
        workspace_ids: [2],
      },
    });
    for (const g of memberOf) state.groups.get(g)?.members.push(user.id);
  }

  for (const [first, last, title] of [
    ['Alice', 'Martin', 'Accountant'],
    ['Bob', 'Chen', 'Sales Manager'],
    ['Carla', 'Diaz', 'HR Partner'],
    ['Dev', 'Patel', 'Engineer'],
    ['Emma', 'Wilson', 'Office Manager'],
  ] as const) {
    state.createUser({
      first_name: first,
      last_name: last,
      email: `${first}.${last}@${domain}`.toLowerCase(),
      job_title: title,
      created_at: t0,
      updated_at: t0,
    });
  }

  for (const [name, label, field_type, choices, ws] of [
    ['it_field', 'IT field', 'custom_dropdown', ['First Choice', 'Second Choice'], 2],
    ['external_reference', 'External reference', 'custom_text', [], null],
    ['resolution_code', 'Resolution code', 'custom_dropdown', ['Fixed', 'Workaround', 'Not reproducible'], 2],
  ] as const) {
    state.customFields.push({
      id: state.nextId('field'),
      name,
      label,
      field_type,
      choices: [...choices],
      required_for_closure: false,
      required_for_agents: false,
      workspace_id: ws,
    });
  }
}

function requester(state: SimulatorState, first: string): User {
  const u = [...state.users.values()].find((x) => x.first_name === first && x.agent === null);
  if (!u) throw new Error(`seed: no requester ${first}`);
  return u;
}

function seedDemoTickets(state: SimulatorState): void {
  const now = state.nowMs();
  const h = 3_600_000;
  const group = (name: string) => [...state.groups.values()].find((g) => g.name === name)!.id;
  const agent = (profile: string) => state.agentByProfile(profile)!.id;
  const admin = agent('admin');

  const vpn = state.createTicket({
    subject: 'VPN drops every few minutes',
    description: 'Since Monday my VPN disconnects every 5-10 minutes when working from home.',
    requester_id: requester(state, 'Alice').id,
    group_id: group('Network Team'),
    responder_id: agent('selected'),
    priority: 3,
    urgency: 2,
    impact: 2,
    source: 1,
    created_at: now - 3 * DAY_MS,
    to_emails: [state.supportEmail],
  });
  state.addConversation(vpn.id, {
    kind: 'reply',
    body: 'Hi Alice, could you tell us which Wi-Fi network you are on when it drops?',
    user_id: agent('selected'),
    source: 0,
    private: false,
    to_emails: [requester(state, 'Alice').email!],
    from_email: `IT Help <${state.supportEmail}>`,
    cc_emails: [],
    bcc_emails: [],
    support_email: state.supportEmail,
    created_at: now - 3 * DAY_MS + 2 * h,
  });
  state.addConversation(vpn.id, {
    kind: 'note',
    body: 'Possibly the MTU issue seen last month on the home-broadband profile.',
    user_id: agent('selected'),
    created_at: now - 3 * DAY_MS + 3 * h,
  });

  const battery = state.createTicket({
    subject: 'Laptop battery swelling',
    description: 'The trackpad is lifting and the laptop wobbles on the desk.',
    requester_id: requester(state, 'Bob').id,
    group_id: group('Hardware Support'),
    responder_id: agent('agent_only'),
    status: 3,
    priority: 2,
    created_at: now - 5 * DAY_MS,
  });
  state.addAttachment(
    { ticketId: battery.id },
    { name: 'battery.png', content_type: 'image/png', data: Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex') },
  );
  state.addConversation(battery.id, {
    kind: 'reply',
    body: 'Please stop using the laptop and bring it to the Hardware desk; we will swap it today.',
    user_id: agent('agent_only'),
    source: 0,
    private: false,
    to_emails: [requester(state, 'Bob').email!],
    from_email: state.supportEmail,
    cc_emails: [],
    bcc_emails: [],
    support_email: state.supportEmail,
    created_at: now - 5 * DAY_MS + h,
  });

  state.createTicket({
    subject: 'New starter needs Salesforce access',
    description: 'Carla joins Sales on the 1st and needs a Salesforce licence.',
    requester_id: requester(state, 'Carla').id,
    group_id: group('Service Desk'),
    priority: 2,
    tags: ['access', 'onboarding'],
    created_at: now - DAY_MS,
    custom_fields: { external_reference: null },
  });

  const printer = state.createTicket({
    subject: 'Printer on floor 3 jams',
    description: 'Paper jam on every second page.',
    requester_id: requester(state, 'Dev').id,
    group_id: group('Hardware Support'),
    responder_id: agent('agent_only'),
    status: 4,
    priority: 1,
    created_at: now - 10 * DAY_MS,
    custom_fields: { resolution_code: 'Fixed' },
  });
  state.addConversation(printer.id, { kind: 'note', body: 'Replaced the pickup roller.', user_id: agent('agent_only'), created_at: now - 9 * DAY_MS });
  state.addConversation(printer.id, {
    kind: 'reply',
    body: 'The printer is fixed, please let us know if it jams again.',
    user_id: agent('agent_only'),
    source: 0,
    private: false,
    to_emails: [requester(state, 'Dev').email!],
    from_email: state.supportEmail,
    cc_emails: [],
    bcc_emails: [],
    support_email: state.supportEmail,
    created_at: now - 9 * DAY_MS + h,
  });
  printer.stats.resolved_at = now - 9 * DAY_MS + h;

  // Older than the list endpoint's 30-day default window: only visible with updated_since.
  const old = state.createTicket({
    subject: 'Email not syncing on phone',
    description: 'My work e-mail stopped syncing on my phone.',
    requester_id: requester(state, 'Emma').id,
    group_id: group('Service Desk'),
    responder_id: admin,
    status: 5,
    priority: 2,
    created_at: now - 45 * DAY_MS,
  });
  state.addConversation(old.id, {
    kind: 'reply',
    body: 'Re-adding the account fixed it.',
    user_id: admin,
    source: 0,
    private: false,
    to_emails: [requester(state, 'Emma').email!],
    from_email: state.supportEmail,
    cc_emails: [],
    bcc_emails: [],
    support_email: state.supportEmail,
    created_at: now - 40 * DAY_MS,
  });
  Object.assign(old.stats, { resolved_at: now - 40 * DAY_MS, closed_at: now - 40 * DAY_MS });

  state.createTicket({
    subject: 'Outlook crashes on start',
    description: 'Outlook closes right after the splash screen.',
    requester_id: requester(state, 'Alice').id,
    priority: 4,
    urgency: 3,
    impact: 2,
    created_at: now - 2 * h,
    custom_fields: { it_field: 'First Choice' },
  });

  state.createTicket({
    subject: 'Payslip shows wrong tax code',
    description: "My March payslip uses last year's tax code.",
    requester_id: requester(state, 'Emma').id,
    group_id: group('HR Operations'),
    workspace_id: 3,
    priority: 2,
    created_at: now - 4 * DAY_MS,
  });
}
