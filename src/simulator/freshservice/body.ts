import type { FastifyRequest } from 'fastify';
import { ApiError, unsupportedMediaType, validationFailed } from './errors.ts';
import type { BodyKind, UploadedFile } from './router.ts';

// Multipart sends every field as text; these names are converted back to the JSON types the API expects.
const numericFields = new Set([
  'status',
  'priority',
  'urgency',
  'impact',
  'source',
  'requester_id',
  'requested_for_id',
  'responder_id',
  'group_id',
  'department_id',
  'email_config_id',
  'workspace_id',
  'user_id',
  'agent_id',
  'task_id',
]);
const booleanFields = new Set(['private', 'incoming', 'billable', 'timer_running']);

export interface ParsedBody {
  body: Record<string, unknown>;
  files: UploadedFile[];
}

const invalidJson = () => validationFailed([{ message: 'Request body has invalid json format', code: 'invalid_json' }]);

/** Checks Content-Type (415) and parses JSON or multipart into one object shape for the handlers. */
export async function readBody(req: FastifyRequest, kind: BodyKind): Promise<ParsedBody> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const raw = Buffer.isBuffer(req.body) ? req.body : null;
  const hasBody = (raw !== null && raw.length > 0) || req.isMultipart();
  if (kind === 'none' || (!hasBody && type === '')) return { body: {}, files: [] };
  if (type === 'multipart/form-data') {
    if (kind !== 'multipart') throw unsupportedMediaType(false);
    return readMultipart(req);
  }
  if (type !== 'application/json') throw unsupportedMediaType(kind === 'multipart');
  if (!raw || raw.length === 0) return { body: {}, files: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw invalidJson();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidJson();
  return { body: parsed as Record<string, unknown>, files: [] };
}

async function readMultipart(req: FastifyRequest): Promise<ParsedBody> {
  const body: Record<string, unknown> = {};
  const files: UploadedFile[] = [];
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        files.push({ field: part.fieldname, name: part.filename, content_type: part.mimetype, data: await part.toBuffer() });
      } else {
        setField(body, part.fieldname, String(part.value));
      }
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw validationFailed([{ field: 'attachments', message: `Could not read the multipart body: ${(err as Error).message}`, code: 'invalid_value' }]);
  }
  return { body, files };
}

/** `tags[]=a` → tags: ['a']; `custom_fields[x]=1` → custom_fields: {x: '1'}; known numeric/boolean names are converted. */
function setField(body: Record<string, unknown>, name: string, value: string): void {
  const nested = /^(\w+)\[(\w+)\]$/.exec(name);
  if (nested) {
    const [, outer, inner] = nested as unknown as [string, string, string];
    const obj = (body[outer] ??= {}) as Record<string, unknown>;
    obj[inner] = value === 'true' ? true : value === 'false' ? false : value;
    return;
  }
  if (name.endsWith('[]')) {
    const key = name.slice(0, -2);
    const arr = (body[key] ??= []) as unknown[];
    arr.push(value);
    return;
  }
  if (numericFields.has(name) && /^-?\d+$/.test(value)) body[name] = Number(value);
  else if (booleanFields.has(name) && (value === 'true' || value === 'false')) body[name] = value === 'true';
  else body[name] = value;
}
