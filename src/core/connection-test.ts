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

/**
 * What the account can reach, for a platform whose scope is not groups (the projects it may browse):
 * shown in place of the group access, which such a platform answers only for the contract's sake.
 */
export interface AccessScope {
  /** The heading, e.g. "Project access". */
  title: string;
  /** One line, e.g. "Browse access: 2 projects". */
  summary: string;
  /** What it reaches, each named as shown, e.g. "SUP (Support)". */
  items: Array<{ id: number | string; name: string }>;
}

export type ConnectionTestResult =
  | {
      ok: true;
      // Some platforms' account ids are strings (`712020:7bf4…`), others' numbers.
      agent: { id: number | string; name: string; email: string };
      roles: string[];
      groupAccess: { scope: 'all' | 'selected'; groups: Array<{ id: number; name: string }> };
      accessScope?: AccessScope;
      warnings: string[];
      checks: ConnectionCheck[];
    }
  | { ok: false; error: ConnectionTestFailure; checks: ConnectionCheck[] };

/**
 * Hints for no platform in particular, one list per category (the categories every manifest's
 * `troubleshooting` covers). Test Connection answers the platform's own hints, from its manifest; these are
 * for a caller without one.
 */
export const TROUBLESHOOTING_HINTS: Record<ConnectionTestErrorCode, string[]> = {
  authentication_failed: [
    'Verify the credentials were copied completely without extra characters',
    'Ensure the integration account is active and not disabled',
  ],
  permission_denied: ["Review the integration account's roles against those listed in the setup guide"],
  invalid_api_url: ['Use the complete URL including https://', 'Ensure there are no extra spaces or characters'],
  connection_timeout: [
    'Verify the platform is accessible from the internet',
    'Check that there are no IP restrictions or firewall rules blocking Support Fusion',
  ],
  connection_refused: ['Nothing accepted the connection at this address: check the API URL for typing errors (host name and any port)'],
  rate_limited: ["The platform's API rate limit is used up for now; wait and test again"],
  platform_error: ['The platform answered with a server error; try again in a few minutes', "If it persists, check the platform's status page"],
};
