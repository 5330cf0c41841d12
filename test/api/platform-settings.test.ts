import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAndLogIn, startStack, type TestStack } from '../helpers/stack.ts';

let stack: TestStack;
let auth: Record<string, string>;
beforeAll(async () => {
  stack = await startStack({ listen: false, env: { SF_ALLOW_PRIVATE_PLATFORM_URLS: '0' } });
  auth = (await signUpAndLogIn(stack.app, 'settings')).auth;
});
afterAll(async () => stack?.close());

const put = (payload: unknown, headers = auth) => stack.app.inject({ method: 'PUT', url: '/api/v1/platform', payload: payload as object, headers });
const get = () => stack.app.inject({ url: '/api/v1/platform', headers: auth });
const KEY = 'Yq8nL2pWx0aB7cD3eF9g';

describe('platform settings', () => {
  it('starts empty', async () => {
    expect((await get()).json()).toEqual({ platform: null, apiUrl: null, apiKeyHint: null, credentials: null, lastTest: null, keyRejected: null });
  });

  it('saves a normalised URL and returns only a key hint', async () => {
    const r = await put({ platform: 'freshservice', apiUrl: ' https://acmecorp.freshservice.com/api/v2/ ', apiKey: KEY });
    expect(r.statusCode).toBe(200);
    // apiKeyHint as before credential sets, and the set's view beside it (the same hint).
    const credentials = { apiKeyHint: '••••eF9g' };
    expect(r.json()).toEqual({ platform: 'freshservice', apiUrl: 'https://acmecorp.freshservice.com', apiKeyHint: '••••eF9g', credentials, lastTest: null });
    const view = (await get()).json();
    expect(view).toEqual({
      platform: 'freshservice',
      apiUrl: 'https://acmecorp.freshservice.com',
      apiKeyHint: '••••eF9g',
      credentials,
      lastTest: null,
      keyRejected: null,
    });
    expect(JSON.stringify(view)).not.toContain(KEY);
  });

  it('keeps the saved key when apiKey is left out, and replaces it when sent', async () => {
    const keep = await put({ platform: 'freshservice', apiUrl: 'acmecorp' });
    expect(keep.json().apiKeyHint).toBe('••••eF9g');
    const replace = await put({ platform: 'freshservice', apiUrl: 'acmecorp', apiKey: 'NewKey0000000000zz99' });
    expect(replace.json().apiKeyHint).toBe('••••zz99');
  });

  it.each([
    [{ platform: 'freshservice', apiUrl: 'not a url', apiKey: KEY }, 'invalid_api_url', 'apiUrl'],
    [{ platform: 'freshservice', apiUrl: 'http://127.0.0.1:4010', apiKey: KEY }, 'invalid_api_url', 'apiUrl'],
    [{ platform: 'freshservice', apiUrl: 'https://help.acme.com', apiKey: KEY }, 'invalid_api_url', 'apiUrl'],
    [{ platform: 'freshservice', apiUrl: 'https://acme.freshservice.com/a/tickets', apiKey: KEY }, 'invalid_api_url', 'apiUrl'],
    [{ platform: 'freshservice', apiUrl: 'https://acme.freshservice.com', apiKey: '' }, 'invalid_api_key', 'apiKey'],
    [{ platform: 'freshservice', apiUrl: 'https://acme.freshservice.com', apiKey: 'k'.repeat(10_240) }, 'invalid_api_key', 'apiKey'],
    [{ platform: 'zendesk', apiUrl: 'https://acme.freshservice.com', apiKey: KEY }, 'unsupported_platform', 'platform'],
    [{ platform: 'myspace', apiUrl: 'https://acme.freshservice.com', apiKey: KEY }, 'unsupported_platform', 'platform'],
    [{ platform: 'freshservice', apiKey: KEY }, 'validation_failed', 'apiUrl'],
  ])('%#: refuses bad input with %s on %s and changes nothing', async (payload, code, field) => {
    const before = (await get()).json();
    const r = await put(payload);
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code, field, message: expect.any(String) });
    expect((await get()).json()).toEqual(before);
  });

  it('explains how to allow private URLs', async () => {
    const r = await put({ platform: 'freshservice', apiUrl: 'http://127.0.0.1:4010', apiKey: KEY });
    expect(r.json().error.message).toMatch(/SF_ALLOW_PRIVATE_PLATFORM_URLS=1/);
    expect(r.json().error.hints).toContain('Do not add /api or any other path - this is added automatically once you save');
  });

  it('refuses a test before anything is saved', async () => {
    const other = await signUpAndLogIn(stack.app, 'unsaved');
    const r = await stack.app.inject({ method: 'POST', url: '/api/v1/platform/test', headers: other.auth });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('not_configured');
  });

  it('keeps organisations apart', async () => {
    const other = await signUpAndLogIn(stack.app, 'apart');
    const r = await stack.app.inject({ url: '/api/v1/platform', headers: other.auth });
    expect(r.json().platform).toBeNull();
  });
});

describe('data directory', () => {
  it('holds the key only encrypted, and a master key file readable by its owner alone', async () => {
    const secret = 'PlainTextKeyZZ12345678';
    await put({ platform: 'freshservice', apiUrl: 'acmecorp', apiKey: secret });
    // Force PGlite to write its pages out, then scan every file for the key in any common encoding.
    await stack.database.close();
    const needles = [secret, Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')];
    const files = await walk(stack.dataDir);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const content = await readFile(f);
      for (const n of needles) expect(content.includes(Buffer.from(n)), `${n} found in ${f}`).toBe(false);
    }
    expect((await stat(join(stack.dataDir, 'master.key'))).mode & 0o777).toBe(0o600);
    const top = await readdir(stack.dataDir);
    expect(top.sort()).toEqual(['master.key', 'pglite']);
    const { openDatabase } = await import('../../src/db/database.ts');
    stack.database = await openDatabase({ dataDir: stack.dataDir });
  });
});

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}
