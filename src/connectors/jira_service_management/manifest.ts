import type { PlatformManifest } from '../../core/platform-manifest.ts';
import { jiraOAuthSettings } from './oauth-settings.ts';

/** Test Connection's hints, written for Jira Cloud; the setup guide (docs/connectors/jira.md) repeats them word for word. */
export const JIRA_TROUBLESHOOTING: PlatformManifest['troubleshooting'] = {
  authentication_failed: [
    'Verify the API token was copied completely, without spaces or line breaks',
    'Check that the e-mail is the one of the Atlassian account that created the token',
    'API tokens expire (at most one year after creation): create a new one at id.atlassian.com > Security > API tokens if it has',
    'Ensure the account is active and has Jira Service Management product access (admin.atlassian.com > Users)',
  ],
  permission_denied: [
    'Add the integration account to the project role that has Browse Projects, Create Issues, Edit Issues, Transition Issues, Add Comments and Create Attachments (Project settings > People)',
    'In a service project, make the account an agent (Service Desk Team role) so it can see requests and customers',
    'Jira answers "not found" for issues the account may not see: check the project and the issue security level',
  ],
  invalid_api_url: [
    'Use the address you see in the browser when Jira is open, e.g. https://yourcompany.atlassian.net',
    'Do not add /jira, /rest/api/3 or any other path - they are removed automatically when you save',
    'Ensure there are no extra spaces or characters',
    'Jira Data Center (on your own server) and custom domains are not supported',
  ],
  connection_timeout: [
    'Check https://status.atlassian.com for an outage of your region',
    'If your site restricts access by IP address (Atlassian Guard IP allowlisting), allow Support Fusion',
    'Try again in a minute',
  ],
  connection_refused: [
    'Nothing accepted the connection at this address: check the site URL for typing errors',
    'Check https://status.atlassian.com for an outage of your region',
  ],
  rate_limited: [
    "Jira's API rate limit is used up for the moment; wait a minute and test again",
    'Other integrations and Marketplace apps on the same site share the burst limit',
  ],
  platform_error: ['Jira answered with a server error; try again in a few minutes', 'If it persists, check https://status.atlassian.com'],
};

/** The project permissions sync needs, as Jira's permission scheme screens spell them (and their API keys). */
export const REQUIRED_PERMISSIONS: ReadonlyArray<{ key: string; name: string; required: boolean }> = [
  { key: 'BROWSE_PROJECTS', name: 'Browse Projects', required: true },
  { key: 'CREATE_ISSUES', name: 'Create Issues', required: true },
  { key: 'EDIT_ISSUES', name: 'Edit Issues', required: true },
  { key: 'TRANSITION_ISSUES', name: 'Transition Issues', required: true },
  { key: 'ADD_COMMENTS', name: 'Add Comments', required: true },
  { key: 'CREATE_ATTACHMENTS', name: 'Create Attachments', required: false },
];

export const ISSUE_MARKER_PROPERTY = 'support-fusion.marker';

/** Jira Cloud REST v3 and the JSM REST API [jira-api.md]. */
export const jiraManifest: PlatformManifest = {
  id: 'jira_service_management',
  name: 'Jira Service Management',
  apiUrl: {
    label: 'Site URL',
    example: 'https://yourcompany.atlassian.net',
    help: 'The address of your Jira site, as in the browser. A pasted link to a project or an issue is fine: the path is removed.',
  },
  credentials: [
    {
      name: 'email',
      label: 'E-mail',
      secret: false,
      // Both or neither: left empty, the site is connected with OAuth (where this instance has an Atlassian app).
      required: false,
      help: "The integration account's Atlassian e-mail address (the account that created the API token). Leave it and the API token empty to use Connect (OAuth) instead, where offered.",
      maxLength: 254,
      pattern: { source: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$', message: 'Enter an e-mail address, e.g. support-sync@yourcompany.com.' },
      example: 'support-sync@yourcompany.com',
    },
    {
      name: 'apiToken',
      label: 'API token',
      secret: true,
      required: false,
      help: 'Created at id.atlassian.com > Security > Create and manage API tokens (a classic token, not a scoped one). Tokens expire; note the date.',
      maxLength: 512,
    },
  ],
  auth: 'basic',
  // The second way in: the instance's Atlassian app (3LO), through the API gateway (auth.ts).
  oauth: jiraOAuthSettings,
  rateLimit: {
    // Account-wide windows only: the hourly points quota (OAuth apps; API-token traffic is exempt) and the
    // burst rate at the slowest method's steady rate (PUT 50/s). Per-endpoint bursts and per-issue write
    // windows (20 per 2 s on one issue) are not account-wide: their 429s pause only that endpoint or issue
    // (RateLimit-Reason) [jira-api.md §3].
    windows: [
      { windowMs: 3_600_000, limit: 65_000 },
      { windowMs: 1_000, limit: 50 },
    ],
    maxConcurrent: null,
    reportsHeaders: true,
  },
  capabilities: {
    // Minute precision in the account's time zone, and a search index that lags behind writes [§4.1, §7].
    changeFeed: { kind: 'opaqueCursor', granularityMs: 60_000, settleMs: 60_000, commentsBumpTicket: true, reportsDeletes: false },
    status: { model: 'transitions', closeRequires: [], closedIsImmutable: false },
    description: { format: 'adf', writable: 'always' },
    comments: {
      channels: [
        { id: 'internal', label: 'Internal comment', visibility: 'internal', notifiesRequester: false },
        { id: 'public', label: 'Reply to customer', visibility: 'public', notifiesRequester: true },
      ],
      writeReturnsId: true,
    },
    attachments: { level: 'ticket', maxBytes: 25 * 1024 * 1024, upload: 'multipart' },
    marker: { ticket: 'property', comment: 'footer' },
    requesters: { scope: 'project' },
    creatableTypes: [],
    workspaces: false,
  },
  sideSettings: [
    { name: 'project', label: 'Project', help: 'The key of the Jira project (e.g. SUP) whose issues are synced and where copies are created.', required: true },
    {
      name: 'issueType',
      label: 'Issue type',
      help: "The issue type of created issues (e.g. [System] Service request); the partner's ticket type is used when the project has it.",
      required: false,
    },
    {
      name: 'requestType',
      label: 'Request type',
      help: 'Service projects: the request type of created issues, by name (e.g. Get IT help); they are raised on behalf of the requester. Its request form must show the Labels field. Left blank: the only request type of the issue type whose form shows Labels, else a plain issue.',
      required: false,
    },
  ],
  setupGuide: {
    summary: 'A dedicated Atlassian account with agent access to the project (Service Desk Team role), its e-mail and an API token.',
    path: '/guide/jira_service_management',
    // Bundled into the web app, which shows it at `path`.
    file: 'docs/connectors/jira.md',
  },
  troubleshooting: JIRA_TROUBLESHOOTING,
  // What Test Connection checks and answers as held (project permissions; the Service Desk Team role is how the guide grants them).
  roles: REQUIRED_PERMISSIONS.map((p) => p.name),
  webhook: (url) => ({
    steps: [
      'In Jira, open Settings (gear) > System > WebHooks (needs Jira administrator rights) and choose Create a WebHook.',
      `URL: ${url}`,
      'Secret: paste the signing secret shown on this card (Jira signs each call with it, HMAC-SHA256; calls with another signature are refused).',
      'Events: Issue created, updated and deleted; Comment created, updated and deleted. Optionally a JQL filter such as project = SUP.',
      'Leave "Exclude body" unticked, and save.',
    ],
    body: null,
    verification: 'hmac-sha256',
  }),
};
