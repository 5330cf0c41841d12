/**
 * Setup guides inside the app: a platform's manifest names the app path of its guide (`setupGuide.path`),
 * whose Markdown is bundled from docs/ (no request leaves for it).
 */

/** Anchors are the slugs of the guide's headings: "Connection Timeout" → connection-timeout. */
export function headingSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9\s-]/g, '')
    .trim()
    .replace(/\s+/g, '-');
}

/** The heading of a guide's webhook section, word for word (every bundled guide uses it). */
export const WEBHOOK_HEADING = 'Real-time updates (webhook)';
const WEBHOOK_SECTION = headingSlug(WEBHOOK_HEADING);

/** A link into a platform's guide (`base`, its setupGuide.path), at a section when given ("webhook" or a heading's text); null without a guide. */
export function guidePath(base: string | null | undefined, section?: string): string | null {
  if (!base) return null;
  if (!section) return base;
  return `${base}#${section === 'webhook' ? WEBHOOK_SECTION : headingSlug(section)}`;
}
