import type { PlatformManifest, WebhookSetup } from '../../core/platform-manifest.ts';
import { REQUIRED_ROLES } from './role-rights.ts';
import { WEBHOOK_BODY } from './webhook.ts';

/** The setup guide's Troubleshooting section, word for word: users compare the screen with the guide. */
export const FRESHSERVICE_TROUBLESHOOTING: PlatformManifest['troubleshooting'] = {
  authentication_failed: [
    'Verify the API key was copied completely without extra characters',
    'Check that the API key checkbox is ticked in the agent settings',
    'Ensure the agent account is active and not disabled',
  ],
  permission_denied: [
    'Review the agent roles match those listed in Step 1.2',
    'Verify the agent has access to the required groups (Step 1.3)',
    'Ensure the API key checkbox is enabled (Step 1.4)',
  ],
  invalid_api_url: [
    'Use the complete URL including https:// (e.g., https://yourcompany.freshservice.com)',
    'Do not add /api or any other path - this is added automatically once you save',
    'Ensure there are no extra spaces or characters',
    'Verify the URL matches your actual Freshservice login page',
  ],
  connection_timeout: [
    'Verify your Freshservice instance is accessible from the internet',
    'Check that there are no IP restrictions or firewall rules blocking Support Fusion',
    'Confirm your Freshservice subscription is active',
  ],
  connection_refused: [
    'Nothing accepted the connection at this address: check the API URL for typing errors (host name and any port)',
    'Verify your Freshservice instance is accessible from the internet',
    'Check that there are no IP restrictions or firewall rules blocking Support Fusion',
  ],
  rate_limited: [
    "The platform's API rate limit is used up for this minute; wait and test again",
    'Other integrations or Marketplace apps on the same account share this limit',
  ],
  platform_error: ['The platform answered with a server error; try again in a few minutes', "If it persists, check the platform's status page"],
};

/**
 * How to point a Freshservice workflow at a webhook URL (the steps the webhook card shows). Freshservice
 * does not sign the calls: the token in the URL is the proof.
 */
function webhookSetup(url: string): WebhookSetup {
  return {
    steps: [
      'In Freshservice, go to Admin → Workflow Automator and create a new Ticket workflow.',
      'Set its events to Ticket is raised, Ticket is updated, Reply is sent and Note is added (if only one event can be chosen, make one workflow per event).',
      'In the event, set Performed by to is not your integration agent: Support Fusion’s own writes then do not call the webhook again.',
      `Add a Trigger Webhook action: Request type POST, Callback URL ${url}, Encoding JSON, Content Advanced (JSON).`,
      'As the content, enter exactly the body below (with the quotes: {{ticket.id}} renders as #INC-123, which is not valid JSON).',
      'Save and activate the workflow. Test it by adding a note to a synced ticket: it appears on your partner’s side within seconds, and Last event says accepted.',
    ],
    body: WEBHOOK_BODY,
    verification: 'url-token',
  };
}

/** Freshservice API v2 [freshservice-api.md]. */
export const freshserviceManifest: PlatformManifest = {
  id: 'freshservice',
  name: 'Freshservice',
  apiUrl: {
    label: 'API URL',
    example: 'https://yourcompany.freshservice.com',
    help: 'Your Freshservice address, as in the browser when you log in. Do not add /api or any other path.',
  },
  credentials: [
    {
      name: 'apiKey',
      label: 'API Key',
      secret: true,
      required: true,
      help: "The integration agent's key: Profile Settings > Your API Key.",
      maxLength: 256,
    },
  ],
  auth: 'basic',
  // The smallest plan's limit until the account reports its own (X-RateLimit-Total); sub-limits: rate-classes.ts.
  rateLimit: { windows: [{ windowMs: 60_000, limit: 100 }], maxConcurrent: null, reportsHeaders: true },
  capabilities: {
    changeFeed: { kind: 'updatedSince', granularityMs: 1000, settleMs: 0, commentsBumpTicket: true, reportsDeletes: false },
    status: { model: 'field', closeRequires: [], closedIsImmutable: false },
    description: { format: 'html', writable: 'always' },
    comments: {
      channels: [
        { id: 'private_note', label: 'Private note', visibility: 'internal', notifiesRequester: false },
        { id: 'public_note', label: 'Public note', visibility: 'public', notifiesRequester: false },
        { id: 'reply', label: 'Reply', visibility: 'public', notifiesRequester: true },
      ],
      writeReturnsId: true,
    },
    attachments: { level: 'ticket', maxBytes: 40 * 1024 * 1024, upload: 'multipart' },
    marker: { ticket: 'tag', comment: 'footer' },
    requesters: { scope: 'global' },
    creatableTypes: ['Incident'],
    workspaces: true,
  },
  sideSettings: [],
  setupGuide: { summary: 'A dedicated agent with the IT Agent, IT Supervisor and Account Admin roles, and its API key.', path: '/guide' },
  troubleshooting: FRESHSERVICE_TROUBLESHOOTING,
  roles: [...REQUIRED_ROLES],
  webhook: webhookSetup,
};
