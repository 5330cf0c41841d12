import type { Attachment, Conversation, Department, Group, Role, Ticket, TimeEntry, User, Workspace } from './model.ts';
import type { SimulatorState } from './state.ts';
import { iso, isoOrNull } from './util.ts';

// Field sets follow the docs' examples per endpoint (spec 5.1 "Shape differences by endpoint"):
// list items lack tags/attachments/urgency/impact/sla_policy_id; view adds them (tags only with include).

export function attachmentJson(a: Attachment, baseUrl: string) {
  return {
    id: a.id,
    content_type: a.content_type,
    size: a.size,
    name: a.name,
    // Stands in for Freshservice's pre-signed S3 URL: fetchable without the API key.
    attachment_url: `${baseUrl}/_sim/files/${a.id}/${encodeURIComponent(a.name)}?token=${a.token}`,
    created_at: iso(a.created_at),
    updated_at: iso(a.updated_at),
  };
}

export function ticketListItem(t: Ticket) {
  return {
    subject: t.subject,
    group_id: t.group_id,
    department_id: t.department_id,
    category: t.category,
    sub_category: t.sub_category,
    item_category: t.item_category,
    requester_id: t.requester_id,
    requested_for_id: t.requested_for_id,
    responder_id: t.responder_id,
    due_by: iso(t.due_by),
    fr_escalated: t.fr_escalated,
    deleted: t.deleted,
    spam: t.spam,
    email_config_id: t.email_config_id,
    fwd_emails: [...t.fwd_emails],
    reply_cc_emails: [...t.reply_cc_emails],
    cc_emails: [...t.cc_emails],
    is_escalated: t.is_escalated,
    fr_due_by: iso(t.fr_due_by),
    id: t.id,
    priority: t.priority,
    status: t.status,
    source: t.source,
    created_at: iso(t.created_at),
    updated_at: iso(t.updated_at),
    to_emails: t.to_emails ? [...t.to_emails] : null,
    type: t.type,
    description: t.description,
    description_text: t.description_text,
    custom_fields: { ...t.custom_fields },
    workspace_id: t.workspace_id,
  };
}

export function ticketView(t: Ticket, state: SimulatorState, baseUrl: string) {
  return {
    ...ticketListItem(t),
    bcc_emails: t.bcc_emails ? [...t.bcc_emails] : null,
    sla_policy_id: t.sla_policy_id,
    applied_business_hours: t.applied_business_hours,
    created_within_business_hours: t.created_within_business_hours,
    urgency: t.urgency,
    impact: t.impact,
    approval_status: t.approval_status,
    approval_status_name: t.approval_status_name,
    resolution_notes: t.resolution_notes,
    resolution_notes_html: t.resolution_notes_html,
    attachments: state.attachmentsOf(t.attachment_ids).map((a) => attachmentJson(a, baseUrl)),
  };
}

/** Create and update answers always carry tags. */
export function ticketWriteResponse(t: Ticket, state: SimulatorState, baseUrl: string) {
  return { ...ticketView(t, state, baseUrl), tags: [...t.tags] };
}

export function statsJson(t: Ticket) {
  return {
    first_responded_at: isoOrNull(t.stats.first_responded_at),
    resolved_at: isoOrNull(t.stats.resolved_at),
    closed_at: isoOrNull(t.stats.closed_at),
  };
}

/** `include=requester` / `requested_for` embed: `{id, name, email, mobile, phone}` [Docs]. */
export function userEmbed(u: User | undefined) {
  if (!u) return null;
  return { id: u.id, name: fullName(u), email: u.email, mobile: u.mobile_phone_number, phone: u.work_phone_number };
}

export function fullName(u: User): string {
  return [u.first_name, u.last_name].filter(Boolean).join(' ');
}

export function conversationJson(c: Conversation, state: SimulatorState, baseUrl: string) {
  return {
    id: c.id,
    body: c.body,
    body_text: c.body_text,
    incoming: c.incoming,
    private: c.private,
    created_at: iso(c.created_at),
    updated_at: iso(c.updated_at),
    user_id: c.user_id,
    support_email: c.support_email,
    source: c.source,
    ticket_id: c.ticket_id,
    to_emails: [...c.to_emails],
    from_email: c.from_email,
    cc_emails: [...c.cc_emails],
    bcc_emails: c.bcc_emails ? [...c.bcc_emails] : null,
    attachments: state.attachmentsOf(c.attachment_ids).map((a) => attachmentJson(a, baseUrl)),
  };
}

/** The docs' reply response has no private/incoming/source/support_email. */
export function replyResponse(c: Conversation, state: SimulatorState, baseUrl: string) {
  const full = conversationJson(c, state, baseUrl);
  return {
    id: full.id,
    user_id: full.user_id,
    from_email: full.from_email,
    cc_emails: full.cc_emails,
    bcc_emails: full.bcc_emails ?? [],
    body: full.body,
    body_text: full.body_text,
    ticket_id: full.ticket_id,
    to_emails: full.to_emails,
    attachments: full.attachments,
    created_at: full.created_at,
    updated_at: full.updated_at,
  };
}

