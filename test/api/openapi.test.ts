import { Validator } from '@seriousme/openapi-schema-validator';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TestStack } from '../helpers/stack.ts';

/**
 * The OpenAPI document at /api/docs: valid for a real validator, an operationId on every operation, and the
 * answers documented — checked for every operation the document lists, so routes added later are covered
 * without touching this file.
 */

type Json = Record<string, any>;
interface Operation {
  method: string;
  path: string;
  op: Json;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'];
const MISSING = '00000000-0000-4000-8000-000000000000';

let stack: TestStack;
let doc: Json;

beforeAll(async () => {
  stack = await startStack({ listen: false });
  const r = await stack.app.inject({ method: 'GET', url: '/api/docs' });
  expect(r.statusCode).toBe(200);
  doc = r.json();
}, 120_000);
afterAll(async () => stack?.close());

const operations = (d: Json): Operation[] =>
  Object.entries(d.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, op: op as Json })),
  );
const name = (o: Operation) => `${o.method} ${o.path}`;
/** The security that applies: the operation's own, else the document's. */
const securityOf = (o: Operation): unknown[] => (o.op.security ?? doc.security ?? []) as unknown[];

async function validate(d: Json) {
  const v = new Validator();
  return v.validate(structuredClone(d));
}

/** A response's schema, with a $ref to components.schemas followed. */
function schemaOf(response: Json): Json | undefined {
  const s = response?.content?.['application/json']?.schema as Json | undefined;
  if (s?.$ref) return doc.components.schemas[String(s.$ref).replace('#/components/schemas/', '')];
  return s;
}
const isErrorShape = (s: Json | undefined) =>
  s?.type === 'object' &&
  s.properties?.error?.properties?.code?.type === 'string' &&
  s.properties.error.properties.message?.type === 'string' &&
  s.properties.error.required?.includes('code');

describe('OpenAPI document', () => {
  it('validates with @seriousme/openapi-schema-validator, and the validator refuses broken copies', async () => {
    const res = await validate(doc);
    expect(res.valid, `the document does not validate:\n${JSON.stringify(res.errors, null, 1)?.slice(0, 3000)}`).toBe(true);
    expect(doc.openapi).toMatch(/^3\.0\./);

    // The validator does check: a response without its required description, a JSON Schema type list
    // (not OpenAPI 3.0) and an unknown keyword in an operation are each refused.
    const first = operations(doc)[0]!;
    const breakers: Array<(d: Json) => void> = [
      (d) => {
        d.paths[first.path][first.method.toLowerCase()].responses['200'] = { content: {} };
      },
      (d) => {
        d.components.schemas.Error.properties.error.properties.code = { type: ['string', 'null'] };
      },
      (d) => {
        d.paths[first.path][first.method.toLowerCase()].operationID = 'typo';
      },
    ];
    for (const breakIt of breakers) {
      const broken = structuredClone(doc);
      breakIt(broken);
      expect((await validate(broken)).valid, breakIt.toString()).toBe(false);
    }
  });

  it('every operation has a unique operationId', () => {
    const ops = operations(doc);
    expect(ops.length).toBeGreaterThan(30);
    expect(ops.filter((o) => typeof o.op.operationId !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(o.op.operationId)).map(name)).toEqual([]);
    const seen = new Map<string, string>();
    const duplicates: string[] = [];
    for (const o of ops) {
      const other = seen.get(o.op.operationId);
      if (other) duplicates.push(`${o.op.operationId}: ${other} and ${name(o)}`);
      seen.set(o.op.operationId, name(o));
    }
    expect(duplicates).toEqual([]);
  });

  it('every operation that needs a session or token documents 401; every error answer has the error shape', () => {
    const ops = operations(doc);
    const authenticated = ops.filter((o) => securityOf(o).length > 0);
    expect(authenticated.length).toBeGreaterThan(20);
    expect(authenticated.filter((o) => !o.op.responses['401']).map(name), 'operations needing a user without a documented 401').toEqual([]);
    const wrongShape: string[] = [];
    for (const o of ops) {
      for (const [status, response] of Object.entries(o.op.responses as Record<string, Json>)) {
        if (status !== 'default' && Number(status) < 400) continue;
        // The readiness probe answers 503 with its own status body: it is read by orchestrators, not API clients.
        if (o.path === '/api/v1/health/ready' && status === '503') continue;
        if (!isErrorShape(schemaOf(response))) wrongShape.push(`${name(o)} ${status}`);
      }
      if (!o.op.responses.default) wrongShape.push(`${name(o)}: no default (error) answer`);
    }
    expect(wrongShape).toEqual([]);
  });

  it('what each operation answers a caller without credentials is documented: 401 exactly where the document says a user is needed', async () => {
    const failures: string[] = [];
    let refused = 0;
    for (const o of operations(doc)) {
      if (!o.path.startsWith('/api/v1/')) continue;
      const req: InjectOptions = { method: o.method as InjectOptions['method'], url: o.path.replace(/\{[^}]+\}/g, MISSING) };
      if (o.op.requestBody) req.payload = {};
      const r = await stack.app.inject(req);
      const what = `${name(o)} → ${r.statusCode} ${r.body.slice(0, 160)}`;
      if (r.statusCode >= 500) failures.push(`${what}: server error`);
      if (r.statusCode >= 400 && !o.op.responses[String(r.statusCode)]) failures.push(`${what}: this status is not documented`);
      if (
        r.statusCode >= 400 &&
        r.headers['content-type']?.toString().startsWith('application/json') &&
        !(typeof r.json().error?.code === 'string' && typeof r.json().error?.message === 'string')
      ) {
        failures.push(`${what}: not the error shape`);
      }
      const needsUser = securityOf(o).length > 0;
      if (r.statusCode === 401) {
        refused++;
        if (!needsUser) failures.push(`${what}: answers 401 but the document says no credentials are needed`);
      } else if (needsUser) {
        // Validation runs before a preHandler's auth check: an incomplete request may be refused as bad input first.
        const validatedFirst = r.statusCode === 400 && (o.op.requestBody || o.op.parameters?.length);
        if (!validatedFirst) failures.push(`${what}: the document says a user is needed, but a caller without credentials was not refused with 401`);
      }
    }
    expect(failures).toEqual([]);
    expect(refused).toBeGreaterThan(20);
  });
});
