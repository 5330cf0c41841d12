import { z } from 'zod';
import { Mappings, SideConfiguration } from '../../core/sync-config.ts';
import { errorBodySchema } from '../errors.ts';
import { CONNECTION_STATES } from '../../db/repositories/connection-state.ts';
import { proposalSchema } from './change-proposals.schemas.ts';

/**
 * JSON schemas of the connections API (shown in /api/docs). The configuration and mapping documents
 * are generated from their zod contracts in sync-config.ts, so the docs cannot drift from them; the
 * request bodies of those two PUTs are validated with zod itself (for exact field paths and defaults).
 */
function fromZod(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' }) as Record<string, unknown>;
  return json;
}

const tags = ['connections'];
const role = { type: 'string', enum: ['source', 'target'] } as const;
const syncState = { type: 'string', enum: ['initial_sync_required', 'ready_for_automatic_sync'] } as const;
const partner = { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } } as const;
const nullablePartner = { anyOf: [{ type: 'null' }, partner], description: 'The partner organisation (only its name is shown); null while pending.' } as const;
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', description: 'Connection id (uuid)' } } } as const;
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema } as const;

const connection = {
  type: 'object',
  required: ['id', 'contractName', 'role', 'partner', 'status', 'syncState', 'automaticSync', 'createdAt', 'expiresAt'],
  properties: {
    id: { type: 'string' },
    contractName: { type: 'string' },
    role: { ...role, description: "Your organisation's role in this connection." },
    partner: nullablePartner,
    status: { type: 'string', enum: ['pending', 'active'] },
    syncState,
    automaticSync: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: ['string', 'null'], format: 'date-time', description: 'When the verification code expires (pending connections); null once active.' },
    intervalMinutes: { type: 'integer', description: 'Automatic sync interval of this instance (SF_SYNC_INTERVAL_MINUTES)' },
    nextRunAt: {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'When the schedule starts the next run; null while automatic sync is off or not ready',
    },
    state: {
      type: ['string', 'null'],
      enum: [...CONNECTION_STATES, null],
      description:
        'The state the Dashboard, the Connections list and the connection page show (Initial sync required, Ready, Automatic, Paused, Failing); null while pending',
    },
    lastRun: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          properties: {
            id: { type: 'string' },
            trigger: { type: 'string' },
            status: { type: 'string' },
            startedAt: { type: 'string', format: 'date-time' },
            finishedAt: { type: ['string', 'null'], format: 'date-time' },
            counts: {
              type: 'object',
              properties: { created: { type: 'integer' }, updated: { type: 'integer' }, closed: { type: 'integer' }, failed: { type: 'integer' } },
            },
            error: { type: ['string', 'null'] },
          },
        },
      ],
    },
  },
} as const;

export const sideConfigurationOut = fromZod(SideConfiguration, 'output');
export const sideConfigurationIn = fromZod(SideConfiguration, 'input');
export const mappingsOut = fromZod(Mappings, 'output');
export const mappingsIn = fromZod(Mappings, 'input');

const configurationView = {
  type: 'object',
  required: ['connectionId', 'side', 'configuration', 'apiOverride', 'partner'],
  properties: {
    connectionId: { type: 'string' },
    side: { ...role, description: 'The side this configuration belongs to: always the caller’s own.' },
    configuration: sideConfigurationOut,
    apiOverride: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['apiUrl', 'apiKeyHint'],
          properties: {
            apiUrl: { type: 'string' },
            apiKeyHint: { type: 'string', description: "The API key's hint ('' for a platform without an apiKey field)" },
            credentials: {
              type: 'object',
              additionalProperties: { type: 'string' },
              description:
                'The override credential set (only when it holds more than an API key): non-secret fields as saved, <secret field>Hint for each secret one',
            },
          },
        },
      ],
      description: "Credentials this connection uses instead of the organisation's platform settings; the key itself is never returned.",
    },
    partner: nullablePartner,
  },
} as const;

