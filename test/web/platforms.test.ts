/** The Settings form's platform logic: rules from the manifest, the save body (v2 credentials or v1 apiKey), hints, errors, the OAuth outcome. */
import { describe, expect, it } from 'vitest';
import { credentialsFormSchema, formFieldOf, saveBody, savedSecretHelp, secretHint } from '../../web/src/platforms.ts';
import type { PlatformInfo } from '../../web/src/platforms.ts';
import { oauthOutcomeOf, withoutOauthOutcome } from '../../web/src/oauth-outcome.ts';

const v2: PlatformInfo = {
  id: 'desk',
  name: 'Desk',
  available: true,
  apiUrl: { label: 'Site', example: 'https://x.desk.test', help: '' },
  credentials: [
    { name: 'email', label: 'E-mail', secret: false, required: true, help: 'The agent.', maxLength: 20 },
    { name: 'token', label: 'API token', secret: true, required: true, help: '', maxLength: 10, pattern: { source: '^[a-z]+$', message: 'Letters only.' } },
  ],
};
const v1: PlatformInfo = { id: 'old', name: 'Old', available: true };

const messages = (r: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  Object.fromEntries((r.error?.issues ?? []).map((i) => [i.path.join('.'), i.message]));

describe('credentialsFormSchema', () => {
  const cases: Array<[string, Record<string, string | null>, { apiUrl: string; credentials: Record<string, string> }, Record<string, string>]> = [
    [
      'everything missing',
      {},
      { apiUrl: ' ', credentials: { email: '', token: '' } },
      {
        apiUrl: 'Enter your Desk Site, for example https://x.desk.test.',
        'credentials.email': 'Enter the E-mail. The agent.',
        'credentials.token': 'Enter the API token.',
      },
    ],
    ['a saved secret may stay blank', { token: '••••abcd' }, { apiUrl: 'https://a', credentials: { email: 'a@b.c', token: '' } }, {}],
    [
      'pattern and length',
      {},
      { apiUrl: 'https://a', credentials: { email: 'x'.repeat(21), token: 'ABC' } },
      {
        'credentials.email': 'E-mail is too long (at most 20 characters): paste only the value.',
        'credentials.token': 'Letters only.',
      },
    ],
    ['all good', {}, { apiUrl: 'https://a', credentials: { email: 'a@b.c', token: 'abc' } }, {}],
  ];
  it.each(cases)('%s', (_name, hints, values, expected) => {
    expect(messages(credentialsFormSchema(v2, hints).safeParse({ platform: 'desk', ...values }))).toEqual(expected);
  });

  it('a server without manifests asks for the v1 API key', () => {
    expect(messages(credentialsFormSchema(v1, {}).safeParse({ platform: 'old', apiUrl: 'https://a', credentials: { apiKey: '' } }))).toEqual({
      'credentials.apiKey': 'Enter the API Key.',
    });
  });
});

describe('saveBody', () => {
  it('v2: credentials, blank secrets left out (kept), values trimmed', () => {
    expect(saveBody(v2, { platform: 'desk', apiUrl: ' https://a ', credentials: { email: ' a@b.c ', token: '' } })).toEqual({
      platform: 'desk',
      apiUrl: 'https://a',
      credentials: { email: 'a@b.c' },
    });
  });
  it('v1: apiKey, left out when blank', () => {
    expect(saveBody(v1, { platform: 'old', apiUrl: 'https://a', credentials: { apiKey: 'k1' } })).toEqual({
      platform: 'old',
      apiUrl: 'https://a',
      apiKey: 'k1',
    });
    expect(saveBody(v1, { platform: 'old', apiUrl: 'https://a', credentials: { apiKey: '' } })).toEqual({ platform: 'old', apiUrl: 'https://a' });
  });
});

describe('hints and errors', () => {
  it.each([
    [{ credentials: { tokenHint: '••••abcd' } }, 'token', '••••abcd'],
    [{ apiKeyHint: 'a1b2' }, 'apiKey', 'a1b2'],
    [{ credentials: { apiKeyHint: '••••new1' }, apiKeyHint: 'old2' }, 'apiKey', '••••new1'],
    [{ apiKeyHint: 'a1b2' }, 'token', null],
    [null, 'apiKey', null],
  ])('secretHint(%j, %s) = %s', (saved, field, hint) => expect(secretHint(saved, field)).toBe(hint));

  it.each([
    ['apiUrl', 'apiUrl'],
    ['platform', 'platform'],
    ['credentials.token', 'credentials.token'],
    ['token', 'credentials.token'],
    ['credentials.unknown', null],
    [undefined, null],
  ])('server field %s goes to %s', (field, at) => expect(formFieldOf(field, v2)).toBe(at));

  it('names a secret by its own noun', () => {
    expect(savedSecretHelp(v2.credentials![1]!, 'abcd')).toBe('Saved API token ••••abcd. Leave blank to keep it.');
    expect(savedSecretHelp({ name: 'apiKey', label: 'API Key', secret: true, required: true, help: '' }, '••••a1b2')).toBe(
      'Saved key ••••a1b2. Leave blank to keep it.',
    );
  });
});

describe('OAuth outcome', () => {
  it.each([
    ['?oauth=connected', { ok: true }],
    ['?oauth=error&reason=access_denied', { ok: false, reason: 'access_denied' }],
    ['?oauth=error', { ok: false, reason: null }],
    ['?oauth=maybe', null],
    ['', null],
  ])('%s', (search, outcome) => expect(oauthOutcomeOf(search)).toEqual(outcome));
  it('is removed from the address, the rest kept', () => {
    expect(withoutOauthOutcome('https://h/settings?oauth=error&reason=x&tab=1#top')).toBe('/settings?tab=1#top');
  });
});
