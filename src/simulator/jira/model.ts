// The simulated site's records. Ids are numeric strings like Jira's; times are epoch ms (formatted per caller).

export type Adf = { type: 'doc'; version: 1; content: unknown[] };
export type CategoryKey = 'new' | 'indeterminate' | 'done';

export interface JiraUser {
  accountId: string;
  email: string;
  displayName: string;
  timeZone: string;
  accountType: 'atlassian' | 'customer' | 'app';
  active: boolean;
  /** API token (Basic e-mail:token); null for portal-only customers, who cannot call the API. */
  token: string | null;
  /** Token expiry (ms); after it the token is refused like a wrong one [spec 1.2]. */
  tokenExpiresMs: number | null;
  admin: boolean;
  /** Create/edit/transition/comment/attach; false: browse only. */
  canWrite: boolean;
  profile: string | null;
}

export interface Status {
  id: string;
  name: string;
  category: CategoryKey;
}

export interface Transition {
  id: string;
  name: string;
  to: string;
  /** Status ids it is available from; empty = global (from any status). */
  from: string[];
  /** The transition screen asks for a resolution (done transitions). */
  resolutionScreen: boolean;
}

export interface IssueType {
  id: string;
  name: string;
  description: string;
}

export interface RequestType {
  id: string;
  name: string;
  issueTypeId: string;
  description: string;
  /** The request form [spec 12]; absent: summary (required) and description. Hidden fields take their preset. */
  fields?: RequestTypeField[];
}

export interface RequestTypeField {
  fieldId: string;
  name: string;
  required: boolean;
  visible: boolean;
  /** What a hidden field is set to on every request. */
  preset?: unknown;
}

export interface CustomField {
  id: string;
  name: string;
  type: 'string' | 'option' | 'textarea';
  options?: Array<{ id: string; value: string }>;
  requiredOnCreate?: boolean;
}

export interface Project {
  id: string;
  key: string;
  name: string;
  projectTypeKey: 'service_desk' | 'software';
  issueTypes: IssueType[];
  statuses: Status[];
  transitions: Transition[];
  initialStatus: string;
  /** JSM service desk id (service_desk projects only). */
  serviceDeskId: string | null;
  requestTypes: RequestType[];
  nextNumber: number;
}

export interface Issue {
  id: string;
  key: string;
  projectId: string;
  issueTypeId: string;
  summary: string;
  description: Adf | null;
  statusId: string;
  priorityId: string | null;
  assigneeId: string | null;
  reporterId: string | null;
  creatorId: string;
  labels: string[];
  resolutionId: string | null;
  resolutionMs: number | null;
  created: number;
  updated: number;
  statusChangedMs: number;
  custom: Record<string, unknown>;
  properties: Record<string, unknown>;
  requestTypeId: string | null;
  participants: string[];
}

export interface Comment {
  id: string;
  issueId: string;
  authorId: string;
  body: Adf;
  created: number;
  updated: number;
  /** Visible to JSM customers (false: internal note) [spec 9.1]. */
  jsdPublic: boolean;
  properties: Record<string, unknown>;
}

export interface Attachment {
  id: string;
  issueId: string;
  filename: string;
  mimeType: string;
  data: Buffer;
  authorId: string;
  created: number;
  /** Grants access to the media URL the content endpoint redirects to. */
  mediaToken: string;
}

export interface AdminWebhook {
  id: string;
  name: string;
  url: string;
  events: string[];
  jql: string | null;
  secret: string | null;
  enabled: boolean;
  excludeBody: boolean;
}

export const PRIORITIES = [
  { id: '1', name: 'Highest' },
  { id: '2', name: 'High' },
  { id: '3', name: 'Medium' },
  { id: '4', name: 'Low' },
  { id: '5', name: 'Lowest' },
] as const;

export const RESOLUTIONS = [
  { id: '10000', name: 'Done', description: 'Work has been completed on this issue.' },
  { id: '10001', name: "Won't Do", description: 'This issue won’t be actioned.' },
  { id: '10002', name: 'Duplicate', description: 'The problem is a duplicate of an existing issue.' },
] as const;

/** Status category ids as Jira has them: 2 new, 4 indeterminate, 3 done [spec 5.2]. */
export const CATEGORIES: Record<CategoryKey, { id: number; colorName: string; name: string }> = {
  new: { id: 2, colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, colorName: 'green', name: 'Done' },
};
