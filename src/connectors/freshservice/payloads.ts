import { z } from 'zod';

// Vendor payloads the sync connector reads (spec sections 5–7). Only the fields used are declared;
// optional/nullable wherever the docs show them absent on some endpoint (list vs view vs write).

const id = z.number().int();
const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO 8601 date-time');
const optText = z.string().nullable().optional();
const optId = id.nullable().optional();
const optNum = z.number().nullable().optional();

export const FsAttachment = z.object({
  id,
  name: z.string(),
  content_type: optText,
  size: optNum,
  attachment_url: optText,
});
export type FsAttachment = z.infer<typeof FsAttachment>;

export const FsTicket = z.object({
  id,
  subject: optText,
  description: optText,
  type: optText,
  status: optNum,
  priority: optNum,
  urgency: optNum,
  impact: optNum,
  source: optNum,
  group_id: optId,
  responder_id: optId,
  department_id: optId,
  category: optText,
  sub_category: optText,
  item_category: optText,
  requester_id: optId,
  requester: z.object({ id, name: optText, email: optText }).nullable().optional(),
  tags: z.array(z.string()).nullable().optional(),
  custom_fields: z.record(z.string(), z.unknown()).nullable().optional(),
  attachments: z.array(FsAttachment).nullable().optional(),
  created_at: timestamp,
  updated_at: timestamp,
  workspace_id: optId,
});
export type FsTicket = z.infer<typeof FsTicket>;

export const FsTicketListItem = z.object({ id, subject: optText, created_at: timestamp, updated_at: timestamp });

/** `GET /workspaces` [spec 7.6]. */
export const FsWorkspace = z.object({ id, name: optText, primary: z.boolean().nullable().optional(), state: optText });
export const WorkspaceListEnvelope = z.object({ workspaces: z.array(FsWorkspace) });

export const FsConversation = z.object({
  id,
  body: optText,
  body_text: optText,
  private: z.boolean().nullable().optional(),
  source: optNum,
  user_id: optId,
  created_at: timestamp,
  attachments: z.array(FsAttachment).nullable().optional(),
});
export type FsConversation = z.infer<typeof FsConversation>;

/** A ticket view with `include=conversations`: the first 10 conversations, oldest first [spec 5.4]; `deleted`: in the trash. */
export const FsTicketView = FsTicket.extend({ conversations: z.array(FsConversation).nullable().optional(), deleted: z.boolean().nullable().optional() });
export const TicketViewEnvelope = z.object({ ticket: FsTicketView });

export const FsRequester = z.object({ id, first_name: optText, last_name: optText, primary_email: optText });
export const FsAgent = z.object({ id, first_name: optText, last_name: optText, email: optText });

export interface FsChoice {
  id?: number | string | undefined;
  value: string;
  nested_options?: FsChoice[] | undefined;
}
export const FsChoice: z.ZodType<FsChoice> = z.lazy(() =>
  z.object({ id: z.union([z.number(), z.string()]).optional(), value: z.string(), nested_options: z.array(FsChoice).optional() }),
);

export const FsFormField = z.object({
  name: z.string(),
  label: optText,
  field_type: z.string(),
  required_for_closure: z.boolean().nullable().optional(),
  required_for_agents: z.boolean().nullable().optional(),
  choices: z.array(FsChoice).nullable().optional(),
  nested_fields: z
    .array(z.object({ name: z.string(), label: optText, level: optNum }))
    .nullable()
    .optional(),
});
export type FsFormField = z.infer<typeof FsFormField>;

export const TicketEnvelope = z.object({ ticket: FsTicket });
export const TicketListEnvelope = z.object({ tickets: z.array(FsTicketListItem) });
export const ConversationEnvelope = z.object({ conversation: FsConversation });
export const ConversationListEnvelope = z.object({ conversations: z.array(FsConversation) });
export const RequesterEnvelope = z.object({ requester: FsRequester });
export const RequesterListEnvelope = z.object({ requesters: z.array(FsRequester) });
export const AgentEnvelope = z.object({ agent: FsAgent });
export const AgentListEnvelope = z.object({ agents: z.array(FsAgent) });
export const FormFieldsEnvelope = z.object({ ticket_fields: z.array(FsFormField) });

/** 400 `{description, errors[]}` or the flat `{code, message}` of other errors [spec 2.2]. */
export const FsErrorBody = z.object({
  description: z.string().optional(),
  errors: z.array(z.object({ field: z.string().optional(), message: z.string(), code: z.string().optional() })).optional(),
  code: z.string().optional(),
  message: z.string().optional(),
});
