import { describe, expect, it } from 'vitest';
import { adfToHtml, adfToText, htmlToAdf } from './adf.ts';

const doc = (...content: unknown[]) => ({ type: 'doc', version: 1, content });
const p = (...content: unknown[]) => ({ type: 'paragraph', content });
const t = (text: string, ...marks: string[]) => (marks.length ? { type: 'text', text, marks: marks.map((type) => ({ type })) } : { type: 'text', text });

describe('ADF → canonical HTML', () => {
  it.each([
    ['paragraph', doc(p(t('Hello'))), '<p>Hello</p>'],
    ['marks in canonical order', doc(p(t('x', 'em', 'strong'))), '<p><strong><em>x</em></strong></p>'],
    [
      'link',
      doc(p({ type: 'text', text: 'site', marks: [{ type: 'link', attrs: { href: 'https://e.x/a' } }] })),
      '<p><a href="https://e.x/a" rel="noopener noreferrer nofollow">site</a></p>',
    ],
    ['unsafe link dropped', doc(p({ type: 'text', text: 'x', marks: [{ type: 'link', attrs: { href: 'javascript:alert(1)' } }] })), '<p>x</p>'],
    ['text is escaped', doc(p(t('<script>alert(1)</script> & "q"'))), '<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; "q"</p>'],
    ['hard break', doc(p(t('a'), { type: 'hardBreak' }, t('b'))), '<p>a<br />b</p>'],
    ['heading', doc({ type: 'heading', attrs: { level: 2 }, content: [t('H')] }), '<h2>H</h2>'],
    ['bullet list', doc({ type: 'bulletList', content: [{ type: 'listItem', content: [p(t('one'))] }] }), '<ul><li><p>one</p></li></ul>'],
    ['code block keeps spaces', doc({ type: 'codeBlock', content: [t('a  <b>\n c')] }), '<pre><code>a  &lt;b&gt;\n c</code></pre>'],
    ['rule', doc({ type: 'rule' }), '<hr />'],
    ['mention as text', doc(p({ type: 'mention', attrs: { id: '1', text: '@Ann' } })), '<p>@Ann</p>'],
    ['media dropped', doc({ type: 'mediaSingle', content: [{ type: 'media', attrs: { id: 'x' } }] }), ''],
    ['panel as quote', doc({ type: 'panel', content: [p(t('note'))] }), '<blockquote><p>note</p></blockquote>'],
    ['code combines only with link', doc(p(t('c', 'code', 'strong'))), '<p><code>c</code></p>'],
    ['not a document', { type: 'paragraph' }, ''],
    ['null', null, ''],
  ])('%s', (_name, input, html) => {
    expect(adfToHtml(input)).toBe(html);
  });
});

describe('HTML → ADF', () => {
  it.each([
    ['plain paragraph', '<p>Hi</p>', [p(t('Hi'))]],
    ['div and loose text become paragraphs', '<div>a<br>b</div>c', [p(t('a'), { type: 'hardBreak' }, t('b')), p(t('c'))]],
    ['b/i become strong/em', '<p><b>x</b><i>y</i></p>', [p(t('x', 'strong'), t('y', 'em'))]],
    ['white space collapses', '<p>a \n  b</p>', [p(t('a b'))]],
    ['entities decoded', '<p>&lt;a&gt; &amp; &#233;</p>', [p(t('<a> & é'))]],
    ['script dropped by the sanitiser', '<p>x<script>alert(1)</script></p>', [p(t('x'))]],
    ['heading inside a list item flattened', '<ul><li><h1>T</h1></li></ul>', [{ type: 'bulletList', content: [{ type: 'listItem', content: [p(t('T'))] }] }]],
    ['image dropped', '<p><img src="cid:x" alt="a">t</p>', [p(t('t'))]],
    ['empty', '', []],
  ])('%s', (_name, html, content) => {
    expect(htmlToAdf(html)).toEqual({ type: 'doc', version: 1, content });
  });
});

/** Each input, once converted, comes back unchanged from a second round trip. */
describe('round trips reach a fixed point', () => {
  const htmlInputs = [
    '<p>Hello <strong>bold <em>both</em></strong> and <a href="https://x.y/?a=1&b=2">link</a></p>',
    '<div>Printer on floor 3<br>is <u>down</u> again</div><p>  spaced   out  </p>',
    '<ul><li>one<ul><li>nested</li></ul></li><li><p>two</p><p>para</p></li></ul><ol><li>first</li></ol>',
    '<pre>line 1\n  line 2 &lt;x&gt;</pre><blockquote><h3>Quoted heading</h3><p>q</p></blockquote><hr>',
    '<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td><b>2</b></td></tr></tbody></table>',
    '<p><strong>a </strong><strong> b</strong><code>x</code><sub>2</sub><sup>3</sup><s>gone</s></p>',
    '<h1>Title</h1><p></p><span>loose</span><p>&nbsp;</p>',
  ];
  it.each(htmlInputs)('HTML %s', (html) => {
    const adf1 = htmlToAdf(html);
    const html1 = adfToHtml(adf1);
    const adf2 = htmlToAdf(html1);
    expect(adf2).toEqual(adf1);
    expect(adfToHtml(adf2)).toBe(html1);
  });

  const adfInputs = [
    doc(p(t('a  b '), t(' c', 'strong')), p(t('x', 'strong'), t('y', 'strong'))),
    doc({ type: 'panel', content: [{ type: 'heading', attrs: { level: 9 }, content: [t('h')] }] }, { type: 'expand', content: [p(t('inside'))] }),
    doc({
      type: 'table',
      content: [
        {
          type: 'tableRow',
          content: [
            { type: 'tableHeader', content: [p(t('h'))] },
            { type: 'tableCell', content: [] },
          ],
        },
      ],
    }),
    doc(p({ type: 'inlineCard', attrs: { url: 'https://a.b/c' } }, { type: 'emoji', attrs: { shortName: ':smile:', text: '😄' } })),
  ];
  it.each(adfInputs.map((a, i) => [i, a] as const))('ADF #%s', (_i, adf) => {
    const html1 = adfToHtml(adf);
    const html2 = adfToHtml(htmlToAdf(html1));
    expect(html2).toBe(html1);
  });
});

describe('adfToText', () => {
  it('joins paragraphs with newlines', () => {
    expect(adfToText(doc(p(t('a')), p(t('b'), { type: 'hardBreak' }, t('c'))))).toBe('a\nb\nc');
  });
});
