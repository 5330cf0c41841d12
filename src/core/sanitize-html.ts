import sanitizeHtml from 'sanitize-html';
import type { FieldValue, TicketWrite } from './connector.ts';

/*
 * Untrusted content from one organisation's helpdesk, on its way into the other organisation's.
 *
 * HTML (descriptions, comment bodies) goes through an allowlist: helpdesk formatting survives,
 * anything that can run script, load active content, restyle the page or navigate is dropped.
 * Plain-text values (subjects, custom text fields, names) lose control characters and are capped.
 */

/** Text formatting, lists, quotes, code, headings and tables; links with checked URLs; embedded images. */
const ALLOWED_TAGS = [
  'p',
  'div',
  'br',
  'hr',
  'span',
  'strong',
  'b',
  'em',
  'i',
  'u',
  's',
  'strike',
  'sub',
  'sup',
  'ul',
  'ol',
  'li',
  'blockquote',
  'pre',
  'code',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'table',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'a',
  'img',
];

/**
 * Disallowed elements whose text is dropped with them (not just the tag): raw-text and template
 * elements, embedded documents and foreign (SVG/MathML) content, whose "text" is code, markup or junk.
 */
const DROP_WITH_CONTENT = [
  'script',
  'style',
  'textarea',
  'option',
  'select',
  'xmp',
  'noscript',
  'noembed',
  'noframes',
  'iframe',
  'template',
  'title',
  'svg',
  'math',
];

const LINK_REL = 'noopener noreferrer nofollow';
const LINK_SCHEMES = /^(https?:\/\/|mailto:)/i;
/**
 * Images the copy carries itself: a mail part (cid:) or a raster data URL. An image with a remote URL is
 * dropped: the other organisation's agents' mail clients and browsers would fetch it when they open the
 * ticket, which tells its owner who read the ticket when and from where (a tracking pixel, whatever its
 * size), and a link to the origin platform's own files would not load for them anyway.
 */
const IMAGE_SCHEMES = /^cid:/i;
/** Raster images only: an SVG (or HTML) data URL is a document that can carry script. */
const IMAGE_DATA_URL = /^data:image\/(png|jpe?g|gif|webp|bmp);base64,[a-z0-9+/=\s]*$/i;
const DIMENSION = /^\d{1,4}%?$/;
const SPAN = /^\d{1,3}$/;

/**
 * What a browser looks at to find a URL's scheme: leading/trailing C0 controls and spaces are
 * ignored, tabs and newlines anywhere are removed. (Entities are already decoded by the parser.)
 */
const schemeView = (url: string) => url.replace(/[\t\n\r]/g, '').replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');

/** An absolute URL of an allowed scheme, trimmed; null for anything else (relative URLs included). */
function checkedUrl(url: string | undefined, allowed: RegExp, dataImage = false): string | null {
  if (url === undefined) return null;
  const seen = schemeView(url);
  if (allowed.test(seen)) return seen;
  if (dataImage && IMAGE_DATA_URL.test(seen)) return seen;
  return null;
}

