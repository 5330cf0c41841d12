import { STATUS_CODES } from 'node:http';
import type { FastifyDynamicSwaggerOptions, SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import { requireSession } from './api-token-auth.ts';
import { requireAdmin, requireMember, requireUser } from './auth.ts';
import { errorBodySchema } from './errors.ts';

/**
 * The OpenAPI 3.0 document at /api/docs, derived in one place from the routes' JSON schemas, so route files
 * only declare what is particular to them. For every operation this module adds:
 * - an operationId from its method and path (unless the route names one);
 * - the answers every route of its kind can give: 401 and 403 from the auth hooks it uses, 400 when
 *   anything of the request is validated, 413/415 when it takes a body, and `default` for the rest — all
 *   with the one error shape (`components.schemas.Error`);
 * - `security: []` on routes without an auth hook (they need no session or token);
 * and it rewrites JSON Schema keywords OpenAPI 3.0 does not know, so the document validates
 * (test/api/openapi.test.ts checks it with a real validator).
 */

type Json = Record<string, unknown>;
type AnyHook = (...args: never[]) => unknown;

const ERROR_REF = { $ref: '#/components/schemas/Error' };

/** What an auth hook can answer, by the hook. */
const HOOK_ANSWERS = new Map<AnyHook, string[]>([
  [requireUser, ['401']],
  [requireMember, ['401', '403']],
  [requireAdmin, ['401', '403']],
  [requireSession, ['403']],
]);
const AUTH_HOOKS = new Set<AnyHook>([requireUser, requireMember, requireAdmin]);

const ERROR_DESCRIPTIONS: Record<string, string> = {
  '400': 'Bad input: `validation_failed` (with `field`) or another code saying what to fix. Nothing changed.',
  '401':
    'Not logged in: no session or API token, or it is unknown, expired or revoked (`unauthenticated`, `api_token_invalid`, `api_token_expired`, `api_token_revoked`).',
  '403': 'Not allowed: your role (for an API token, the lower of its role and yours) does not allow this (`forbidden`), or the request came from another site.',
  '404': 'Not found (in your organisation).',
  '409': 'Conflicts with the current state; the code says which.',
  '413': 'The request body is too large (`body_too_large`).',
  '415': 'The body is not JSON (`unsupported_media_type`).',
  '429': 'Too many requests or attempts; wait as `Retry-After` says.',
  '503': 'Not ready.',
  default: 'Any other error (for example 429 when throttled, 500): the error shape.',
};

/** `getConnectionsByIdMappings` from `GET /api/v1/connections/:id/mappings`: stable as long as the route is. */
export function operationIdFor(method: string, url: string): string {
  const words = url
    .replace(/^\/api\/v1(?=\/|$)/, '')
    .split('/')
    .filter(Boolean)
    .flatMap((segment) => {
      const param = /^(?::|\{)([A-Za-z0-9_]+)\}?$/.exec(segment);
      return param ? ['by', param[1]!] : segment.split(/[^A-Za-z0-9]+/);
    })
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

const hooksOf = (route: Json): AnyHook[] =>
  [route.onRequest, route.preValidation, route.preHandler].flat().filter((h): h is AnyHook => typeof h === 'function');

export const transform: SwaggerTransform = ({ schema, url, route }) => {
  if (!schema || (schema as Json).hide) return { schema, url };
  const s = { ...(schema as Json) };
  const r = route as unknown as Json;
  const hooks = hooksOf(r);
  const response: Json = { ...((s.response as Json | undefined) ?? {}) };
  const add = (status: string) => {
    if (!(status in response)) response[status] = { ...errorBodySchema, description: ERROR_DESCRIPTIONS[status] };
  };
  for (const hook of hooks) for (const status of HOOK_ANSWERS.get(hook) ?? []) add(status);
  if (s.body || s.querystring || s.params || s.headers) add('400');
  if (s.body) {
    add('413');
    add('415');
  }
  add('default');
  s.response = response;
  const method = Array.isArray(r.method) ? String(r.method[0]) : String(r.method);
  s.operationId ??= operationIdFor(method, url);
  // Without an auth hook a route needs neither session nor token: say so rather than inherit the global requirement.
  if (!hooks.some((h) => AUTH_HOOKS.has(h))) s.security ??= [];
  return { schema: s, url };
};

export const transformObject: SwaggerTransformObject = (documentObject) => {
  const doc = ('openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject) as Json;
  const errorShape = canonical(toOpenApi30(structuredClone(errorBodySchema) as Json));
  const fixSchema = (schema: unknown) => {
    const converted = toOpenApi30(schema as Json);
    return canonical(converted) === errorShape ? { ...ERROR_REF } : converted;
  };
  const components = (doc.components ??= {}) as Json;
  const schemas = (components.schemas ??= {}) as Json;
  for (const [name, schema] of Object.entries(schemas)) schemas[name] = toOpenApi30(schema as Json);
  schemas.Error = toOpenApi30(structuredClone(errorBodySchema) as Json);
  for (const ops of Object.values((doc.paths ?? {}) as Record<string, Json>)) {
    for (const op of Object.values(ops) as Json[]) {
      for (const p of (op.parameters ?? []) as Json[]) if (p.schema) p.schema = toOpenApi30(p.schema as Json);
      const body = op.requestBody as Json | undefined;
      for (const media of Object.values((body?.content ?? {}) as Record<string, Json>)) if (media.schema) media.schema = toOpenApi30(media.schema as Json);
      for (const [status, res] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
        if (res.description === 'Default Response') res.description = ERROR_DESCRIPTIONS[status] ?? STATUS_CODES[Number(status)] ?? 'Answer';
        for (const media of Object.values((res.content ?? {}) as Record<string, Json>)) if (media.schema) media.schema = fixSchema(media.schema);
      }
    }
  }
  return doc as ReturnType<SwaggerTransformObject>;
};

/** Swagger options for app.ts: the document's frame plus the two transforms above. */
export function openApiOptions(): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Support Fusion API',
        version: '1',
        description:
          'Errors are { "error": { "code", "message", "field"?, "hints"? } } (schema Error). Authenticate with the session cookie, or ' +
          '`Authorization: Bearer <token>` with a log-in token or an API token (`sfp_…`, created on the API tokens page).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A log-in token (POST /api/v1/session) or an API token (sfp_…).' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'sf_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    transform,
    transformObject,
  };
}

/** OpenAPI 3.0 Schema Objects are a JSON Schema subset: keywords outside it are rewritten or dropped. */
const DROPPED = [
  '$id',
  '$schema',
  '$comment',
  '$defs',
  'definitions',
  'propertyNames',
  'patternProperties',
  'dependencies',
  'dependentRequired',
  'dependentSchemas',
  'if',
  'then',
  'else',
  'contains',
  'unevaluatedProperties',
  'unevaluatedItems',
  'const',
];

export function toOpenApi30(schema: Json): Json {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const s: Json = { ...schema };
  if ('const' in s && !('enum' in s)) s.enum = [s.const];
  if (Array.isArray(s.examples)) {
    if (!('example' in s) && s.examples.length > 0) s.example = s.examples[0];
    delete s.examples;
  }
  for (const k of ['exclusiveMinimum', 'exclusiveMaximum'] as const) {
    if (typeof s[k] === 'number') {
      s[k === 'exclusiveMinimum' ? 'minimum' : 'maximum'] = s[k];
      s[k] = true;
    }
  }
  if (Array.isArray(s.type)) {
    const types = (s.type as string[]).filter((t) => t !== 'null');
    if (types.length < (s.type as string[]).length) s.nullable = true;
    if (types.length === 1) s.type = types[0];
    else {
      delete s.type;
      s.anyOf = types.map((type) => ({ type }));
    }
  }
  if (s.type === 'null') {
    delete s.type;
    s.nullable = true;
    s.enum = [null];
  }
  for (const k of DROPPED) delete s[k];
  if (s.properties && typeof s.properties === 'object') {
    s.properties = Object.fromEntries(Object.entries(s.properties as Json).map(([name, sub]) => [name, toOpenApi30(sub as Json)]));
  }
  if (Array.isArray(s.items)) s.items = s.items.length === 1 ? toOpenApi30(s.items[0] as Json) : { anyOf: (s.items as Json[]).map(toOpenApi30) };
  else if (s.items) s.items = toOpenApi30(s.items as Json);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') s.additionalProperties = toOpenApi30(s.additionalProperties as Json);
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) if (Array.isArray(s[k])) s[k] = (s[k] as Json[]).map(toOpenApi30);
  if (s.not) s.not = toOpenApi30(s.not as Json);
  return s;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => k !== 'description')
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Json)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
