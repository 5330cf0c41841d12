import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChannelInputError, openSecrets, parseSettings, sealSecrets, secretHint } from './channel-settings.ts';

const email = { host: 'smtp.example.com', port: 587, security: 'starttls', username: 'bot', password: 'pw-1', from: 'sf@example.com', to: ['ops@example.com'] };
const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof ChannelInputError ? `${err.field}: ${err.message}` : String(err);
  }
  return 'accepted';
};

describe('channel settings', () => {
  it('splits e-mail settings into what may be shown and the password', () => {
    const r = parseSettings('email', email, { allowPrivate: false });
    expect(r.settings).toEqual({ host: 'smtp.example.com', port: 587, security: 'starttls', username: 'bot', from: 'sf@example.com', to: ['ops@example.com'] });
    expect(r.secrets).toEqual({ password: 'pw-1' });
    expect(JSON.stringify(r.settings)).not.toContain('pw-1');
  });

  it('keeps secrets left out of an update, and removes a password set to null', () => {
    const { password: _omit, ...noPassword } = email;
    expect(parseSettings('email', noPassword, { allowPrivate: false, existing: { password: 'old' } }).secrets).toEqual({ password: 'old' });
    expect(parseSettings('email', { ...noPassword, username: null, password: null }, { allowPrivate: false, existing: { password: 'old' } }).secrets).toEqual(
      {},
    );
    expect(parseSettings('slack', {}, { allowPrivate: false, existing: { url: 'https://hooks.slack.com/services/T/B/x' } }).secrets.url).toBe(
      'https://hooks.slack.com/services/T/B/x',
    );
  });

  it('gives a webhook a signing secret once, and keeps it on updates', () => {
    const first = parseSettings('webhook', { url: 'https://hooks.example.com/sf' }, { allowPrivate: false });
    expect(first.newSigningSecret).toMatch(/^whsec_/);
    expect(first.secrets.signingSecret).toBe(first.newSigningSecret);
    const again = parseSettings('webhook', { url: 'https://hooks.example.com/other' }, { allowPrivate: false, existing: first.secrets });
    expect(again.newSigningSecret).toBeUndefined();
    expect(again.secrets).toEqual({ url: 'https://hooks.example.com/other', signingSecret: first.secrets.signingSecret });
  });

  it.each([
    ['email', { ...email, to: [] }, false, /^settings.to: /],
    ['email', { ...email, to: ['not an address'] }, false, /^settings.to.0: /],
    ['email', { ...email, host: 'smtp://x' }, false, /^settings.host: /],
    ['email', { ...email, username: '' }, false, /^settings.username: A password was given without a user name/],
    ['email', { ...email, colour: 'red' }, false, /Unknown setting colour/],
    ['email', { ...email, security: 'none' }, false, /^settings.security: A password is sent only over an encrypted connection/],
    ['email', { ...email, security: 'none' }, true, /^accepted$/],
    ['email', { ...email, security: 'none', username: null, password: null }, false, /^accepted$/],
    ['slack', {}, false, /^settings.url: Enter the Slack webhook URL/],
    ['slack', { url: 'not a url' }, false, /^settings.url: .*is not a URL/],
    ['teams', { url: 'http://outlook.example.com/webhook' }, false, /^settings.url: .*must start with https:\/\//],
    ['teams', { url: 'http://127.0.0.1:9/webhook' }, true, /^accepted$/],
    ['webhook', { url: 'https://user:pw@hooks.example.com/' }, false, /must not contain a user name or password/],
  ] as const)('%s %j (private allowed: %s) → %s', (kind, settings, allowPrivate, expected) => {
    expect(fieldOf(() => parseSettings(kind, settings, { allowPrivate }))).toMatch(expected);
  });

  it('hints never hold the secret; sealed secrets open only for their organisation', () => {
    expect(secretHint('slack', { url: 'https://hooks.slack.com/services/T000/B000/abcdefghWXYZ' })).toBe('https://hooks.slack.com/…WXYZ');
    expect(secretHint('email', { password: 'x' })).toBe('password set');
    const key = randomBytes(32);
    const sealed = sealSecrets(key, 'org-a', { url: 'https://hooks.slack.com/services/T/B/secret' });
    expect(sealed).not.toContain('secret');
    expect(openSecrets(key, { organisationId: 'org-a', secretCiphertext: sealed })).toEqual({ url: 'https://hooks.slack.com/services/T/B/secret' });
    expect(() => openSecrets(key, { organisationId: 'org-b', secretCiphertext: sealed })).toThrow();
  });
});
