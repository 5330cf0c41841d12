import type {
  AgentExtra,
  Attachment,
  Conversation,
  CustomFieldDef,
  Department,
  Group,
  Role,
  RoleName,
  Ticket,
  TicketSource,
  TimeEntry,
  User,
  Workspace,
} from './model.ts';
import { SearchIndex } from './search-index.ts';
import { htmlToText, randomToken, toHtml, wholeSeconds } from './util.ts';

/** Switches for behaviours the public material leaves open (spec section 10), so clients can be tested against both. */
export interface StateOptions {
  /** Body of 404 answers: real Freshdesk-family 404s are typically empty [Inferred]. */
  notFoundBody: 'empty' | 'json';
  /** Status for a deactivated agent's key or a key whose api_key_enabled is false [Unknown; 401 Inferred]. */
  disabledKeyStatus: 401 | 403;
  /** POST /requesters needs last_name: the docs' table marks it mandatory (switch off to accept first_name only). */
  requesterLastNameRequired: boolean;
  /** false: an older account from before workspaces, whose `/workspaces` answers 404 [spec 7.6]. */
  workspacesEndpoint: boolean;
}

// Large ids like a real tenant's (54001538979): above 2^31 so 32-bit assumptions break in tests.
const idBases = {
  user: 54001538970,
  group: 54000210340,
  department: 54000138230,
  role: 54000012310,
  conversation: 54002047640,
  attachment: 54003110000,
  time_entry: 54000600010,
  field: 54000054268,
  ticket: 1,
} as const;
type IdKind = keyof typeof idBases;

export const PRIMARY_WORKSPACE_ID = 2;
/** Sources 1..18 that every account has (ticket-fields.ts lists them); custom ones are positioned after. */
const builtInSourceCount = 16;
export const SLA_POLICY_ID = 54000036590;
export const BUSINESS_HOURS_ID = 54000006639;
export const DAY_MS = 86_400_000;

export type NewTicket = Partial<Omit<Ticket, 'id' | 'stats'>> & { requester_id: number; subject: string; stats?: Partial<Ticket['stats']> };
export type NewConversation = Partial<Omit<Conversation, 'id' | 'ticket_id'>> & { body: string; user_id: number };

export class SimulatorState {
  readonly workspaces = new Map<number, Workspace>();
  readonly departments = new Map<number, Department>();
  readonly groups = new Map<number, Group>();
  readonly roles = new Map<number, Role>();
  readonly users = new Map<number, User>();
  readonly tickets = new Map<number, Ticket>();
  readonly conversations = new Map<number, Conversation>();
  readonly attachments = new Map<number, Attachment>();
  readonly timeEntries = new Map<number, TimeEntry>();
  readonly customFields: CustomFieldDef[] = [];
  readonly ticketSources: TicketSource[] = [];
  /** What /tickets/filter searches; tests make it lag deterministically (search-index.ts). */
  readonly search: SearchIndex = new SearchIndex(this);
  readonly options: StateOptions = { notFoundBody: 'empty', requesterLastNameRequired: true, disabledKeyStatus: 401, workspacesEndpoint: true };
  private readonly counters = new Map<IdKind, number>();

  constructor(
    readonly name: string,
    readonly now: () => Date,
  ) {}

  nextId(kind: IdKind): number {
    const n = this.counters.get(kind) ?? idBases[kind];
    this.counters.set(kind, n + 1);
    return n;
  }

  nowMs(): number {
    return wholeSeconds(this.now());
  }

  get supportEmail(): string {
    return `helpdesk@${this.name}.example.com`;
  }

  agents(): User[] {
    return [...this.users.values()].filter((u) => u.agent !== null);
  }

  agentByProfile(profile: string): (User & { agent: AgentExtra }) | undefined {
    return this.agents().find((u) => u.agent?.profile === profile) as (User & { agent: AgentExtra }) | undefined;
  }

  agentByKey(key: string): (User & { agent: AgentExtra }) | undefined {
    return this.agents().find((u) => u.agent?.api_key === key) as (User & { agent: AgentExtra }) | undefined;
  }

  /** Tests use this to flip an agent's flags, roles or groups at run time. */
  setAgent(profile: string, patch: Partial<Omit<User, 'agent'>> & { agent?: Partial<AgentExtra> }): User {
    const user = this.agentByProfile(profile);
    if (!user) throw new Error(`Unknown agent profile "${profile}"`);
    const { agent, ...rest } = patch;
    Object.assign(user, rest);
    if (agent) Object.assign(user.agent, agent);
    user.updated_at = this.nowMs();
    return user;
  }