/** The docs' note (and conversation update) response has no source/from_email/cc/bcc. */
export function noteResponse(c: Conversation, state: SimulatorState, baseUrl: string) {
  const full = conversationJson(c, state, baseUrl);
  return {
    id: full.id,
    incoming: full.incoming,
    private: full.private,
    user_id: full.user_id,
    support_email: full.support_email,
    body: full.body,
    body_text: full.body_text,
    ticket_id: full.ticket_id,
    to_emails: full.to_emails,
    attachments: full.attachments,
    created_at: full.created_at,
    updated_at: full.updated_at,
  };
}

export function agentJson(u: User, state: SimulatorState) {
  const a = u.agent;
  if (!a) throw new Error(`user ${u.id} is not an agent`);
  return {
    id: u.id,
    first_name: u.first_name,
    last_name: u.last_name,
    occasional: a.occasional,
    active: u.active,
    job_title: u.job_title,
    email: u.email,
    work_phone_number: u.work_phone_number,
    mobile_phone_number: u.mobile_phone_number,
    department_ids: [...u.department_ids],
    department_names: u.department_ids.map((id) => state.departments.get(id)?.name ?? null).filter((n): n is string => n !== null),
    can_see_all_tickets_from_associated_departments: false,
    can_see_all_tickets_from_associated_workspace_ids: [],
    reporting_manager_id: u.reporting_manager_id,
    address: u.address,
    time_zone: u.time_zone,
    time_format: u.time_format,
    language: u.language,
    location_id: u.location_id,
    location_name: null,
    background_information: u.background_information,
    scoreboard_level_id: a.scoreboard_level_id,
    scoreboard_points: null,
    member_of: [...a.member_of],
    observer_of: [...a.observer_of],
    member_of_pending_approval: [],
    observer_of_pending_approval: [],
    roles: a.roles.map((r) => ({ role_id: r.role_id, assignment_scope: r.assignment_scope, groups: [...r.groups] })),
    last_login_at: isoOrNull(a.last_login_at),
    last_active_at: isoOrNull(a.last_active_at),
    custom_fields: { ...u.custom_fields },
    has_logged_in: u.has_logged_in,
    api_key_enabled: a.api_key_enabled,
    auto_assign_status_changed_at: null,
    auto_assign_tickets: a.auto_assign_tickets,
    signature: a.signature,
    vip_user: u.vip_user,
    external_id: u.external_id,
    workspace_ids: [...a.workspace_ids],
    belongs_to_workspace_ids: [...a.workspace_ids],
    workspace_info: a.workspace_ids.map((id) => ({ workspace_id: id, scoreboard_level_id: null, points: null })),
    created_at: iso(u.created_at),
    updated_at: iso(u.updated_at),
  };
}

export function requesterJson(u: User) {
  return {
    id: u.id,
    is_agent: u.agent !== null,
    first_name: u.first_name,
    last_name: u.last_name,
    job_title: u.job_title,
    primary_email: u.email,
    secondary_emails: [...u.secondary_emails],
    work_phone_number: u.work_phone_number,
    mobile_phone_number: u.mobile_phone_number,
    department_ids: [...u.department_ids],
    can_see_all_tickets_from_associated_departments: false,
    reporting_manager_id: u.reporting_manager_id,
    address: u.address,
    time_zone: u.time_zone,
    time_format: u.time_format,
    language: u.language,
    location_id: u.location_id,
    background_information: u.background_information,
    custom_fields: { ...u.custom_fields },
    active: u.active,
    has_logged_in: u.has_logged_in,
    vip_user: u.vip_user,
    external_id: u.external_id,
    created_at: iso(u.created_at),
    updated_at: iso(u.updated_at),
  };
}

export function roleJson(r: Role) {
  const scope = r.role_type === 1 || r.acts_as.includes('IT Supervisor') ? 'Global Access' : 'Restricted Access';
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    default: r.default,
    role_type: r.role_type,
    scopes: { ticket: scope, problem: scope, change: scope, release: scope },
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

export function groupJson(g: Group) {
  return {
    id: g.id,
    name: g.name,
    description: g.description,
    escalate_to: g.escalate_to,
    unassigned_for: g.unassigned_for,
    business_hours_id: g.business_hours_id,
    created_at: iso(g.created_at),
    updated_at: iso(g.updated_at),
    auto_ticket_assign: g.auto_ticket_assign,
    restricted: g.restricted,
    approval_required: g.approval_required,
    workspace_id: g.workspace_id,
    members: [...g.members],
    observers: [...g.observers],
    leaders: [...g.leaders],
    members_pending_approval: [],
    leaders_pending_approval: [],
    observers_pending_approval: [],
  };
}

export function departmentJson(d: Department) {
  return { ...d, domains: [...d.domains], custom_fields: { ...d.custom_fields }, created_at: iso(d.created_at), updated_at: iso(d.updated_at) };
}

export function workspaceJson(w: Workspace) {
  return { ...w, created_at: iso(w.created_at), updated_at: iso(w.updated_at) };
}

export function timeEntryJson(e: TimeEntry) {
  return {
    id: e.id,
    start_time: iso(e.start_time),
    timer_running: e.timer_running,
    billable: e.billable,
    time_spent: e.time_spent,
    executed_at: iso(e.executed_at),
    task_id: e.task_id,
    note: e.note,
    agent_id: e.agent_id,
    custom_fields: { ...e.custom_fields },
    created_at: iso(e.created_at),
    updated_at: iso(e.updated_at),
  };
}
