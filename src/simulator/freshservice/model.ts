// Internal records of one simulated Freshservice account. Field names follow the API's own snake_case so
// serialisation stays a pick-and-format step; timestamps are epoch milliseconds (whole seconds).

export interface Workspace {
  id: number;
  name: string;
  description: string | null;
  type: 'workspace';
  primary: boolean;
  restricted: boolean;
  state: 'active' | 'inactive';
  template_name: string;
  created_at: number;
  updated_at: number;
}

export interface Department {
  id: number;
  name: string;
  description: string | null;
  head_user_id: number | null;
  prime_user_id: number | null;
  domains: string[];
  custom_fields: Record<string, unknown>;
  workspace_id: number | null;
  created_at: number;
  updated_at: number;
}

export interface Group {
  id: number;
  name: string;
  description: string | null;
  workspace_id: number;
  escalate_to: number | null;
  unassigned_for: string | null;
  business_hours_id: number | null;
  members: number[];
  observers: number[];
  leaders: number[];
  restricted: boolean;
  approval_required: boolean;
  auto_ticket_assign: boolean;
  created_at: number;
  updated_at: number;
}

export const roleNames = ['Account Admin', 'Workspace Admin', 'IT Supervisor', 'IT Agent', 'Problem Manager', 'Change Manager'] as const;
export type RoleName = (typeof roleNames)[number];

export interface Role {
  id: number;
  /** A built-in name, an older one (SD Agent, SD Supervisor) or a custom one. */
  name: string;
  description: string;
  default: boolean;
  role_type: 1 | 2; // 1 admin role, 2 agent role
  /**
   * Simulator-internal, never serialised (the API does not show privileges): the built-in roles whose
   * privileges this role has. A built-in role acts as itself; SD Agent as IT Agent; a custom role as chosen.
   */
  acts_as: RoleName[];
  created_at: number;
  updated_at: number;
}

export type AssignmentScope = 'entire_helpdesk' | 'member_groups' | 'specified_groups' | 'assigned_items';

export interface AgentRole {
  role_id: number;
  assignment_scope: AssignmentScope;
  groups: number[];
}

/** Agent-only part of a user. Agents are users too: their id is a valid requester_id. */
export interface AgentExtra {
  profile: string | null;
  description: string;
  api_key: string;
  api_key_enabled: boolean;
  occasional: boolean;
  roles: AgentRole[];
  member_of: number[];
  observer_of: number[];
  last_login_at: number | null;
  last_active_at: number | null;
  scoreboard_level_id: number | null;
  signature: string | null;
  auto_assign_tickets: boolean;
  workspace_ids: number[];
}

export interface User {
  id: number;
  first_name: string;
  last_name: string | null;
  email: string | null;
  secondary_emails: string[];
  job_title: string | null;
  work_phone_number: string | null;
  mobile_phone_number: string | null;
  department_ids: number[];
  reporting_manager_id: number | null;
  address: string | null;
  time_zone: string;
  time_format: '12h' | '24h';
  language: string;
  location_id: number | null;
  background_information: string | null;
  custom_fields: Record<string, unknown>;
  active: boolean;
  has_logged_in: boolean;
  vip_user: boolean;
  external_id: string | null;
  created_at: number;
  updated_at: number;
  agent: AgentExtra | null;
}

export interface Attachment {
  id: number;
  name: string;
  content_type: string;
  size: number;
  /** null for attachments seeded by size only (e.g. to test the 40 MB limit without allocating it). */
  data: Buffer | null;
  token: string;
  ticket_id: number;
  conversation_id: number | null;
  created_at: number;
  updated_at: number;
}

export interface TicketStats {
  first_responded_at: number | null;
  resolved_at: number | null;
  closed_at: number | null;
}

export interface Ticket {
  id: number;
  workspace_id: number;
  subject: string;
  description: string;
  description_text: string;
  status: number;
  priority: number;
  urgency: number;
  impact: number;
  source: number;
  type: string;
  requester_id: number;
  requested_for_id: number;
  responder_id: number | null;
  group_id: number | null;
  department_id: number | null;
  category: string | null;
  sub_category: string | null;
  item_category: string | null;
  due_by: number;
  fr_due_by: number;
  is_escalated: boolean;
  fr_escalated: boolean;
  spam: boolean;
  deleted: boolean;
  email_config_id: number | null;
  cc_emails: string[];
  fwd_emails: string[];
  reply_cc_emails: string[];
  to_emails: string[] | null;
  bcc_emails: string[] | null;
  tags: string[];
  custom_fields: Record<string, unknown>;
  attachment_ids: number[];
  sla_policy_id: number;
  applied_business_hours: number;
  created_within_business_hours: boolean;
  approval_status: number;
  approval_status_name: string;
  resolution_notes: string | null;
  resolution_notes_html: string | null;
  stats: TicketStats;
  created_at: number;
  updated_at: number;
}

export interface Conversation {
  id: number;
  ticket_id: number;
  kind: 'reply' | 'note' | 'incoming';
  user_id: number;
  body: string;
  body_text: string;
  incoming: boolean;
  private: boolean;
  source: number;
  to_emails: string[];
  from_email: string | null;
  cc_emails: string[];
  bcc_emails: string[] | null;
  support_email: string | null;
  attachment_ids: number[];
  created_at: number;
  updated_at: number;
}

export interface TimeEntry {
  id: number;
  ticket_id: number;
  agent_id: number;
  time_spent: string;
  note: string;
  billable: boolean;
  timer_running: boolean;
  executed_at: number;
  start_time: number;
  task_id: number | null;
  custom_fields: Record<string, unknown>;
  created_at: number;
  updated_at: number;
}

export type CustomFieldType = 'custom_dropdown' | 'custom_text' | 'custom_paragraph' | 'custom_checkbox' | 'custom_number' | 'custom_date';

export interface CustomFieldDef {
  id: number;
  name: string;
  label: string;
  field_type: CustomFieldType;
  choices: string[];
  required_for_closure: boolean;
  required_for_agents: boolean;
  workspace_id: number | null;
}

/** A source the account added (`POST /ticket_fields/sources`); tickets carry its `choice_id` (≥ 1001) [Docs 5.2]. */
export interface TicketSource {
  id: number;
  choice_id: number;
  value: string;
  position: number;
  visible: boolean;
  created_at: number;
  updated_at: number;
}