  roleByName(name: string): Role {
    const role = [...this.roles.values()].find((r) => r.name === name);
    if (!role) throw new Error(`Unknown role ${name}`);
    return role;
  }

  /**
   * Adds a role as an older account names it (SD Agent, SD Supervisor) or a custom one; `acts_as` says
   * whose privileges it has, since the API shows only the name, type and scopes.
   */
  addRole(input: { name: string; role_type: 1 | 2; acts_as: RoleName[]; description?: string }): Role {
    const now = this.nowMs();
    const role: Role = {
      id: this.nextId('role'),
      name: input.name,
      description: input.description ?? `${input.name} (custom role)`,
      default: false,
      role_type: input.role_type,
      acts_as: [...input.acts_as],
      created_at: now,
      updated_at: now,
    };
    this.roles.set(role.id, role);
    return role;
  }

  /** Adds a custom ticket source: choice ids go on from 1001, after the built-in ones [Docs 5.2]. */
  addTicketSource(value: string): TicketSource {
    const now = this.nowMs();
    const source: TicketSource = {
      id: this.nextId('field'),
      choice_id: 1001 + this.ticketSources.length,
      value,
      position: builtInSourceCount + this.ticketSources.length + 1,
      visible: true,
      created_at: now,
      updated_at: now,
    };
    this.ticketSources.push(source);
    return source;
  }

  userByEmail(email: string): User | undefined {
    const e = email.trim().toLowerCase();
    return [...this.users.values()].find((u) => u.email?.toLowerCase() === e || u.secondary_emails.some((s) => s.toLowerCase() === e));
  }

  userByPhone(phone: string): User | undefined {
    return [...this.users.values()].find((u) => u.work_phone_number === phone || u.mobile_phone_number === phone);
  }

  createUser(input: Partial<User> & { first_name: string }): User {
    const now = this.nowMs();
    const user: User = {
      id: this.nextId('user'),
      last_name: null,
      email: null,
      secondary_emails: [],
      job_title: null,
      work_phone_number: null,
      mobile_phone_number: null,
      department_ids: [],
      reporting_manager_id: null,
      address: null,
      time_zone: 'Eastern Time (US & Canada)',
      time_format: '12h',
      language: 'en',
      location_id: null,
      background_information: null,
      custom_fields: {},
      active: true,
      has_logged_in: false,
      vip_user: false,
      external_id: null,
      created_at: now,
      updated_at: now,
      agent: null,
      ...input,
    };
    this.users.set(user.id, user);
    return user;
  }

  /** Creates a ticket directly (no validation, no permission check): for seeds and test set-up. */
  createTicket(input: NewTicket): Ticket {
    const now = this.nowMs();
    const created = input.created_at ?? now;
    const priority = input.priority ?? 2;
    const description = toHtml(input.description ?? '');
    const { stats, ...rest } = input;
    const ticket: Ticket = {
      workspace_id: PRIMARY_WORKSPACE_ID,
      status: 2,
      priority,
      urgency: 1,
      impact: 1,
      source: 2,
      type: 'Incident',
      requested_for_id: input.requester_id,
      responder_id: null,
      group_id: null,
      department_id: null,
      category: null,
      sub_category: null,
      item_category: null,
      ...dueDates(created, priority),
      is_escalated: false,
      fr_escalated: false,
      spam: false,
      deleted: false,
      email_config_id: null,
      cc_emails: [],
      fwd_emails: [],
      reply_cc_emails: [],
      to_emails: null,
      bcc_emails: [],
      tags: [],
      custom_fields: {},
      attachment_ids: [],
      sla_policy_id: SLA_POLICY_ID,
      applied_business_hours: BUSINESS_HOURS_ID,
      created_within_business_hours: false,
      approval_status: 4,
      approval_status_name: 'Not Requested',
      resolution_notes: null,
      resolution_notes_html: null,
      updated_at: created,
      ...rest,
      id: this.nextId('ticket'),
      description,
      description_text: htmlToText(description),
      created_at: created,
      stats: { first_responded_at: null, resolved_at: null, closed_at: null, ...stats },
    };
    ticket.custom_fields = { ...this.blankCustomFields(ticket.workspace_id), ...ticket.custom_fields };
    this.tickets.set(ticket.id, ticket);
    return ticket;
  }

