import type { ReactNode } from 'react';
import { headingSlug } from '../guide-path.ts';
import { Link } from './Link.tsx';

/**
 * Renders the subset of Markdown the docs use (headings, paragraphs, lists, code blocks, tables, inline
 * code, bold, links) as React elements: nothing is parsed as HTML, so the text cannot inject markup.
 */
export function Markdown({ source, linkFor }: { source: string; linkFor?: (href: string) => string | null }) {
  return <>{blocks(source.replace(/\r\n/g, '\n').split('\n'), linkFor ?? defaultLink)}</>;
}

/** External links open as they are; relative ones (other files of the repository) are shown as text. */
function defaultLink(href: string): string | null {
  if (/^https?:\/\//i.test(href) || href.startsWith('#') || href.startsWith('/')) return href;
  return null;
}

type LinkFor = (href: string) => string | null;

function blocks(lines: string[], linkFor: LinkFor): ReactNode[] {
  const out: ReactNode[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const key = out.length;
    if (line.trim() === '') {
      i++;
      continue;
    }
    if (line.trimStart().startsWith('```')) {
      // A fence indented under a list item: its lines lose that indentation.
      const indent = line.length - line.trimStart().length;
      const code: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trimStart().startsWith('```')) code.push(lines[i++]!.slice(indent));
      i++;
      out.push(
        <pre key={key} className="guide__code">
          <code>{code.join('\n')}</code>
        </pre>,
      );
      continue;
    }
    const heading = /^(#{1,4})\s+(.*)$/.exec(line);
    if (heading) {
      const level = heading[1]!.length;
      const text = heading[2]!;
      const Tag = (level === 1 ? 'h1' : level === 2 ? 'h2' : level === 3 ? 'h3' : 'h4') as 'h1';
      out.push(
        <Tag key={key} id={headingSlug(text)}>
          {inline(text, linkFor)}
        </Tag>,
      );
      i++;
      continue;
    }
    if (/^\s*[-*]\s+/.test(line) || /^\s*\d+\.\s+/.test(line)) {
      const ordered = /^\s*\d+\.\s+/.test(line);
      // A list interrupted by a code block or paragraph goes on with its own numbers.
      const start = ordered ? Number(/^\s*(\d+)\./.exec(line)![1]) : 1;
      const items: string[] = [];
      while (i < lines.length && (ordered ? /^\s*\d+\.\s+/ : /^\s*[-*]\s+/).test(lines[i]!)) {
        let item = lines[i]!.replace(/^\s*(?:[-*]|\d+\.)\s+/, '');
        i++;
        // Continuation lines (indented, not a new item) belong to the item.
        while (i < lines.length && /^\s{2,}\S/.test(lines[i]!) && !/^\s*(?:[-*]|\d+\.)\s+/.test(lines[i]!)) item += ` ${lines[i++]!.trim()}`;
        items.push(item);
      }
      const children = items.map((t, n) => <li key={n}>{inline(t, linkFor)}</li>);
      out.push(
        ordered ? (
          <ol key={key} start={start}>
            {children}
          </ol>
        ) : (
          <ul key={key}>{children}</ul>
        ),
      );
      continue;
    }
    if (line.startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && lines[i]!.startsWith('|')) {
        const cells = lines[i]!.replace(/^\||\|$/g, '')
          .split('|')
          .map((c) => c.trim());
        if (!cells.every((c) => /^:?-+:?$/.test(c))) rows.push(cells);
        i++;
      }
      const [head, ...body] = rows;
      out.push(
        <div key={key} className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                {(head ?? []).map((c, n) => (
                  <th key={n} scope="col">
                    {inline(c, linkFor)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {body.map((r, n) => (
                <tr key={n}>
                  {r.map((c, m) => (
                    <td key={m}>{inline(c, linkFor)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>,
      );
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && !/^(#{1,4}\s|\s*```|\||\s*[-*]\s+|\s*\d+\.\s+)/.test(lines[i]!)) para.push(lines[i++]!.trim());
    if (para.length === 0) para.push(lines[i++]!.trim()); // never stall on a line no rule above took
    out.push(<p key={key}>{inline(para.join(' '), linkFor)}</p>);
  }
  return out;
}

/** `code`, **bold** and [text](href); everything else is text. */
function inline(text: string, linkFor: LinkFor): ReactNode[] {
  const out: ReactNode[] = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const key = out.length;
    if (m[1] !== undefined) out.push(<code key={key}>{m[1]}</code>);
    else if (m[2] !== undefined) out.push(<strong key={key}>{inline(m[2], linkFor)}</strong>);
    else {
      const href = linkFor(m[4]!);
      if (href === null) out.push(...inline(m[3]!, linkFor));
      else if (href.startsWith('/'))
        out.push(
          <Link key={key} href={href}>
            {inline(m[3]!, linkFor)}
          </Link>,
        );
      else if (href.startsWith('#'))
        out.push(
          <a key={key} href={href}>
            {inline(m[3]!, linkFor)}
          </a>,
        );
      else
        out.push(
          <a key={key} href={href} rel="noopener noreferrer" target="_blank">
            {inline(m[3]!, linkFor)}
          </a>,
        );
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
