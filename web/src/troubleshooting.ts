/**
 * Test Connection's failure categories, the same for every platform; the hints under them are the
 * platform's own (its manifest's troubleshooting, or the server's answer).
 */

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

export function categoryTitle(code: string): string {
  return CATEGORY_TITLES[code] ?? 'Connection problem';
}

/** The categories with a section of their own in a setup guide (its heading is the title). */
const GUIDE_SECTIONS = new Set(['authentication_failed', 'permission_denied', 'invalid_api_url', 'connection_timeout', 'connection_refused']);

/** Where a setup guide covers this category: its own section, else Troubleshooting. */
export function guideSectionFor(code: string): string {
  return GUIDE_SECTIONS.has(code) ? categoryTitle(code) : 'Troubleshooting';
}

/** The hints to show: the server's, else the platform's troubleshooting lines for the category. */
export function hintsFor(code: string, fromServer: string[] | undefined, troubleshooting: Partial<Record<string, string[]>> | undefined): string[] {
  return fromServer?.length ? fromServer : (troubleshooting?.[code] ?? []);
}
