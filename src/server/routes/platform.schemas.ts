import { oauthOffered } from '../../connector-kit/oauth.ts';
import { connectionTestErrorCodes } from '../../core/connection-test.ts';
import type { InstanceSettings } from '../../core/platform-manifest.ts';
import type { PlatformListing } from '../../connectors/registry.ts';
import { errorBodySchema } from '../errors.ts';

const check = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    label: { type: 'string' },
    status: { type: 'string', enum: ['passed', 'failed', 'skipped'] },
    detail: { type: 'string' },
  },
} as const;

/** Groups or projects the account reaches, each by id and name. */
const namedList = { type: 'array', items: { type: 'object', properties: { id: { type: ['number', 'string'] }, name: { type: 'string' } } } } as const;

// One object schema with every property of both outcomes: fast-json-stringify drops unknown keys.
const testResult = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    agent: { type: 'object', properties: { id: { type: ['number', 'string'] }, name: { type: 'string' }, email: { type: 'string' } } },
    roles: { type: 'array', items: { type: 'string' } },
    groupAccess: {
      type: 'object',
      properties: {
        scope: { type: 'string', enum: ['all', 'selected'] },
        groups: namedList,
      },
    },
    accessScope: {
      type: 'object',
      description: "What the account can reach where the platform's scope is not groups (the projects it may browse); shown instead of groupAccess",
      properties: {
        title: { type: 'string' },
        summary: { type: 'string' },
        items: namedList,
      },
    },
    warnings: { type: 'array', items: { type: 'string' } },
    error: {
      type: 'object',
      properties: {
        code: { type: 'string', enum: [...connectionTestErrorCodes] },
        message: { type: 'string' },
        hints: { type: 'array', items: { type: 'string' } },
      },
    },
    checks: { type: 'array', items: check },
  },
} as const;

/** A saved credential set as answered: non-secret fields as saved, `<secret field>Hint` for each secret one. */
const credentialsView = {
  type: 'object',
  additionalProperties: { type: 'string' },
  description: 'The credential fields of the platform manifest: non-secret ones as saved, secret ones only as <name>Hint ("••••a1b2")',
} as const;

const lastTestView = {
  anyOf: [
    { type: 'null' },
    {
      ...testResult,
      properties: {
        ...testResult.properties,
        testedAt: { type: 'string' },
        stale: { type: 'boolean', description: 'A sync found the key rejected after this test: test again' },
      },
    },
  ],
} as const;

const configView = {
  type: 'object',
  properties: {
    platform: { type: ['string', 'null'] },
    apiUrl: { type: ['string', 'null'] },
    apiKeyHint: { type: ['string', 'null'], description: 'The API key hint of a platform whose credentials have an apiKey field' },
    credentials: { anyOf: [{ type: 'null' }, credentialsView] },
    lastTest: lastTestView,
    keyRejected: {
      description: 'Set when a sync run found the saved key rejected by the platform after the last test; cleared by the next Test Connection or a new key',
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          properties: {
            at: { type: 'string', format: 'date-time' },
            runId: { type: 'string' },
            connectionId: { type: 'string' },
            contractName: { type: ['string', 'null'] },
          },
        },
      ],
    },
  },
} as const;

export const platformSchemas = {
  get: {
    tags: ['platform'],
    summary: "The organisation's platform connection (never the key)",
    response: { 200: configView, 401: errorBodySchema },
  },
  put: {
    tags: ['platform'],
    summary: 'Save the platform connection; secrets are stored encrypted and only hints are returned',
    description:
      'credentials holds the fields GET /api/v1/platforms lists for the platform; a platform with an apiKey field also takes the ' +
      'apiKey beside them (the body from before credential sets). A secret field may be left out when one is already saved: the saved ' +
      'one is kept. Unknown platform, or a missing, unknown or malformed credential field: 400 naming the field, nothing saved. When the saved configuration passed its last ' +
      'Test Connection, a new API URL or key is tested first: it replaces the working one only when the test passes (the result is ' +
      'returned as test and kept as the last test); otherwise 409 replacement_failed_test with the reason and hints, and nothing is saved.',
    body: {
      type: 'object',
      required: ['platform', 'apiUrl'],
      additionalProperties: false,
      properties: {
        platform: { type: 'string', maxLength: 64 },
        apiUrl: { type: 'string', maxLength: 4096 },
        apiKey: { type: 'string', maxLength: 16384 },
        credentials: { type: 'object', maxProperties: 32, additionalProperties: { type: 'string', maxLength: 16384 } },
      },
    },
    response: {
      200: {
        type: 'object',
        properties: {
          platform: { type: 'string' },
          apiUrl: { type: 'string' },
          apiKeyHint: { type: 'string' },
          credentials: credentialsView,
          lastTest: lastTestView,
          test: testResult,
        },
      },
      400: errorBodySchema,
      401: errorBodySchema,
      409: errorBodySchema,
    },
  },
  test: {
    tags: ['platform'],
    summary: 'Test Connection: a handful of API calls; 200 with ok true or ok false and the reason',
    response: { 200: testResult, 400: errorBodySchema, 401: errorBodySchema },
  },
} as const;

