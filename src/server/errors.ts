import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { errorCodeList, type ErrorCode } from './error-codes.ts';

/** Every API error has the body `{ error: { code, message, field?, hints? } }` (the HTTP contract). */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly extra: { field?: string; hints?: string[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }
}

export const errorBodySchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: errorCodeList(), description: 'What went wrong, from the error-code registry (src/server/error-codes.ts)' },
        message: { type: 'string' },
        field: { type: 'string' },
        hints: { type: 'array', items: { type: 'string' } },
      },
    },
  },
} as const;

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
    if (err instanceof ApiError) {
      for (const [k, v] of Object.entries(err.extra.headers ?? {})) reply.header(k, v);
      return reply.status(err.statusCode).send({ error: { code: err.code, message: err.message, ...pick(err.extra) } });
    }
    const mapped = mapFastifyError(err);
    if (mapped) return reply.status(mapped.status).send({ error: mapped.error });
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal_error', message: 'Something went wrong on our side; the request was not applied.' } });
  });
}

/**
 * Fastify's `frameworkErrors`: the router's own refusals (a malformed percent-encoding, a path parameter
 * longer than maxParamLength) get the standard error shape too. The URL is not repeated: it may hold a
 * webhook token.
 */
export function frameworkErrorHandler(err: FastifyError, _req: unknown, reply: FastifyReply): void {
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void reply.status(414).send({ error: { code: 'uri_too_long', message: 'A part of the URL is too long for this API.' } });
    return;
  }
  void reply.status(400).send({ error: { code: 'bad_url', message: 'The URL is not valid: check its percent-encoding.' } });
}

function pick(extra: ApiError['extra']) {
  const out: { field?: string; hints?: string[] } = {};
  if (extra.field) out.field = extra.field;
  if (extra.hints) out.hints = extra.hints;
  return out;
}

function mapFastifyError(err: FastifyError): { status: number; error: { code: ErrorCode; message: string; field?: string } } | undefined {
  if (err.validation && err.validation.length > 0) {
    const v = err.validation[0]!;
    const missing = (v.params as { missingProperty?: string } | undefined)?.missingProperty;
    const extraProp = (v.params as { additionalProperty?: string } | undefined)?.additionalProperty;
    const path = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const field = missing ?? extraProp ?? (path || undefined);
    let message: string;
    if (missing) message = `${missing} is required.`;
    else if (extraProp) message = `${extraProp} is not a known field here; remove it.`;
    else message = `${field ?? err.validationContext ?? 'request'} ${v.message ?? 'is invalid'}.`;
    return { status: 400, error: { code: 'validation_failed', message, ...(field ? { field } : {}) } };
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, error: { code: 'invalid_json', message: 'The request body is not valid JSON; send a JSON object.' } };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, error: { code: 'body_too_large', message: 'The request body is too large (the limit is 64 KB).' } };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, error: { code: 'unsupported_media_type', message: 'Send the body as application/json.' } };
  }
  if (err instanceof SyntaxError) {
    return { status: 400, error: { code: 'invalid_json', message: 'The request body is not valid JSON; send a JSON object.' } };
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return { status: err.statusCode, error: { code: 'bad_request', message: err.message } };
  }
  return undefined;
}
