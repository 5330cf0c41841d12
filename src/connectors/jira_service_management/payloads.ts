import { z } from 'zod';

// Jira payloads the connector reads [jira-api.md §5, §8–§12]. Only the members used are declared, optional
// or nullable wherever a real answer may leave them out; unknown members pass (Jira adds them freely).

/** Ids are numeric strings; some docs examples show numbers [§10]: both are read as strings. */
const idString = z.union([z.string().min(1).max(64), z.number().int()]).transform(String);
const optText = z.string().nullable().optional();
const jiraTime = z.string().refine((s) => !Number.isNaN(Date.parse(jiraIso(s))), 'not a Jira date-time');

/** `2026-04-28T15:33:15.438+0200` (offset without colon) → ISO 8601 in UTC. */
export function jiraIso(s: string): string {
  const withColon = s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const t = Date.parse(withColon);
  return Number.isNaN(t) ? s : new Date(t).toISOString();
}

export const JiraUser = z.object({
  accountId: z.string().min(1).max(200),
  emailAddress: optText,
  displayName: optText,
  active: z.boolean().optional(),
  accountType: optText,
  timeZone: optText,
});
export type JiraUser = z.infer<typeof JiraUser>;

export const StatusCategory = z.object({ key: z.string(), name: optText });
export const JiraStatus = z.object({ id: idString, name: z.string(), statusCategory: StatusCategory.optional() });
export type JiraStatus = z.infer<typeof JiraStatus>;

export const JiraAttachment = z.object({
  id: idString,
  filename: z.string(),
  size: z.number().nonnegative().optional(),
  mimeType: optText,
  content: optText,
});
export type JiraAttachment = z.infer<typeof JiraAttachment>;

export const JiraComment = z.object({
  id: idString,
  body: z.unknown().optional(),
  author: JiraUser.nullable().optional(),
  created: jiraTime,
  updated: jiraTime.optional(),
  jsdPublic: z.boolean().optional(),
  visibility: z.object({ type: z.string(), value: z.string().optional() }).nullable().optional(),
  properties: z.array(z.object({ key: z.string(), value: z.unknown() })).optional(),
});
export type JiraComment = z.infer<typeof JiraComment>;

export const CommentPage = z.object({
  comments: z.array(JiraComment),
  startAt: z.number().int().nonnegative().optional(),
  maxResults: z.number().int().nonnegative().optional(),
  total: z.number().int().nonnegative().optional(),
});

const named = z.object({ id: idString, name: z.string() });

export const IssueFields = z
  .object({
    summary: optText,
    description: z.unknown().optional(),
    status: JiraStatus.nullable().optional(),
    issuetype: named.nullable().optional(),
    priority: named.nullable().optional(),
    resolution: named.nullable().optional(),
    project: z.object({ id: idString, key: z.string(), name: optText }).nullable().optional(),
    reporter: JiraUser.nullable().optional(),
    labels: z.array(z.string()).nullable().optional(),
    created: jiraTime.optional(),
    updated: jiraTime.optional(),
    attachment: z.array(JiraAttachment).nullable().optional(),
    comment: CommentPage.nullable().optional(),
  })
  .catchall(z.unknown());

export const JiraIssue = z.object({
  id: idString,
  key: z.string().min(1).max(100),
  fields: IssueFields,
  properties: z.record(z.string(), z.unknown()).optional(),
});
export type JiraIssue = z.infer<typeof JiraIssue>;

export const SearchPage = z.object({
  issues: z.array(
    z.object({
      id: idString,
      key: z.string().optional(),
      fields: z
        .object({ updated: jiraTime.optional(), labels: z.array(z.string()).nullable().optional() })
        .catchall(z.unknown())
        .optional(),
    }),
  ),
  nextPageToken: z.string().max(4096).nullable().optional(),
  isLast: z.boolean().optional(),
});

export const CreatedIssue = z.object({ id: idString, key: z.string() });

export const Transition = z.object({
  id: idString,
  name: z.string(),
  to: JiraStatus,
  isAvailable: z.boolean().optional(),
  fields: z
    .record(
      z.string(),
      z.object({ required: z.boolean().optional(), allowedValues: z.array(z.object({ id: idString.optional(), name: z.string().optional() })).optional() }),
    )
    .optional(),
});
export type Transition = z.infer<typeof Transition>;
export const TransitionList = z.object({ transitions: z.array(Transition) });

export const Myself = JiraUser.extend({ timeZone: optText, locale: optText });

export const ProjectSummary = z.object({ id: idString, key: z.string(), name: z.string(), projectTypeKey: optText });
export const ProjectPage = z.object({ values: z.array(ProjectSummary), isLast: z.boolean().optional(), total: z.number().optional() });
export const ProjectDetail = ProjectSummary.extend({
  issueTypes: z.array(z.object({ id: idString, name: z.string(), subtask: z.boolean().optional() })).optional(),
});

/** `/project/{key}/statuses`: the statuses of each issue type. */
export const ProjectStatuses = z.array(z.object({ id: idString.optional(), name: z.string(), statuses: z.array(JiraStatus) }));
export const AllStatuses = z.array(JiraStatus);

export const PriorityPage = z.object({ values: z.array(named), isLast: z.boolean().optional(), startAt: z.number().optional() });

export const UserList = z.array(JiraUser);
export const ServiceDeskPage = z.object({
  values: z.array(z.object({ id: idString, projectKey: z.string(), projectId: idString.optional() })),
  isLastPage: z.boolean().optional(),
});
export const JsmCustomer = z.object({ accountId: z.string().min(1), emailAddress: optText, displayName: optText });
export const JsmCustomerPage = z.object({ values: z.array(JsmCustomer), isLastPage: z.boolean().optional() });
export const AttachmentList = z.array(JiraAttachment);
export const AttachmentMeta = z.object({ enabled: z.boolean(), uploadLimit: z.number().optional() });
export const MyPermissions = z.object({ permissions: z.record(z.string(), z.object({ havePermission: z.boolean() })) });

export const JiraErrorBody = z.object({
  errorMessages: z.array(z.string()).optional(),
  errors: z.record(z.string(), z.string()).optional(),
  errorMessage: z.string().optional(),
  message: z.string().optional(),
});

const FieldSchema = z.object({ type: z.string(), items: z.string().optional(), custom: z.string().optional() }).optional();

/** `/rest/api/3/field` [§12]. */
export const FieldList = z.array(z.object({ id: z.string(), name: z.string(), custom: z.boolean().optional(), schema: FieldSchema }));

/** `/issue/createmeta/{project}/issuetypes/{id}` [§12]. */
export const CreateMetaPage = z.object({
  fields: z.array(
    z.object({
      fieldId: z.string(),
      name: z.string(),
      required: z.boolean().optional(),
      hasDefaultValue: z.boolean().optional(),
      schema: FieldSchema,
      allowedValues: z.array(z.object({ id: idString.optional(), value: z.string().optional(), name: z.string().optional() })).optional(),
    }),
  ),
  startAt: z.number().optional(),
  total: z.number().optional(),
});
