/** Category titles and hints, worded exactly as in the Freshservice setup guide (Troubleshooting). */

export const CATEGORY_TITLES: Record<string, string> = {
  authentication_failed: 'Authentication Failed',
  permission_denied: 'Permission Denied',
  invalid_api_url: 'Invalid API URL',
  connection_timeout: 'Connection Timeout',
  connection_refused: 'Connection Refused',
  rate_limited: 'Rate limited',
  platform_error: 'Platform error',
  not_configured: 'Not configured',
};

/** Used only when the server sends no hints of its own. */
export const GUIDE_HINTS: Record<string, string[]> = {
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
};

export function categoryTitle(code: string): string {
  return CATEGORY_TITLES[code] ?? 'Connection problem';
}

/** The categories with a section of their own in the setup guide (its heading is the title). */
const GUIDE_SECTIONS = new Set(['authentication_failed', 'permission_denied', 'invalid_api_url', 'connection_timeout', 'connection_refused']);

/** Where the setup guide in the app covers this category: its own section, else Troubleshooting. */
export function guideSectionFor(code: string): string {
  return GUIDE_SECTIONS.has(code) ? categoryTitle(code) : 'Troubleshooting';
}

export const REQUIRED_ROLES = [
  { name: 'IT Agent', purpose: 'Basic ticket operations' },
  { name: 'IT Supervisor', purpose: 'Elevated ticket management' },
  { name: 'Account Admin', purpose: 'User and field value lookups' },
] as const;
