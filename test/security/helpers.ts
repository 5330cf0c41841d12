import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';

export interface ApiRoute {
  method: string;
  /** OpenAPI form, e.g. /api/v1/connections/{id}. */
  path: string;
  /** Declares a JSON request body. */
  jsonBody: boolean;
  /** Its request body schema, when it declares one. */
  bodySchema?: unknown;
}

/** Every /api/v1 route of the OpenAPI document. */
export function documentedRoutes(app: FastifyInstance): ApiRoute[] {
  const doc = app.swagger() as { paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: unknown }> } }>> };
  const out: ApiRoute[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const [method, op] of Object.entries(ops)) {
      const json = op.requestBody?.content?.['application/json'];
      out.push({ method: method.toUpperCase(), path, jsonBody: json !== undefined, ...(json?.schema ? { bodySchema: json.schema } : {}) });
    }
  }
  return out;
}

/**
 * Every /api/v1 route Fastify actually serves (HEAD left out: Fastify adds it to each GET), read from
 * printRoutes, so a route hidden from the OpenAPI document is not missed either. `:id` becomes `{id}`.
 * Routes whose parameter at one position has different names (`/invitations/:id` and
 * `/invitations/:token/preview`) print as `{id}|{token}`: the name the document gives that route is used.
 */
export function registeredRoutes(app: FastifyInstance): string[] {
  const documented = new Set(documentedRoutes(app).map((r) => `${r.method} ${r.path}`));
  return printedRoutes(app)
    .map((route) => {
      if (!route.includes('}|{')) return route;
      const [method, path] = route.split(' ') as [string, string];
      let options = [''];
      for (const part of path.split('/').slice(1)) {
        const alternatives = part.includes('}|{') ? part.split('|') : [part];
        options = options.flatMap((o) => alternatives.map((a) => `${o}/${a}`));
      }
      return options.map((o) => `${method} ${o}`).find((r) => documented.has(r)) ?? route;
    })
    .sort();
}

function printedRoutes(app: FastifyInstance): string[] {
  const lines = app.printRoutes({ commonPrefix: false }).split('\n');
  const stack: string[] = [];
  const out: string[] = [];
  for (const line of lines) {
    const m = /^([│ ]*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4 + 1;
    stack.length = depth;
    stack[depth] = m[2]!;
    const full = stack
      .filter((s) => s !== undefined)
      .join('')
      .replace(/^\/+/, '/');
    const path = full.startsWith('/') ? full : `/${full}`;
    for (const method of (m[3] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (method === 'HEAD') continue;
      if (path.startsWith('/api/v1/')) out.push(`${method} ${path.replace(/:([A-Za-z_]+)/g, '{$1}')}`);
    }
  }
  return [...new Set(out)].sort();
}

/** Every row of every table of the application's schema, as comparable JSON (pg-boss's own schema left out). */
export async function databaseSnapshot(db: Db, opts: { except?: string[]; omit?: Record<string, string[]> } = {}): Promise<Record<string, string[]>> {
  const tables = await sql<{
    table_name: string;
  }>`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(db);
  const out: Record<string, string[]> = {};
  for (const { table_name } of tables.rows) {
    if (opts.except?.includes(table_name)) continue;
    const rows = await sql<{ r: unknown }>`SELECT to_jsonb(t) AS r FROM ${sql.table(table_name)} t`.execute(db);
    const omitted = opts.omit?.[table_name] ?? [];
    out[table_name] = rows.rows.map((x) => JSON.stringify(Object.fromEntries(Object.entries(x.r as object).filter(([k]) => !omitted.includes(k))))).sort();
  }
  return out;
}

export async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

/** A secret in the encodings it could be stored or logged in. */
export function encodingsOf(secret: string): string[] {
  return [
    secret,
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
    Buffer.from(secret).toString('hex'),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
  ];
}
