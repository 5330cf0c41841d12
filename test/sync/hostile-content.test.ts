import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { humanCall, nextSecond, startSyncPair, ticketsOf, type SyncPair } from '../helpers/sync-pair.ts';

// Untrusted content: what one organisation writes in its helpdesk arrives in the other's only
// after sanitising. A hostile ticket, reply and note are created by people in the simulated
// helpdesks (not the integration) and synced; the copies keep the formatting and lose the rest.

const HOSTILE_HTML = [
  '<p>Hello <strong>team</strong>, <em>please</em> see the <a href="https://kb.example.com/vpn?x=1&amp;y=2">KB article</a>.</p>',
  '<ul><li>first</li><li>second</li></ul>',
  '<table><tr><th>Host</th><td>vpn-01</td></tr></table>',
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 1">',
  '<img src="https://cdn.example.com/screenshot.png" alt="screenshot" onload="window.__pwned = 1">',
  '<a href="javascript:window.__pwned = 1">click me</a>',
  '<a href="&#x6A;ava&#x09;script&colon;alert(1)">obfuscated</a>',
  '<a href=" JaVaScRiPt:alert(1)">mixed case</a>',
  '<svg onload="window.__pwned = 1"><circle r="5"/></svg>',
  '<iframe srcdoc="<script>parent.__pwned = 1</script>"></iframe>',
  '<style>body { display: none }</style>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a>',
  '<div style="position:fixed;inset:0" onclick="alert(1)">overlay</div>',
  '<!-- <script>alert(1)</script> -->',
  '<p><b>unclosed <i>tags',
].join('');

