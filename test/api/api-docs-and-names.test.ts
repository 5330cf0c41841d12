/**
 * /api/docs for people and programs (issue 12 item 17): a browser gets a readable, escaped HTML page of
 * every operation (no inline script or style: the CSP forbids them), curl and JSON clients get the
 * OpenAPI JSON at the same URL, and /api/docs/json is always the JSON. Members' optional display names:
 * at sign-up, PUT /me/name, shown by /me and /members, recorded in the audit log; old request shapes still work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml, schemaHtml, wantsHtml } from '../../src/server/api-docs.ts';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startStack({ listen: false });
}, 120_000);
afterAll(async () => stack?.close());

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

describe('/api/docs content negotiation', () => {
  it.each([
    [undefined, false],
    ['*/*', false],
    ['application/json', false],
    [BROWSER_ACCEPT, true],
    ['text/html', true],
    ['application/json, text/html;q=0.5', false],
    ['text/html;q=0', false],
  ])('Accept %s → HTML %s', (accept, html) => {
    expect(wantsHtml(accept)).toBe(html);
  });

  it('curl and JSON clients get the OpenAPI JSON at /api/docs; /api/docs/json is the same document', async () => {
    const curl = await stack.app.inject({ url: '/api/docs', headers: { accept: '*/*' } });
    expect(curl.statusCode).toBe(200);
    expect(curl.headers['content-type']).toMatch(/^application\/json/);
    expect(curl.headers.vary).toMatch(/Accept/i);
    const doc = curl.json();
    expect(doc.openapi).toMatch(/^3\.0/);
    const explicit = await stack.app.inject({ url: '/api/docs/json', headers: { accept: BROWSER_ACCEPT } });
    expect(explicit.headers['content-type']).toMatch(/^application\/json/);
    expect(explicit.json()).toEqual(doc);
  });

  it('a browser gets an HTML page with every operation, its method, path, summary, parameters and schemas', async () => {
    const doc = (await stack.app.inject({ url: '/api/docs/json' })).json();
    const r = await stack.app.inject({ url: '/api/docs', headers: { accept: BROWSER_ACCEPT } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    const html = r.body;
    let count = 0;
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        count++;
        expect(html, `${method} ${path}`).toContain(`id="${op.operationId}"`);
        expect(html).toContain(escapeHtml(path));
        if (op.summary) expect(html, `${method} ${path} summary`).toContain(escapeHtml(op.summary));
      }
    }
    expect(count).toBeGreaterThan(40);
    expect(html).toContain(`${count} operations`);
    // Parameters, bodies and answers are shown with their fields.
    expect(html).toContain('<h4>Parameters</h4>');
    expect(html).toContain('<h4>Request body');
    expect(html).toContain('<code>contractName</code> <span class="req">required</span>');
    expect(html).toContain('id="schema-Error"');
    // No script, no inline style: the page works under the app's CSP.
    expect(html).not.toMatch(/<script|style=|<style/i);
    expect(String(r.headers['content-security-policy'])).toContain("script-src 'self'");
    const css = await stack.app.inject({ url: '/api/docs/docs.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });

  it('escapes whatever a schema says', () => {
    const html = schemaHtml({
      type: 'object',
      required: ['<b>'],
      properties: { '<b>': { type: 'string', description: '"><script>alert(1)</script>', enum: ['<i>'] } },
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('&lt;b&gt;');
  });
});

describe('member names', () => {
  it('sign-up takes an optional name; /me and /members show it; without one, older request shapes still work', async () => {
    const withName = await stack.app.inject({
      method: 'POST',
      url: '/api/v1/signup',
      payload: { organisation: 'Named Org', email: 'alice@named.example', password: 'correct horse battery', name: '  Alice Martin ' },
    });
    expect(withName.statusCode).toBe(201);
    const login = await stack.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { email: 'alice@named.example', password: 'correct horse battery' },
    });
    const auth = { authorization: `Bearer ${login.json().token}` };
    expect((await stack.app.inject({ url: '/api/v1/me', headers: auth })).json().user.name).toBe('Alice Martin');
    const members = (await stack.app.inject({ url: '/api/v1/members', headers: auth })).json().members;
    expect(members[0]).toMatchObject({ email: 'alice@named.example', name: 'Alice Martin' });

    const plain = await signUpAndLogIn(stack.app, 'noname');
    expect((await stack.app.inject({ url: '/api/v1/me', headers: plain.auth })).json().user.name).toBeNull();
  });

  it('PUT /me/name sets, changes and removes one own name, audited; too long or control characters: a clear 400', async () => {
    const who = await signUpAndLogIn(stack.app, 'renamer');
    const put = (name: string) => stack.app.inject({ method: 'PUT', url: '/api/v1/me/name', headers: who.auth, payload: { name } });
    const set = await put('Bob Stone');
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({ name: 'Bob Stone' });
    expect((await stack.app.inject({ url: '/api/v1/members', headers: who.auth })).json().members[0].name).toBe('Bob Stone');

    const long = await put('x'.repeat(101));
    expect(long.statusCode).toBe(400);
    expect(long.json().error).toMatchObject({ code: 'invalid_name', field: 'name' });
    const control = await put('Bob\u0007');
    expect(control.statusCode).toBe(400);
    expect(control.json().error.message).toMatch(/control characters/);

    const removed = await put('   ');
    expect(removed.json()).toEqual({ name: null });
    expect((await stack.app.inject({ url: '/api/v1/me', headers: who.auth })).json().user.name).toBeNull();

    const log = (await stack.app.inject({ url: '/api/v1/audit-log?action=member.name_changed', headers: who.auth })).json().events;
    expect(log.map((e: any) => [e.before.name, e.after.name])).toEqual([
      ['Bob Stone', null],
      [null, 'Bob Stone'],
    ]);
  });
});
