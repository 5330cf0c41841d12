import type { Adf } from './model.ts';

/** A document of one paragraph per line (how JSM's plain-text comment bodies appear on the platform API). */
export function paragraphDoc(text: string): Adf {
  return {
    type: 'doc',
    version: 1,
    content: text
      .split(/\r?\n/)
      .map((line) => (line === '' ? { type: 'paragraph', content: [] } : { type: 'paragraph', content: [{ type: 'text', text: line }] })),
  };
}

const MAX_DEPTH = 40;

/** Why `value` is not an ADF document (null when it is one). Structure only: node names are not policed. */
export function adfProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not an object';
  const doc = value as Record<string, unknown>;
  if (doc.type !== 'doc' || doc.version !== 1 || !Array.isArray(doc.content)) return 'not a doc of version 1 with content';
  const walk = (node: unknown, depth: number): string | null => {
    if (depth > MAX_DEPTH) return 'nested too deeply';
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return 'a node is not an object';
    const n = node as Record<string, unknown>;
    if (typeof n.type !== 'string') return 'a node has no type';
    if (n.type === 'text' && typeof n.text !== 'string') return 'a text node has no text';
    if (n.content !== undefined) {
      if (!Array.isArray(n.content)) return 'content is not an array';
      for (const c of n.content) {
        const p = walk(c, depth + 1);
        if (p) return p;
      }
    }
    return null;
  };
  for (const c of doc.content as unknown[]) {
    const p = walk(c, 1);
    if (p) return p;
  }
  return null;
}

/** Plain text of a document: text nodes, paragraphs and hard breaks as new lines (for `~` search and JSM bodies). */
export function adfText(doc: Adf | null): string {
  if (!doc) return '';
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; text?: string; content?: unknown[] };
    if (n.type === 'text' && typeof n.text === 'string') out.push(n.text);
    if (n.type === 'hardBreak') out.push('\n');
    for (const c of n.content ?? []) walk(c);
    if (n.type === 'paragraph' || n.type === 'heading' || n.type === 'listItem') out.push('\n');
  };
  walk(doc);
  return out.join('').replace(/\n+$/, '');
}
