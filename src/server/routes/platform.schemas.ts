import { connectionTestErrorCodes } from '../../core/connection-test.ts';
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

// One object schema with every property of both outcomes: fast-json-stringify drops unknown keys.
const testResult = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    agent: { type: 'object', properties: { id: { type: 'number' }, name: { type: 'string' }, email: { type: 'string' } } },
    roles: { type: 'array', items: { type: 'string' } },
    groupAccess: {
      type: 'object',
      properties: {
        scope: { type: 'string', enum: ['all', 'selected'] },
        groups: { type: 'array', items: { type: 'object', properties: { id: { type: 'number' }, name: { type: 'string' } } } },
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

const configView = {
  type: 'object',
  properties: {
    platform: { type: ['string', 'null'] },
    apiUrl: { type: ['string', 'null'] },
    apiKeyHint: { type: ['string', 'null'] },
    lastTest: {
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
    },
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
    summary: 'Save the platform connection; the key is stored encrypted and only a hint is returned',
    description:
      'apiKey may be left out when a key is already saved: the saved key is kept. When the saved configuration passed its last ' +
      'Test Connection, a new API URL or key is tested first: it replaces the working one only when the test passes (the result is ' +
      'returned as test and kept as the last test); otherwise 409 replacement_failed_test with the reason and hints, and nothing is saved.',
    body: {
      type: 'object',
      required: ['platform', 'apiUrl'],
      additionalProperties: false,
      properties: { platform: { type: 'string', maxLength: 64 }, apiUrl: { type: 'string', maxLength: 4096 }, apiKey: { type: 'string', maxLength: 16384 } },
    },
    response: {
      200: { type: 'object', properties: { platform: { type: 'string' }, apiUrl: { type: 'string' }, apiKeyHint: { type: 'string' }, test: testResult } },
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