/** Nothing in `html` can run script, load active content or navigate to a script URL. */
function expectHarmless(html: string): void {
  expect(html).not.toMatch(/<\s*(script|style|iframe|svg|math|meta|object|embed|form)\b/i);
  expect(html).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
  expect(html).not.toMatch(/<[^>]*\s(style|srcdoc)\s*=/i);
  expect(html).not.toMatch(/(href|src)\s*=\s*["']?\s*(javascript|vbscript|data:text)/i);
  expect(html).not.toMatch(/<!--/);
}

/** The harmless part of HOSTILE_HTML, as the sanitiser writes it. */
function expectFormattingKept(html: string): void {
  expect(html).toContain(
    '<p>Hello <strong>team</strong>, <em>please</em> see the <a href="https://kb.example.com/vpn?x=1&amp;y=2" rel="noopener noreferrer nofollow">KB article</a>.</p>',
  );
  expect(html).toContain('<ul><li>first</li><li>second</li></ul>');
  expect(html).toContain('<table><tr><th>Host</th><td>vpn-01</td></tr></table>');
  // A remote image would load (and report the reader) when the copy is opened: it is dropped (tracking pixels).
  expect(html).not.toContain('cdn.example.com/screenshot.png');
  expect(html).toContain('<a>click me</a>');
  expect(html).toContain('<div>overlay</div>');
  expect(html).toContain('<p><b>unclosed <i>tags</i></b></p>');
}

let pair: SyncPair;
let sourceId: number;
const copy = () => ticketsOf(pair.target.sim).find((t) => t.tags.includes('hostile') || t.subject.startsWith('VPN <b>'))!;
const bodiesOn = (sim: SyncPair['source']['sim'], ticketId: number) => sim.state.conversationsOf(ticketId).map((c) => c.body);

beforeAll(async () => {
  pair = await startSyncPair();
  await pair.configure('source', { filters: { tags: ['hostile'] } });
  const created = await humanCall(pair.source.sim, 'POST', '/tickets', {
    subject: 'VPN <b>down</b>\u001b again\u202E\nsecond line',
    description: HOSTILE_HTML,
    email: 'mallory@acme.test',
    name: 'Mallory\u0007 <script>x</script>',
    status: 2,
    priority: 2,
    tags: ['hostile'],
  });
  sourceId = created.ticket.id;
  await humanCall(pair.source.sim, 'POST', `/tickets/${sourceId}/reply`, { body: `<p>Public reply</p>${HOSTILE_HTML}` });
  await humanCall(pair.source.sim, 'POST', `/tickets/${sourceId}/notes`, { body: `<p>Public note</p>${HOSTILE_HTML}`, private: false });
});
afterAll(async () => pair?.close());

describe('hostile content from the other organisation', () => {
  it('the copied ticket: description sanitised with its formatting kept, subject plain text', async () => {
    const run = await pair.sync();
    expect(run.details, JSON.stringify(run.details)).toHaveLength(1);
    expect(run.counts, JSON.stringify(run.details)).toMatchObject({ created: 1, failed: 0 });
    const t = copy();
    expect(t).toBeDefined();
    expectHarmless(t.description);
    expectFormattingKept(t.description);
    expect(t.description).not.toContain('__pwned');
    // Markup in a subject is text the receiving platform escapes; control characters and line breaks go.
    expect(t.subject).toBe('VPN <b>down</b> again second line');
    const requester = pair.target.sim.state.users.get(t.requester_id)!;
    expect(requester.email).toBe('mallory@acme.test');
    expect(JSON.stringify(requester)).not.toMatch(/\\u0007|\u0007/);
  });

  it('the copied reply and note: bodies sanitised, formatting kept, the marker footer still added', () => {
    const bodies = bodiesOn(pair.target.sim, copy().id);
    const reply = bodies.find((b) => b.includes('Public reply'))!;
    const note = bodies.find((b) => b.includes('Public note'))!;
    for (const body of [reply, note]) {
      expect(body).toBeDefined();
      const withoutFooter = body.replace(/<p style="color:#888;font-size:11px">Support Fusion ref sf-c[0-9a-f]{16}<\/p>$/, '');
      expect(withoutFooter).not.toBe(body); // the connector's footer comes after the sanitised body
      expectHarmless(withoutFooter);
      expectFormattingKept(withoutFooter);
      expect(withoutFooter).not.toContain('__pwned');
    }
  });

  it('a description edited to something hostile later is sanitised on update too', async () => {
    await nextSecond();
    await humanCall(pair.source.sim, 'PUT', `/tickets/${sourceId}`, {
      description: `<h2>Update</h2><p><a href="vbscript:msgbox(1)">vb</a></p>${HOSTILE_HTML}`,
    });
    const run = await pair.sync(new Date(Date.now() - 60_000).toISOString());
    expect(run.counts).toMatchObject({ updated: 1, failed: 0 });
    const t = copy();
    // After the partner reference the copy opens with (its own, escaped line), the new description as sent.
    expect(t.description).toMatch(
      /^<div><strong>Partner ticket:<\/strong> [^<]*(<a href="[^"]+"[^>]*>[^<]+<\/a>[^<]*)?<\/div>(<div>---<\/div>)?<h2>Update<\/h2>/,
    );
    expectHarmless(t.description);
    expectFormattingKept(t.description);
    expect(t.description).toContain('<p><a>vb</a></p>');
  });

  it('and the other way round: a hostile note on the copy reaches the original sanitised', async () => {
    await nextSecond();
    await humanCall(pair.target.sim, 'POST', `/tickets/${copy().id}/notes`, { body: `<p>Provider says</p>${HOSTILE_HTML}`, private: false });
    const run = await pair.sync(new Date(Date.now() - 60_000).toISOString());
    expect(run.counts.failed).toBe(0);
    const body = bodiesOn(pair.source.sim, sourceId).find((b) => b.includes('Provider says'));
    expect(body).toBeDefined();
    expectHarmless(body!.replace(/<p style="color:#888;font-size:11px">Support Fusion ref sf-c[0-9a-f]{16}<\/p>$/, ''));
    expectFormattingKept(body!);
  });
});