const credentialFieldView = {
  type: 'object',
  required: ['name', 'label', 'secret', 'required', 'help'],
  properties: {
    name: { type: 'string' },
    label: { type: 'string' },
    secret: { type: 'boolean' },
    required: { type: 'boolean' },
    help: { type: 'string' },
    maxLength: { type: 'integer' },
    example: { type: 'string' },
    pattern: { type: 'object', properties: { source: { type: 'string' }, message: { type: 'string' } } },
  },
} as const;

const stringList = { type: 'array', items: { type: 'string' } } as const;

export const platformListSchema = {
  type: 'object',
  properties: {
    platforms: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'available'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          available: { type: 'boolean' },
          apiUrl: { type: 'object', properties: { label: { type: 'string' }, example: { type: 'string' }, help: { type: 'string' } } },
          credentials: { type: 'array', items: credentialFieldView },
          auth: { type: 'string', enum: ['basic', 'api_key', 'oauth', 'headers'] },
          oauthConnect: {
            type: 'boolean',
            description:
              "Whether Settings offers 'Connect to <platform>' (OAuth): the platform's way in, or a second way in through this instance's registered app",
          },
          setupGuide: {
            type: 'object',
            properties: {
              summary: { type: 'string' },
              path: { type: ['string', 'null'] },
              file: { type: 'string', description: 'The bundled Markdown of the guide, from the repository root (absent: docs/<id>-setup.md)' },
            },
          },
          sideSettings: {
            type: 'array',
            items: {
              type: 'object',
              properties: { name: { type: 'string' }, label: { type: 'string' }, help: { type: 'string' }, required: { type: 'boolean' } },
            },
          },
          commentChannels: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                label: { type: 'string' },
                visibility: { type: 'string', enum: ['public', 'internal'] },
                notifiesRequester: { type: 'boolean' },
              },
            },
          },
          roles: stringList,
          troubleshooting: { type: 'object', properties: Object.fromEntries(connectionTestErrorCodes.map((c) => [c, stringList])) },
          webhook: {
            description: 'How calls of the webhook URL are proved to come from the platform; null: the platform has no webhooks',
            anyOf: [
              { type: 'null' },
              { type: 'object', properties: { verification: { type: 'string', enum: ['url-token', 'hmac-sha256', 'hmac-sha1', 'basic'] } } },
            ],
          },
          workspaces: { type: 'boolean', description: 'Whether an account holds several workspaces' },
        },
      },
    },
  },
} as const;

/** One platform of GET /api/v1/platforms: what the web app needs of its manifest (id, name and available only for the unavailable ones). */
export function platformListingView(p: PlatformListing, instance: InstanceSettings = {}) {
  const m = p.manifest;
  if (!m) return { id: p.id, name: p.name, available: p.available };
  return {
    id: p.id,
    name: p.name,
    available: p.available,
    apiUrl: m.apiUrl,
    credentials: m.credentials.map(({ name, label, secret, required, help, maxLength, example, pattern }) => ({
      name,
      label,
      secret,
      required,
      help,
      maxLength,
      ...(example !== undefined ? { example } : {}),
      ...(pattern ? { pattern } : {}),
    })),
    auth: m.auth,
    oauthConnect: oauthOffered(m, instance),
    setupGuide: m.setupGuide,
    sideSettings: m.sideSettings,
    commentChannels: m.capabilities.comments.channels,
    roles: m.roles,
    troubleshooting: m.troubleshooting,
    webhook: m.webhook ? { verification: m.webhook('').verification } : null,
    workspaces: m.capabilities.workspaces,
  };
}