function keepIf(attribs: sanitizeHtml.Attributes, name: string, ok: RegExp): void {
  if (name in attribs && !ok.test(String(attribs[name]).trim())) delete attribs[name];
}

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    th: ['colspan', 'rowspan'],
    td: ['colspan', 'rowspan'],
    ol: ['start'],
  },
  nonTextTags: DROP_WITH_CONTENT,
  disallowedTagsMode: 'discard',
  // Second line of defence behind the transforms below, which are stricter.
  allowedSchemes: [],
  allowedSchemesByTag: { a: ['http', 'https', 'mailto'], img: ['cid', 'data'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  allowVulnerableTags: false,
  parseStyleAttributes: false,
  transformTags: {
    a: (tagName, attribs) => {
      const href = checkedUrl(attribs.href, LINK_SCHEMES);
      const out: sanitizeHtml.Attributes = {};
      if (href) Object.assign(out, { href, rel: LINK_REL });
      if (attribs.title !== undefined) out.title = attribs.title;
      return { tagName, attribs: out };
    },
    img: (tagName, attribs) => {
      const src = checkedUrl(attribs.src, IMAGE_SCHEMES, true);
      const out: sanitizeHtml.Attributes = { ...attribs };
      if (src) out.src = src;
      else delete out.src;
      keepIf(out, 'width', DIMENSION);
      keepIf(out, 'height', DIMENSION);
      return { tagName, attribs: out };
    },
    td: (tagName, attribs) => spans(tagName, attribs),
    th: (tagName, attribs) => spans(tagName, attribs),
    ol: (tagName, attribs) => {
      keepIf(attribs, 'start', SPAN);
      return { tagName, attribs };
    },
  },
  // An image whose source was refused is dropped entirely (nothing would show anyway).
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
};

function spans(tagName: string, attribs: sanitizeHtml.Attributes) {
  keepIf(attribs, 'colspan', SPAN);
  keepIf(attribs, 'rowspan', SPAN);
  return { tagName, attribs };
}

/**
 * Helpdesk HTML from the other organisation, made safe to write into ours. Allowed: p, div, br, hr,
 * span, strong/b, em/i, u, s/strike, sub/sup, ul/ol/li, blockquote, pre/code, h1–h6, tables,
 * a[href] (absolute http/https/mailto; rel="noopener noreferrer nofollow" added), img[src]
 * (cid: and raster data:image only, never a remote URL) with alt/title/width/height. Everything else is
 * dropped: script/style/iframe/object/embed/form/input/svg/math/meta/base/link elements, every
 * on* handler, style/class/id attributes, comments, and any other URL (javascript:, vbscript:,
 * data:text/html, data:image/svg+xml, relative and protocol-relative URLs, remote image sources).
 */
export function sanitizeTicketHtml(html: string): string {
  if (!html) return '';
  // A dropped element can leave a structure that parses differently the next time (a table left
  // inside a paragraph); passing again until nothing changes makes the result stable, so a copy
  // sanitised on the way back is unchanged and never looks like an edit.
  let out = sanitizeHtml(html, OPTIONS);
  for (let i = 0; i < 4; i++) {
    const again = sanitizeHtml(out, OPTIONS);
    if (again === out) break;
    out = again;
  }
  return out;
}

/** Default cap for plain-text values (custom text fields, names): far above any real value. */
export const PLAIN_TEXT_MAX = 10_000;
/** Ticket subjects: most helpdesks keep subjects to 255 characters. */
export const SUBJECT_MAX = 255;

// C0 controls except tab/newline/carriage return, DEL, C1 controls, and the bidirectional
// embedding/override/isolate marks that can make text display as something else ("Trojan Source").
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A plain-text value (subject, custom text field, name) from the other organisation: control
 * characters removed, lone surrogates replaced, optionally made one line, capped at `maxLength`
 * characters (an ellipsis marks the cut). Markup is left as text: the receiving platform escapes it.
 */
export function plainText(s: string, opts: { maxLength?: number; singleLine?: boolean } = {}): string {
  const max = opts.maxLength ?? PLAIN_TEXT_MAX;
  let out = s.replace(CONTROL, '').replace(LONE_SURROGATE, '\ufffd');
  if (opts.singleLine) out = out.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  const chars = Array.from(out);
  return chars.length <= max ? out : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** A subject for the other side: one line, at most SUBJECT_MAX characters. */
export const plainSubject = (s: string) => plainText(s, { maxLength: SUBJECT_MAX, singleLine: true });

/** A ticket write for the other side: description sanitised, subject and text field values made plain. */
export function sanitizeTicketWrite<T extends TicketWrite>(write: T): T {
  const out: T = { ...write };
  if (out.subject !== undefined) out.subject = plainSubject(out.subject);
  if (out.description !== undefined) out.description = sanitizeTicketHtml(out.description);
  if (out.fields) {
    const fields: Record<string, FieldValue> = {};
    for (const [k, v] of Object.entries(out.fields)) fields[k] = typeof v === 'string' ? plainText(v) : v;
    out.fields = fields;
  }
  return out;
}
