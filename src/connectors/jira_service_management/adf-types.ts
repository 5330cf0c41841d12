/** The part of the Atlassian Document Format (ADF) [jira-api.md §6] this connector reads and writes. */
export interface AdfMark {
  type: string;
  attrs?: Record<string, unknown>;
}

export interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: AdfMark[];
  content?: AdfNode[];
}

export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: AdfNode[];
}

/** Inline marks in the one order both directions use, so the same text always has the same shape. */
export const MARK_ORDER = ['link', 'strong', 'em', 'underline', 'strike', 'subsup', 'code'] as const;

export const SAFE_HREF = /^(https?:\/\/|mailto:)/i;

/** HTML collapses runs of white space; both directions do the same, so text survives a round trip unchanged. */
export const collapseSpace = (s: string) => s.replace(/[ \t\n\r\f]+/g, ' ');

const rank = (m: AdfMark) => {
  const i = (MARK_ORDER as readonly string[]).indexOf(m.type);
  return i < 0 ? MARK_ORDER.length : i;
};

/**
 * Marks kept in canonical order, unknown ones and unsafe links dropped; `code` combines only with `link`
 * (Jira refuses other combinations).
 */
export function canonicalMarks(marks: readonly AdfMark[] | undefined): AdfMark[] {
  const out: AdfMark[] = [];
  for (const m of marks ?? []) {
    if (!(MARK_ORDER as readonly string[]).includes(m.type) || out.some((o) => o.type === m.type)) continue;
    if (m.type === 'link') {
      const href = m.attrs?.href;
      if (typeof href !== 'string' || !SAFE_HREF.test(href)) continue;
      out.push({ type: 'link', attrs: { href } });
    } else if (m.type === 'subsup') {
      out.push({ type: 'subsup', attrs: { type: m.attrs?.type === 'sup' ? 'sup' : 'sub' } });
    } else out.push({ type: m.type });
  }
  const hasCode = out.some((m) => m.type === 'code');
  return out.filter((m) => !hasCode || m.type === 'code' || m.type === 'link').sort((a, b) => rank(a) - rank(b));
}

const sameMarks = (a: AdfMark[], b: AdfMark[]) => JSON.stringify(a) === JSON.stringify(b);

/** Adjacent text nodes with the same marks as one, empty ones dropped. */
export function mergeTexts(nodes: AdfNode[]): AdfNode[] {
  const out: AdfNode[] = [];
  for (const n of nodes) {
    if (n.type === 'text' && !n.text) continue;
    const prev = out[out.length - 1];
    if (n.type === 'text' && prev?.type === 'text' && sameMarks(prev.marks ?? [], n.marks ?? [])) {
      out[out.length - 1] = { ...prev, text: `${prev.text ?? ''}${n.text ?? ''}` };
    } else out.push(n);
  }
  return out;
}

export function textNode(text: string, marks: AdfMark[]): AdfNode {
  const canonical = canonicalMarks(marks);
  return canonical.length > 0 ? { type: 'text', text, marks: canonical } : { type: 'text', text };
}

/** What ADF lets a list item or quote hold; anything else in them is flattened into these. */
const SIMPLE_BLOCKS = new Set(['paragraph', 'bulletList', 'orderedList', 'codeBlock']);

/** Blocks as a list item or a quote may hold them: headings become paragraphs, rules go, others give their content. */
export function simplifyBlocks(nodes: AdfNode[], depth = 0): AdfNode[] {
  if (depth > 40) return [];
  return nodes.flatMap((b): AdfNode[] => {
    if (SIMPLE_BLOCKS.has(b.type)) return [b];
    if (b.type === 'heading') return [b.content ? { type: 'paragraph', content: b.content } : { type: 'paragraph' }];
    if (b.type === 'rule' || !Array.isArray(b.content)) return [];
    return simplifyBlocks(b.content, depth + 1);
  });
}
