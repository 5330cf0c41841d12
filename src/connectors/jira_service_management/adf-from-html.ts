/**
 * Canonical HTML → ADF (the other half of adf.ts). The HTML is sanitised first, so only the allowlisted
 * tags arrive; a small tokenizer builds a tree and the tree becomes ADF blocks, with stray inline content
 * gathered into paragraphs and blocks a container may not hold flattened into ones it may.
 */
import { sanitizeTicketHtml } from '../../core/sanitize-html.ts';
import { collapseSpace, mergeTexts, SAFE_HREF, simplifyBlocks, textNode, type AdfDoc, type AdfMark, type AdfNode } from './adf-types.ts';

interface El {
  tag: string;
  attrs: Record<string, string>;
  children: Array<El | string>;
}

const VOID = new Set(['br', 'hr', 'img']);
const BLOCK = new Set([
  'p',
  'div',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'blockquote',
  'pre',
  'hr',
  'table',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
]);
const MARK_TAGS: Record<string, AdfMark> = {
  strong: { type: 'strong' },
  b: { type: 'strong' },
  em: { type: 'em' },
  i: { type: 'em' },
  u: { type: 'underline' },
  s: { type: 'strike' },
  strike: { type: 'strike' },
  del: { type: 'strike' },
  code: { type: 'code' },
  sub: { type: 'subsup', attrs: { type: 'sub' } },
  sup: { type: 'subsup', attrs: { type: 'sup' } },
};

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

const TOKEN = /<!--[\s\S]*?-->|<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*\/?>|[^<]+|</g;
const ATTR = /([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g;

export function parseHtml(html: string): El {
  const root: El = { tag: '#root', attrs: {}, children: [] };
  const stack: El[] = [root];
  for (const m of html.matchAll(TOKEN)) {
    const top = stack[stack.length - 1]!;
    if (m[2] === undefined) {
      if (!m[0].startsWith('<!--')) top.children.push(decodeEntities(m[0]));
      continue;
    }
    const tag = m[2].toLowerCase();
    if (m[1] === '/') {
      const at = stack.map((e) => e.tag).lastIndexOf(tag);
      if (at > 0) stack.length = at;
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of (m[3] ?? '').matchAll(ATTR)) attrs[a[1]!.toLowerCase()] = decodeEntities(a[2] ?? a[3] ?? a[4] ?? '');
    const el: El = { tag, attrs, children: [] };
    top.children.push(el);
    if (!VOID.has(tag)) stack.push(el);
  }
  return root;
}

const isBlock = (c: El | string) => typeof c !== 'string' && BLOCK.has(c.tag);

function inlines(children: Array<El | string>, marks: AdfMark[], out: AdfNode[]): void {
  for (const c of children) {
    if (typeof c === 'string') out.push(textNode(c, marks));
    else if (c.tag === 'br') out.push({ type: 'hardBreak' });
    else if (c.tag === 'a') {
      const href = c.attrs.href ?? '';
      inlines(c.children, SAFE_HREF.test(href) ? [...marks, { type: 'link', attrs: { href } }] : marks, out);
    } else if (MARK_TAGS[c.tag]) inlines(c.children, [...marks, MARK_TAGS[c.tag]!], out);
    else if (c.tag !== 'img') inlines(c.children, marks, out);
  }
}

function inlineContent(children: Array<El | string>): AdfNode[] {
  const out: AdfNode[] = [];
  inlines(children, [], out);
  return mergeTexts(out).map((n) => (n.type === 'text' ? { ...n, text: collapseSpace(n.text ?? '') } : n));
}

function paragraph(children: Array<El | string>): AdfNode {
  const content = inlineContent(children);
  return content.length > 0 ? { type: 'paragraph', content } : { type: 'paragraph' };
}

/** Block children; runs of inline content between blocks become paragraphs (white space alone is dropped). */
function blocks(children: Array<El | string>, depth: number): AdfNode[] {
  const out: AdfNode[] = [];
  let run: Array<El | string> = [];
  const flush = () => {
    const p = paragraph(run);
    run = [];
    if ((p.content ?? []).some((n) => n.type === 'text' && (n.text ?? '').trim() !== '')) out.push(p);
  };
  for (const c of children) {
    if (!isBlock(c)) {
      run.push(c);
      continue;
    }
    flush();
    out.push(...block(c as El, depth + 1));
  }
  flush();
  return out;
}

/** Blocks as a list item or a quote may hold them (SIMPLE_BLOCKS). */
function simpleBlocks(children: Array<El | string>, depth: number): AdfNode[] {
  return simplifyBlocks(blocks(children, depth));
}

function block(el: El, depth: number): AdfNode[] {
  if (depth > 40) return [];
  const t = el.tag;
  if (t === 'p' || t === 'caption') return [paragraph(el.children)];
  if (/^h[1-6]$/.test(t)) {
    const content = inlineContent(el.children);
    return [{ type: 'heading', attrs: { level: Number(t[1]) }, ...(content.length > 0 ? { content } : {}) }];
  }
  if (t === 'div') return blocks(el.children, depth);
  if (t === 'hr') return [{ type: 'rule' }];
  if (t === 'pre') {
    const text = codeText(el).replace(/\n$/, '');
    return [{ type: 'codeBlock', ...(text ? { content: [{ type: 'text', text }] } : {}) }];
  }
  if (t === 'blockquote') {
    const content = simpleBlocks(el.children, depth);
    return content.length > 0 ? [{ type: 'blockquote', content }] : [];
  }
  if (t === 'ul' || t === 'ol') {
    const items = el.children
      .filter((c): c is El => typeof c !== 'string' && c.tag === 'li')
      .map((li) => {
        const content = simpleBlocks(li.children, depth);
        return { type: 'listItem', content: content.length > 0 ? content : [{ type: 'paragraph' }] };
      });
    return items.length > 0 ? [{ type: t === 'ul' ? 'bulletList' : 'orderedList', content: items }] : [];
  }
  if (t === 'li') return simpleBlocks(el.children, depth);
  if (t === 'table') {
    const rows: AdfNode[] = [];
    const collect = (e: El) => {
      for (const c of e.children) {
        if (typeof c === 'string') continue;
        if (c.tag === 'tr') rows.push(row(c, depth));
        else if (['thead', 'tbody', 'tfoot'].includes(c.tag)) collect(c);
      }
    };
    collect(el);
    const kept = rows.filter((r) => (r.content ?? []).length > 0);
    return kept.length > 0 ? [{ type: 'table', content: kept }] : [];
  }
  // A stray row or cell outside a table: its content.
  return blocks(el.children, depth);
}

function row(tr: El, depth: number): AdfNode {
  const cells = tr.children
    .filter((c): c is El => typeof c !== 'string' && (c.tag === 'td' || c.tag === 'th'))
    .map((c) => {
      const content = blocks(c.children, depth).filter((b) => b.type !== 'table');
      return { type: c.tag === 'th' ? 'tableHeader' : 'tableCell', content: content.length > 0 ? content : [{ type: 'paragraph' }] };
    });
  return { type: 'tableRow', content: cells };
}

function codeText(el: El): string {
  return el.children.map((c) => (typeof c === 'string' ? c : c.tag === 'br' ? '\n' : codeText(c))).join('');
}

/** Canonical (or any) HTML as an ADF document; the HTML is sanitised first. */
export function htmlToAdf(html: string): AdfDoc {
  return { type: 'doc', version: 1, content: blocks(parseHtml(sanitizeTicketHtml(html ?? '')).children, 0) };
}
