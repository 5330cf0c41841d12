/** Outcome of "Test Connection", shared by every platform connector and the HTTP API. */
export const connectionTestErrorCodes = [
  'authentication_failed',
  'permission_denied',
  'invalid_api_url',
  'connection_timeout',
  // Added after the guide's four: nothing listens at the address (a wrong port or host), which no wait fixes.
  'connection_refused',
  'rate_limited',
  'platform_error',
] as const;
export type ConnectionTestErrorCode = (typeof connectionTestErrorCodes)[number];

export const checkStatuses = ['passed', 'failed', 'skipped'] as const;
export interface ConnectionCheck {
  id: string;
  label: string;
  status: (typeof checkStatuses)[number];
  detail?: string;
}

export interface ConnectionTestFailure {
  code: ConnectionTestErrorCode;
  message: string;
  hints: string[];
}

export type ConnectionTestResult =
  | {
      ok: true;
      // Jira account ids are strings (`712020:7bf4…`); Freshservice's are numbers.
      agent: { id: number | string; name: string; email: string };
      roles: string[];
      groupAccess: { scope: 'all' | 'selected'; groups: Array<{ id: number; name: string }> };
      warnings: string[];
      checks: ConnectionCheck[];
    }
  | { ok: false; error: ConnectionTestFailure; checks: ConnectionCheck[] };

/** The setup guide's Troubleshooting section, word for word: users compare the screen with the guide. */
export const TROUBLESHOOTING_HINTS: Record<ConnectionTestErrorCode, string[]> = {
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