  /** Unset custom fields are returned as null, never omitted. */
  blankCustomFields(workspaceId: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of this.customFields)
      if (f.workspace_id === null || f.workspace_id === workspaceId) out[f.name] = f.field_type === 'custom_checkbox' ? false : null;
    return out;
  }

  /** Any change to a ticket, including a new conversation, moves updated_at [Inferred, spec 9]. */
  touchTicket(ticket: Ticket, at = this.nowMs()): void {
    ticket.updated_at = Math.max(at, ticket.updated_at);
  }

  addConversation(ticketId: number, input: NewConversation): Conversation {
    const ticket = this.tickets.get(ticketId);
    if (!ticket) throw new Error(`Unknown ticket ${ticketId}`);
    const now = input.created_at ?? this.nowMs();
    const body = toHtml(input.body);
    const conv: Conversation = {
      kind: 'note',
      incoming: false,
      private: true,
      source: 2,
      to_emails: [],
      from_email: null,
      cc_emails: [],
      bcc_emails: null,
      support_email: null,
      attachment_ids: [],
      updated_at: now,
      ...input,
      id: this.nextId('conversation'),
      ticket_id: ticketId,
      body,
      body_text: htmlToText(body),
      created_at: now,
    };
    this.conversations.set(conv.id, conv);
    if (conv.kind === 'reply' && ticket.stats.first_responded_at === null) ticket.stats.first_responded_at = now;
    this.touchTicket(ticket, now);
    return conv;
  }

  conversationsOf(ticketId: number): Conversation[] {
    return [...this.conversations.values()].filter((c) => c.ticket_id === ticketId).sort((a, b) => a.created_at - b.created_at || a.id - b.id);
  }

  /** `data` may be omitted with an explicit `size` to occupy quota without allocating memory. */
  addAttachment(owner: { ticketId: number; conversationId?: number }, file: { name: string; content_type?: string; data?: Buffer; size?: number }): Attachment {
    const now = this.nowMs();
    const att: Attachment = {
      id: this.nextId('attachment'),
      name: file.name,
      content_type: file.content_type ?? 'application/octet-stream',
      size: file.data?.length ?? file.size ?? 0,
      data: file.data ?? null,
      token: randomToken(),
      ticket_id: owner.ticketId,
      conversation_id: owner.conversationId ?? null,
      created_at: now,
      updated_at: now,
    };
    this.attachments.set(att.id, att);
    const target = owner.conversationId !== undefined ? this.conversations.get(owner.conversationId) : this.tickets.get(owner.ticketId);
    target?.attachment_ids.push(att.id);
    return att;
  }

  /** Attachment bytes held by a ticket and all its conversations (the 40 MB limit is per ticket). */
  ticketAttachmentBytes(ticketId: number): number {
    let total = 0;
    for (const a of this.attachments.values()) if (a.ticket_id === ticketId) total += a.size;
    return total;
  }

  attachmentsOf(ids: number[]): Attachment[] {
    return ids.map((id) => this.attachments.get(id)).filter((a): a is Attachment => a !== undefined);
  }

  addTimeEntry(ticketId: number, input: Partial<TimeEntry> & { agent_id: number }): TimeEntry {
    const now = this.nowMs();
    const entry: TimeEntry = {
      time_spent: '00:00',
      note: '',
      billable: true,
      timer_running: false,
      executed_at: now,
      start_time: now,
      task_id: null,
      custom_fields: {},
      updated_at: now,
      created_at: now,
      ...input,
      id: this.nextId('time_entry'),
      ticket_id: ticketId,
    };
    this.timeEntries.set(entry.id, entry);
    return entry;
  }

  /** Opt-in closure rule: the named custom field must be filled before resolve/close. */
  setRequiredForClosure(fieldName: string, required = true): void {
    const f = this.customFields.find((x) => x.name === fieldName);
    if (!f) throw new Error(`Unknown custom field ${fieldName}`);
    f.required_for_closure = required;
  }
}

/** Default SLA targets by priority (Urgent 1h/4h ... Low 24h/72h); values are Inferred, only the fields are Docs. */
export function dueDates(createdMs: number, priority: number): { fr_due_by: number; due_by: number } {
  const hours: Record<number, [number, number]> = { 1: [24, 72], 2: [12, 48], 3: [4, 24], 4: [1, 4] };
  const [fr, res] = hours[priority] ?? [24, 72];
  return { fr_due_by: createdMs + fr * 3_600_000, due_by: createdMs + res * 3_600_000 };
}
