import type { SimulatorState } from './state.ts';
import { iso } from './util.ts';
import { fullName } from './serialize.ts';

// Built-in choices as in the docs' ticket_form_fields example (statuses, priorities, sources).
export const statusChoices = [
  { id: 2, value: 'Open', requester_display_value: 'Being Processed' },
  { id: 3, value: 'Pending', requester_display_value: 'Awaiting your Reply' },
  { id: 4, value: 'Resolved', requester_display_value: 'This ticket has been Resolved' },
  { id: 5, value: 'Closed', requester_display_value: 'This ticket has been Closed' },
];
export const priorityChoices = [
  { id: 1, value: 'Low' },
  { id: 2, value: 'Medium' },
  { id: 3, value: 'High' },
  { id: 4, value: 'Urgent' },
];
export const levelChoices = [
  { id: 1, value: 'Low' },
  { id: 2, value: 'Medium' },
  { id: 3, value: 'High' },
];
export const sourceChoices = [
  { id: 1, value: 'Email' },
  { id: 2, value: 'Portal' },
  { id: 3, value: 'Phone' },
  { id: 4, value: 'Chat' },
  { id: 5, value: 'Feedback Widget' },
  { id: 6, value: 'Yammer' },
  { id: 7, value: 'AWS CloudWatch' },
  { id: 8, value: 'PagerDuty' },
  { id: 9, value: 'Walk-up' },
  { id: 10, value: 'Slack' },
  { id: 11, value: 'Chatbot' },
  { id: 12, value: 'Workplace' },
  { id: 13, value: 'Employee Onboarding' },
  { id: 14, value: 'Alerts' },
  { id: 15, value: 'MS Teams' },
  { id: 18, value: 'Employee Offboarding' },
];
export const ticketTypes = ['Incident', 'Service Request'];

/** The built-in sources plus the account's visible custom ones (choice ids ≥ 1001) [Docs 5.2]. */
export function sourceChoicesOf(state: SimulatorState): Array<{ id: number; value: string }> {
  return [...sourceChoices, ...state.ticketSources.filter((s) => s.visible).map((s) => ({ id: s.choice_id, value: s.value }))];
}

/** A small category tree (category → sub_category → item_category), shaped like the docs' example. */
export const categoryTree: Record<string, Record<string, string[]>> = {
  Hardware: { Computer: ['Mac', 'PC'], Printer: [], Phone: [], Peripherals: ['Router', 'Switch', 'Access point'] },
  Software: { 'MS Office': [], Windows: [], Chrome: [] },
  Network: { Access: [], Connectivity: [] },
  Other: {},
};

const stamp = '2023-01-19T17:25:20Z';

function field(id: number, name: string, label: string, field_type: string, position: number, extra: Record<string, unknown> = {}) {
  return {
    id,
    label,
    description: `Ticket ${label.toLowerCase()}`,
    field_type,
    created_at: stamp,
    updated_at: stamp,
    position,
    required_for_closure: false,
    name,
    default_field: true,
    required_for_agents: false,
    customers_can_edit: false,
    label_for_customers: label,
    required_for_customers: false,
    displayed_to_customers: false,
    belongs_to_section: false,
    choices: [] as unknown[],
    nested_fields: [] as unknown[],
    sections: [] as unknown[],
    workspace_id: 1 as number | null,
    ...extra,
  };
}

/** `GET /ticket_form_fields`: global fields plus the workspace's; group/agent/department choices are live. */
export function ticketFormFields(state: SimulatorState, workspaceId: number) {
  let choiceId = 70000;
  const cat = Object.entries(categoryTree).map(([c, subs]) => ({
    id: choiceId++,
    display_id: choiceId - 70000,
    value: c,
    nested_options: Object.entries(subs).map(([s, items]) => ({
      id: choiceId++,
      display_id: choiceId - 70000,
      value: s,
      nested_options: items.map((i) => ({ id: choiceId++, display_id: choiceId - 70000, value: i })),
    })),
  }));
  const fields = [
    field(54281, 'workspace_id', 'Workspace', 'default_workspace', 0, {
      workspace_id: null,
      required_for_agents: true,
      choices: [...state.workspaces.values()].map((w) => ({ id: w.id, value: w.name })),
    }),
    field(54268, 'requester', 'Requester', 'default_requester', 1, { required_for_agents: true, portal_cc: false, portalcc_to: 'company' }),
    field(54269, 'subject', 'Subject', 'default_subject', 2, { required_for_agents: true }),
    field(54270, 'source', 'Source', 'default_source', 3, { choices: sourceChoicesOf(state) }),
    field(54280, 'ticket_type', 'Type', 'default_ticket_type', 4, { choices: ticketTypes.map((v, i) => ({ id: 52961 + i, value: v })) }),
    field(54271, 'status', 'Status', 'default_status', 5, { required_for_agents: true, displayed_to_customers: true, choices: statusChoices }),
    field(54272, 'urgency', 'Urgency', 'default_urgency', 6, { choices: levelChoices }),
    field(54273, 'impact', 'Impact', 'default_impact', 7, { choices: levelChoices }),
    field(54274, 'priority', 'Priority', 'default_priority', 8, { required_for_agents: true, choices: priorityChoices }),
    field(54275, 'group', 'Group', 'default_group', 9, {
      choices: [...state.groups.values()].filter((g) => g.workspace_id === workspaceId).map((g) => ({ id: g.id, value: g.name })),
    }),
    field(54276, 'agent', 'Assigned to', 'default_agent', 10, {
      displayed_to_customers: true,
      choices: state.agents().map((a) => ({ id: a.id, value: a.active ? fullName(a) : `${fullName(a)} (Deactivated)` })),
    }),
    field(54277, 'department', 'Department', 'default_department', 11, { choices: [...state.departments.values()].map((d) => ({ id: d.id, value: d.name })) }),
    field(54278, 'description', 'Description', 'default_description', 12, {
      required_for_agents: true,
      customers_can_edit: true,
      required_for_customers: true,
      displayed_to_customers: true,
    }),
    field(54279, 'category', 'Category', 'default_category', 13, {
      choices: cat,
      nested_fields: [
        {
          name: 'sub_category',
          id: 9522,
          label: 'Sub-Category',
          label_in_portal: 'Sub-Category',
          level: 2,
          description: 'Ticket Sub Category',
          created_at: stamp,
          updated_at: stamp,
          field_id: 54279,
        },
        {
          name: 'item_category',
          id: 9523,
          label: 'Item',
          label_in_portal: 'Item',
          level: 3,
          description: 'Ticket Item',
          created_at: stamp,
          updated_at: stamp,
          field_id: 54279,
        },
      ],
    }),
  ];
  let position = fields.length;
  for (const f of state.customFields) {
    if (f.workspace_id !== null && f.workspace_id !== workspaceId) continue;
    fields.push(
      field(f.id, f.name, f.label, f.field_type, position++, {
        description: '',
        default_field: false,
        required_for_closure: f.required_for_closure,
        required_for_agents: f.required_for_agents,
        customers_can_edit: true,
        displayed_to_customers: true,
        created_at: iso(state.nowMs()),
        updated_at: iso(state.nowMs()),
        choices: f.choices.map((value, i) => ({ id: f.id * 10 + i, display_id: i + 1, value })),
        workspace_id: f.workspace_id,
      }),
    );
  }
  return fields;
}
