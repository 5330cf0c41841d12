/** The setup guide inside the app (docs/freshservice-setup.md, bundled: no request leaves for it). */
export const GUIDE_PATH = '/guide';

/** Anchors are the slugs of the guide's headings: "Connection Timeout" → connection-timeout. */
export function headingSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9\s-]/g, '')
    .trim()
    .replace(/\s+/g, '-');
}

/** A link into the guide, at a section when given ("webhook" or a heading's text). */
export function guidePath(section?: string): string {
  if (!section) return GUIDE_PATH;
  return `${GUIDE_PATH}#${section === 'webhook' ? WEBHOOK_SECTION : headingSlug(section)}`;
}

/** The guide's section on the Workflow Automator webhook (its heading, word for word). */
export const WEBHOOK_HEADING = 'Real-time updates (webhook)';
const WEBHOOK_SECTION = headingSlug(WEBHOOK_HEADING);
