/**
 * Atlassian Document Format ⇄ the product's canonical rich text (sanitised HTML) [jira-api.md §6].
 * ADF → HTML here, HTML → ADF in adf-from-html.ts. Both speak one small vocabulary (paragraphs,
 * headings, lists, code, quotes, rules, tables, and the marks in MARK_ORDER), so a text that went
 * through both once is a fixed point: it comes back unchanged and never looks like an edit.
 * What has no canonical form (media, mentions, emoji, cards, panels) is carried as text or its content.
 */
import { sanitizeTicketHtml } from '../../core/sanitize-html.ts';
import { canonicalMarks, collapseSpace, mergeTexts, simplifyBlocks, type AdfMark, type AdfNode } from './adf-types.ts';

export type { AdfDoc, AdfNode } from './adf-types.ts';
export { htmlToAdf } from './adf-from-html.ts';

const MAX_DEPTH = 40;

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const asNodes = (v: unknown): AdfNode[] => (Array.isArray(v) ? v.filter((n): n is AdfNode => !!n && typeof n === 'object' && typeof n.type === 'string') : []);
const attr = (n: AdfNode, name: string): unknown => (n.attrs && typeof n.attrs === 'object' ? n.attrs[name] : undefined);

function wrapMarks(html: string, marks: AdfMark[]): string {
  let out = html;
  for (const m of [...marks].reverse()) {
    if (m.type === 'link') out = `<a href="${escapeHtml(String(m.attrs?.href))}">${out}</a>`;
    else if (m.type === 'strong') out = `<strong>${out}</strong>`;
    else if (m.type === 'em') out = `<em>${out}</em>`;
    else if (m.type === 'underline') out = `<u>${out}</u>`;
    else if (m.type === 'strike') out = `<s>${out}</s>`;
    else if (m.type === 'subsup') out = m.attrs?.type === 'sup' ? `<sup>${out}</sup>` : `<sub>${out}</sub>`;
    else if (m.type === 'code') out = `<code>${out}</code>`;
  }
  return out;
}

/** Inline nodes as text nodes and hard breaks (what the canonical form keeps of them). */
function inlineNodes(nodes: AdfNode[]): AdfNode[] {
  const out: AdfNode[] = [];
  for (const n of nodes) {
    if (n.type === 'text' && typeof n.text === 'string') out.push({ type: 'text', text: n.text, marks: canonicalMarks(n.marks) });
    else if (n.type === 'hardBreak') out.push({ type: 'hardBreak' });
    else if (n.type === 'mention') out.push({ type: 'text', text: String(attr(n, 'text') ?? '@someone'), marks: [] });
    else if (n.type === 'emoji') out.push({ type: 'text', text: String(attr(n, 'text') ?? attr(n, 'shortName') ?? ''), marks: [] });
    else if (n.type === 'inlineCard' || n.type === 'blockCard') {
      const url = attr(n, 'url');
      if (typeof url === 'string') out.push({ type: 'text', text: url, marks: canonicalMarks([{ type: 'link', attrs: { href: url } }]) });
    } else if (n.type === 'status' || n.type === 'placeholder') out.push({ type: 'text', text: String(attr(n, 'text') ?? ''), marks: [] });
    else if (n.type === 'date') {
      const ts = Number(attr(n, 'timestamp'));
      if (Number.isFinite(ts)) out.push({ type: 'text', text: new Date(ts).toISOString().slice(0, 10), marks: [] });
    }
  }
  return mergeTexts(out.map((t) => (t.type === 'text' && t.marks?.length === 0 ? { type: 'text', text: t.text ?? '' } : t))).map((t) =>
    t.type === 'text' ? { ...t, text: collapseSpace(t.text ?? '') } : t,
  );
}

function inlineHtml(nodes: AdfNode[]): string {
  return inlineNodes(nodes)
    .map((n) => (n.type === 'hardBreak' ? '<br />' : wrapMarks(escapeHtml(n.text ?? ''), n.marks ?? [])))
    .join('');
}

