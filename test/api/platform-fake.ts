import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ConnectionTestResult } from '../../src/core/connection-test.ts';
import type { PlatformManifest } from '../../src/core/platform-manifest.ts';
import { freshserviceManifest } from '../../src/connectors/freshservice/manifest.ts';
import type { ConnectorOptions, PlatformCredentials, PlatformDefinition } from '../../src/connectors/platform-definition.ts';
import type * as Registry from '../../src/connectors/registry.ts';

/**
 * A platform that exists only in tests: two credential fields (a non-secret email with a pattern and a
 * secret token), webhooks signed with HMAC-SHA256 and opaque ticket keys. It proves the settings, Test
 * Connection and webhook routes go through the definition, not through one platform's code.
 */
export const FAKE_ID = 'fakedesk';
export const GOOD_TOKEN = 'good-token-1234abcd';
export const SIGNATURE_HEADER = 'x-fakedesk-signature';

export const fakeTests: PlatformCredentials[] = [];
/** What createConnector was given (it then throws: no test here needs a working connector). */
export const fakeConnectors: Array<{ creds: PlatformCredentials; opts: ConnectorOptions }> = [];

const manifest: PlatformManifest = {
  ...freshserviceManifest,
  id: FAKE_ID,
  name: 'FakeDesk',
  apiUrl: { label: 'Site URL', example: 'https://acme.fakedesk.test', help: 'Your FakeDesk site.' },
  credentials: [
    {
      name: 'email',
      label: 'Account email',
      secret: false,
      required: true,
      help: 'The email of the integration account.',
      maxLength: 120,
      pattern: { source: '^[^@\\s]+@[^@\\s]+$', message: 'Enter the account email, like agent@example.com.' },
    },
    { name: 'token', label: 'API token', secret: true, required: true, help: 'Profile > API tokens.', maxLength: 64 },
  ],
  auth: 'basic',
  sideSettings: [{ name: 'project', label: 'Project', help: 'Where new tickets go.', required: true }],
  troubleshooting: { ...freshserviceManifest.troubleshooting, authentication_failed: ['Check the FakeDesk API token'] },
  roles: ['Agent'],
  webhook: (url) => ({ steps: [`In FakeDesk, add a webhook to ${url}`, 'Paste the signing secret.'], body: null, verification: 'hmac-sha256' }),
};

export function fakeSignature(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export const fakeDesk: PlatformDefinition = {
  manifest,
  normaliseApiUrl: (input) => {
    const text = input.trim();
    if (!URL.canParse(text) || !text.startsWith('https://')) return { ok: false, message: 'Enter the site URL, like https://acme.fakedesk.test.' };
    return { ok: true, url: new URL(text).origin };
  },
  // The manifest's rules (required, length, pattern) are checked by the server; nothing special here.
  validateCredentials: (fields) => ({ ok: true, fields: Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v).trim()])) }),
  createConnector: (creds, opts) => {
    fakeConnectors.push({ creds, opts });
    throw new Error('FakeDesk has no connector in these tests');
  },
  testConnection: async (creds): Promise<ConnectionTestResult> => {
    fakeTests.push(creds);
    if (creds.fields.token === GOOD_TOKEN) {
      return {
        ok: true,
        agent: { id: 'acct-1', name: 'Integration', email: creds.fields.email ?? '' },
        roles: ['Agent'],
        groupAccess: { scope: 'all', groups: [] },
        warnings: [],
        checks: [],
      };
    }
    return {
      ok: false,
      error: { code: 'authentication_failed', message: 'The token was refused.', hints: manifest.troubleshooting.authentication_failed },
      checks: [],
    };
  },
  ticketWebUrl: () => null,
  webhook: {
    verify(hook, secret) {
      const given = hook.headers[SIGNATURE_HEADER];
      if (!secret || !given) return false;
      const expected = Buffer.from(fakeSignature(hook.rawBody, secret));
      const actual = Buffer.from(given);
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
    read(hook) {
      const issues = (hook.json as { issues?: Array<{ key?: unknown }> } | undefined)?.issues;
      if (!Array.isArray(issues)) return { ok: false, message: 'The body must be {"issues": [{"key": "PROJ-1"}]}.' };
      return { ok: true, ticketIds: issues.map((i) => String(i.key)) };
    },
  },
};

/** The registry with FakeDesk added (for vi.mock of src/connectors/registry.ts). */
export function registryWithFake(actual: typeof Registry): typeof Registry {
  const isFake = (id: string) => id === FAKE_ID;
  const platformDefinition = (id: string) => (isFake(id) ? fakeDesk : actual.platformDefinition(id));
  const requirePlatform = (id: string) => (isFake(id) ? fakeDesk : actual.requirePlatform(id));
  return {
    ...actual,
    listPlatforms: () => {
      const all = actual.listPlatforms();
      return [...all.filter((p) => p.available), { id: FAKE_ID, name: manifest.name, available: true, manifest }, ...all.filter((p) => !p.available)];
    },
    platformDefinition,
    requirePlatform,
    platformName: (id: string) => (isFake(id) ? manifest.name : actual.platformName(id)),
    availablePlatforms: () => [...actual.availablePlatforms(), fakeDesk],
    createConnector: (platform, creds, opts) => requirePlatform(platform).createConnector(creds, opts),
  };
}