export const connectionSchemas = {
  create: {
    tags,
    summary: 'Create a connection: returns the verification code to hand to the partner (shown once)',
    description:
      'role is your own organisation’s role. The code is valid for 7 days and works once; only its hash is stored. ' +
      '409 platform_not_configured until the organisation has saved its platform settings (PUT /api/v1/platform).',
    body: {
      type: 'object',
      required: ['role', 'contractName'],
      additionalProperties: false,
      properties: { role, contractName: { type: 'string', maxLength: 1000, description: '1–120 characters after trimming.' } },
    },
    response: {
      201: {
        type: 'object',
        required: ['id', 'role', 'contractName', 'status', 'verificationCode', 'expiresAt'],
        properties: {
          id: { type: 'string' },
          role,
          contractName: { type: 'string' },
          status: { type: 'string', enum: ['pending'] },
          verificationCode: { type: 'string', description: 'e.g. ABCD-EFGH-JKMN-PQRS-TVWX (100 random bits)' },
          expiresAt: { type: 'string', format: 'date-time' },
        },
      },
      ...errors,
      409: errorBodySchema,
    },
  },
  accept: {
    tags,
    summary: "Accept a partner's connection with its verification code",
    description:
      'Errors (400, field verificationCode): invalid_verification_code (unknown, mistyped, already used or revoked), verification_code_expired, own_verification_code. ' +
      'Too many failed attempts by one organisation: 429 too_many_attempts with Retry-After.',
    body: {
      type: 'object',
      required: ['verificationCode'],
      additionalProperties: false,
      properties: { verificationCode: { type: 'string', maxLength: 1000, description: 'Case, spaces and dashes do not matter.' } },
    },
    response: {
      200: {
        type: 'object',
        required: ['id', 'status', 'role', 'contractName', 'partner', 'syncState'],
        properties: {
          id: { type: 'string' },
          status: { type: 'string', enum: ['active'] },
          role: { ...role, description: "Your organisation's role: the opposite of the creator's." },
          contractName: { type: 'string' },
          partner,
          syncState,
        },
      },
      ...errors,
      429: errorBodySchema,
    },
  },
  list: {
    tags,
    summary: "Your organisation's connections: active ones, and pending ones you created (never revoked ones)",
    response: { 200: { type: 'object', required: ['connections'], properties: { connections: { type: 'array', items: connection } } }, 401: errorBodySchema },
  },
  get: {
    tags,
    summary: 'One connection, as your organisation sees it',
    params: idParams,
    response: { 200: connection, ...errors },
  },
  automaticSync: {
    tags,
    summary: 'Switch automatic sync on or off (on only after the first successful manual sync)',
    description: '409 initial_sync_required before the first manual sync has finished; 409 connection_not_active for a pending connection.',
    params: idParams,
    body: { type: 'object', required: ['enabled'], additionalProperties: false, properties: { enabled: { type: 'boolean' } } },
    response: { 200: connection, ...errors, 409: errorBodySchema },
  },
  revoke: {
    tags,
    summary: 'Revoke a connection (either side); a pending connection’s code stops working',
    params: idParams,
    response: {
      200: { type: 'object', required: ['id', 'status'], properties: { id: { type: 'string' }, status: { type: 'string', enum: ['revoked'] } } },
      ...errors,
    },
  },
  getConfiguration: {
    tags,
    summary: "Your side's configuration of the connection (never the partner's)",
    params: idParams,
    response: { 200: configurationView, ...errors },
  },
  putConfiguration: {
    tags,
    summary: "Save your side's configuration; left-out settings get their defaults",
    description:
      'Errors: 400 validation_failed with field = the dotted path (e.g. configuration.comments.sendPrivate); reverse sync only on the target side; ' +
      'apiOverride: invalid_api_url / invalid_api_key on apiOverride.apiUrl / apiOverride.apiKey. apiOverride left out keeps the saved override, ' +
      "null removes it, apiKey (or any secret of credentials) left out keeps the saved one; credentials: the platform's fields, " +
      'invalid_credential on apiOverride.credentials.<name>. ' +
      'configuration.workspaces (optional; absent = the primary workspace): a new choice is checked against the account’s live workspaces (GET …/workspaces): ' +
      '400 invalid_workspace (field = e.g. configuration.workspaces.ids.0; unknown, repeated, or new tickets outside the synced workspaces), ' +
      '409 workspaces_unavailable (the platform could not be asked). Nothing is changed on error.',
    params: idParams,
    body: {
      type: 'object',
      required: ['configuration'],
      additionalProperties: false,
      properties: {
        configuration: sideConfigurationIn,
        apiOverride: {
          anyOf: [
            { type: 'null' },
            {
              type: 'object',
              required: ['apiUrl'],
              additionalProperties: false,
              properties: {
                apiUrl: { type: 'string' },
                apiKey: { type: 'string' },
                credentials: { type: 'object', additionalProperties: { type: 'string' }, description: 'The credential fields GET /api/v1/platforms lists' },
              },
            },
          ],
        },
      },
    },
    response: {
      200: configurationView,
      202: {
        ...configurationView,
        description:
          'Saved, except reverse sync: switching it on or widening it writes into the source’s platform, so it waits for the source’s admin. configuration is what applies now.',
        required: [...configurationView.required, 'proposal', 'message'],
        properties: { ...configurationView.properties, proposal: proposalSchema, message: { type: 'string' } },
      },
      ...errors,
      409: errorBodySchema,
    },
  },
  getMappings: {
    tags,
    summary: "The connection's field mappings (one document shared by both sides)",
    params: idParams,
    response: { 200: { type: 'object', required: ['mappings'], properties: { mappings: mappingsOut } }, ...errors },
  },
  putMappings: {
    tags,
    summary: 'Replace the field mappings (a member of either side); checked against both platforms’ live fields',
    description:
      'A change that lets the sync write something new into the partner’s platform (a direction, field, value pair, type or description line towards it) is not applied: ' +
      'it becomes a pending change for the partner’s admin (202). Changes that write only into your own platform, or write less, apply at once (200). ' +
      'Errors: 400 validation_failed (structure; field = path), 400 invalid_mapping (a field or value does not exist on a platform; field = path, hints = every problem), ' +
      '409 connection_not_active (pending), 409 fields_unavailable (a side’s fields cannot be loaded; says which and why). Nothing is saved on error.',
    params: idParams,
    body: { type: 'object', required: ['mappings'], additionalProperties: false, properties: { mappings: mappingsIn } },
    response: {
      200: { type: 'object', required: ['mappings'], properties: { mappings: mappingsOut } },
      202: {
        type: 'object',
        description:
          'Not applied: the change writes something new into the partner’s platform, so it waits for the partner’s admin (a newer proposal replaces an older pending one). mappings is what applies now.',
        required: ['mappings', 'proposal', 'message'],
        properties: { mappings: mappingsOut, proposal: proposalSchema, message: { type: 'string' } },
      },
      ...errors,
      409: errorBodySchema,
    },
  },
} as const;