function codeText(nodes: AdfNode[]): string {
  return nodes.map((n) => (n.type === 'text' ? (n.text ?? '') : n.type === 'hardBreak' ? '\n' : '')).join('');
}

function blocksHtml(nodes: AdfNode[], depth: number): string {
  if (depth > MAX_DEPTH) return '';
  return nodes.map((n) => blockHtml(n, depth + 1)).join('');
}

function blockHtml(n: AdfNode, depth: number): string {
  const content = asNodes(n.content);
  switch (n.type) {
    case 'paragraph':
      return `<p>${inlineHtml(content)}</p>`;
    case 'heading': {
      const level = Math.min(6, Math.max(1, Math.trunc(Number(attr(n, 'level')) || 1)));
      return `<h${level}>${inlineHtml(content)}</h${level}>`;
    }
    case 'bulletList':
    case 'orderedList': {
      const tag = n.type === 'bulletList' ? 'ul' : 'ol';
      const items = content.filter((c) => c.type === 'listItem').map((c) => `<li>${blocksHtml(simplifyBlocks(asNodes(c.content)), depth) || '<p></p>'}</li>`);
      return items.length > 0 ? `<${tag}>${items.join('')}</${tag}>` : '';
    }
    case 'codeBlock':
      return `<pre><code>${escapeHtml(codeText(content))}</code></pre>`;
    case 'blockquote':
    case 'panel': {
      const inner = blocksHtml(simplifyBlocks(content), depth);
      return inner ? `<blockquote>${inner}</blockquote>` : '';
    }
    case 'rule':
      return '<hr />';
    case 'table': {
      const rows = content
        .filter((r) => r.type === 'tableRow')
        .map((r) => {
          const cells = asNodes(r.content)
            .filter((c) => c.type === 'tableCell' || c.type === 'tableHeader')
            .map((c) => {
              const tag = c.type === 'tableHeader' ? 'th' : 'td';
              const inner = blocksHtml(
                asNodes(c.content).filter((b) => b.type !== 'table'),
                depth,
              );
              return `<${tag}>${inner || '<p></p>'}</${tag}>`;
            });
          return cells.length > 0 ? `<tr>${cells.join('')}</tr>` : '';
        })
        .filter(Boolean);
      return rows.length > 0 ? `<table><tbody>${rows.join('')}</tbody></table>` : '';
    }
    case 'mediaSingle':
    case 'mediaGroup':
    case 'media':
      // Files travel as attachments; their place in the text has no canonical form.
      return '';
    case 'text':
    case 'hardBreak':
    case 'mention':
    case 'emoji':
    case 'inlineCard':
      return `<p>${inlineHtml([n])}</p>`;
    default:
      // expand, nestedExpand, layouts, decision and task lists...: their content is kept.
      return content.length > 0 ? blocksHtml(content, depth) : '';
  }
}

/** An ADF document (a description or comment body) as sanitised canonical HTML; '' for none. */
export function adfToHtml(doc: unknown): string {
  if (!doc || typeof doc !== 'object') return '';
  const root = doc as AdfNode;
  if (root.type !== 'doc') return '';
  return sanitizeTicketHtml(blocksHtml(asNodes(root.content), 0));
}

/** The plain text of an ADF document (comment `bodyText`, marker look-ups). */
export function adfToText(doc: unknown): string {
  const parts: string[] = [];
  const walk = (nodes: AdfNode[], depth: number) => {
    if (depth > MAX_DEPTH) return;
    for (const n of nodes) {
      if (n.type === 'text' && typeof n.text === 'string') parts.push(n.text);
      else if (n.type === 'hardBreak') parts.push('\n');
      else {
        walk(asNodes(n.content), depth + 1);
        if (['paragraph', 'heading', 'codeBlock', 'listItem', 'tableRow'].includes(n.type)) parts.push('\n');
      }
    }
  };
  if (doc && typeof doc === 'object') walk(asNodes((doc as AdfNode).content), 0);
  return parts
    .join('')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
