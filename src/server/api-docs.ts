import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * /api/docs for people and programs at one URL: a browser (Accept: text/html) gets a readable page of
 * every operation — method, path, summary, parameters, request and answer schemas — rendered here on the
 * server, escaped, without any script or inline style (the CSP allows neither); anything else (curl, JSON
 * clients, code generators) gets the OpenAPI JSON, as before. /api/docs/json is always the JSON.
 */

type Json = Record<string, unknown>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** Nested schemas are shown this deep; deeper ones say "object" (the JSON has them all). */
const MAX_DEPTH = 6;

export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** q-values of text/html and application/json: the browser's HTML, unless JSON is preferred or HTML not asked for. */
export function wantsHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  const q = (type: string) => {
    let best = -1;
    for (const part of accept.split(',')) {
      const [range, ...params] = part.trim().toLowerCase().split(';');
      if (range !== type) continue;
      const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const v = qp ? Number(qp.slice(2)) : 1;
      best = Math.max(best, Number.isFinite(v) ? v : 0);
    }
    return best;
  };
  const html = q('text/html');
  return html > 0 && html >= q('application/json');
}

const anchor = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '-');
const refName = (ref: string) => ref.split('/').pop() ?? ref;

function typeWords(s: Json): string {
  const t = Array.isArray(s.type) ? (s.type as string[]).join(' or ') : typeof s.type === 'string' ? s.type : '';
  const words = [t || (s.properties ? 'object' : 'any')];
  if (s.nullable) words.push('or null');
  if (typeof s.format === 'string') words.push(`(${s.format})`);
  return words.join(' ');
}

function facts(s: Json): string {
  const out: string[] = [];
  if (Array.isArray(s.enum)) out.push(`one of ${(s.enum as unknown[]).map((v) => `<code>${escapeHtml(JSON.stringify(v))}</code>`).join(', ')}`);
  for (const k of ['minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'pattern', 'default'] as const) {
    if (s[k] !== undefined) out.push(`${k} <code>${escapeHtml(JSON.stringify(s[k]))}</code>`);
  }
  return out.length ? ` <span class="facts">${out.join('; ')}</span>` : '';
}

/** A schema as nested lists: types, required fields, descriptions, enums; $refs link to the schema section. */
export function schemaHtml(schema: unknown, depth = 0): string {
  if (!schema || typeof schema !== 'object') return '<span class="type">any</span>';
  const s = schema as Json;
  if (typeof s.$ref === 'string') return `<a href="#schema-${anchor(refName(s.$ref))}">${escapeHtml(refName(s.$ref))}</a>`;
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (Array.isArray(s[k])) {
      const label = k === 'allOf' ? 'all of' : 'one of';
      const desc = typeof s.description === 'string' ? ` — ${escapeHtml(s.description)}` : '';
      return `<span class="type">${label}</span>${desc}<ul>${(s[k] as unknown[]).map((x) => `<li>${schemaHtml(x, depth + 1)}</li>`).join('')}</ul>`;
    }
  }
  let html = `<span class="type">${escapeHtml(typeWords(s))}</span>${facts(s)}`;
  if (s.items) html += ` of ${depth >= MAX_DEPTH ? 'items' : schemaHtml(s.items, depth + 1)}`;
  const props = s.properties as Record<string, unknown> | undefined;
  if (props && Object.keys(props).length > 0) {
    if (depth >= MAX_DEPTH) return `${html} <span class="facts">(${Object.keys(props).length} fields; see the JSON)</span>`;
    const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
    html += `<ul>${Object.entries(props)
      .map(([name, p]) => {
        const pd = p && typeof p === 'object' && typeof (p as Json).description === 'string' ? ` — ${escapeHtml((p as Json).description)}` : '';
        return `<li><code>${escapeHtml(name)}</code>${required.has(name) ? ' <span class="req">required</span>' : ''}: ${schemaHtml(p, depth + 1)}${pd}</li>`;
      })
      .join('')}</ul>`;
  }
  return html;
}

function parametersHtml(params: Json[]): string {
  if (params.length === 0) return '';
  const rows = params
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td>${schemaHtml(p.schema)}</td><td>${escapeHtml(p.description ?? '')}</td></tr>`,
    )
    .join('');
  return `<h4>Parameters</h4><table><thead><tr><th scope="col">Name</th><th scope="col">In</th><th scope="col">Required</th><th scope="col">Type</th><th scope="col">Description</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function contentSchema(c: unknown): unknown {
  const content = (c as Json | undefined)?.content as Record<string, Json> | undefined;
  if (!content) return undefined;
  return (content['application/json'] ?? Object.values(content)[0])?.schema;
}

function operationHtml(method: string, path: string, op: Json): string {
  const id = typeof op.operationId === 'string' ? op.operationId : `${method}-${path}`;
  const parts = [
    `<section class="op" id="${escapeHtml(anchor(id))}" aria-labelledby="${escapeHtml(anchor(id))}-title">`,
    `<h3 id="${escapeHtml(anchor(id))}-title"><span class="method method--${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>`,
  ];
  if (op.summary) parts.push(`<p class="summary">${escapeHtml(op.summary)}</p>`);
  if (op.description) parts.push(`<p>${escapeHtml(op.description)}</p>`);
  parts.push(
    `<p class="facts">operationId <code>${escapeHtml(id)}</code>${Array.isArray(op.security) && op.security.length === 0 ? ' · no session or token needed' : ''}</p>`,
  );
  parts.push(parametersHtml((op.parameters as Json[] | undefined) ?? []));
  const body = op.requestBody as Json | undefined;
  if (body) parts.push(`<h4>Request body${body.required ? ' (required)' : ''}</h4><div class="schema">${schemaHtml(contentSchema(body))}</div>`);
  const responses = Object.entries((op.responses as Record<string, Json> | undefined) ?? {});
  if (responses.length) {
    parts.push('<h4>Answers</h4><dl class="answers">');
    for (const [status, r] of responses) {
      const schema = contentSchema(r);
      parts.push(
        `<dt><code>${escapeHtml(status)}</code> ${escapeHtml(r.description ?? '')}</dt><dd>${schema ? schemaHtml(schema) : '<span class="facts">no body</span>'}</dd>`,
      );
    }
    parts.push('</dl>');
  }
  parts.push('</section>');
  return parts.join('');
}

/** The whole page: a contents list by tag, each operation, then the shared schemas. */
export function renderApiDocsHtml(doc: Json): string {
  const info = (doc.info as Json | undefined) ?? {};
  const paths = (doc.paths as Record<string, Json> | undefined) ?? {};
  const byTag = new Map<string, Array<{ method: string; path: string; op: Json }>>();
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const tag = Array.isArray(op.tags) && op.tags.length ? String(op.tags[0]) : 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push({ method, path, op });
    }
  }
  const tags = [...byTag.keys()].sort();
  const count = [...byTag.values()].reduce((n, l) => n + l.length, 0);
  const toc = tags
    .map(
      (t) =>
        `<li><a href="#tag-${escapeHtml(anchor(t))}">${escapeHtml(t)}</a><ul>${byTag
          .get(t)!
          .map(
            ({ method, path, op }) =>
              `<li><a href="#${escapeHtml(anchor(String(op.operationId ?? `${method}-${path}`)))}"><span class="method method--${method}">${method.toUpperCase()}</span> ${escapeHtml(path)}</a></li>`,
          )
          .join('')}</ul></li>`,
    )
    .join('');
  const sections = tags
    .map(
      (t) =>
        `<section aria-labelledby="tag-${escapeHtml(anchor(t))}"><h2 id="tag-${escapeHtml(anchor(t))}">${escapeHtml(t)}</h2>${byTag
          .get(t)!
          .map((o) => operationHtml(o.method, o.path, o.op))
          .join('')}</section>`,
    )
    .join('');
  const schemas = Object.entries(((doc.components as Json | undefined)?.schemas as Record<string, unknown> | undefined) ?? {});
  const schemaSection = schemas.length
    ? `<section aria-labelledby="schemas"><h2 id="schemas">Schemas</h2>${schemas.map(([name, s]) => `<section class="op" id="schema-${escapeHtml(anchor(name))}"><h3>${escapeHtml(name)}</h3><div class="schema">${schemaHtml(s)}</div></section>`).join('')}</section>`
    : '';
  const title = `${String(info.title ?? 'API')} ${String(info.version ?? '')}`.trim();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — HTTP API</title>
<link rel="stylesheet" href="/api/docs/docs.css">
</head>
<body>
<header><h1>${escapeHtml(title)} — HTTP API</h1>
<p>${count} operations. ${info.description ? escapeHtml(info.description) : ''}</p>
<p>The same document as OpenAPI JSON: <a href="/api/docs/json">/api/docs/json</a> (also at <code>/api/docs</code> for any client that does not ask for HTML).</p>
</header>
<main>
<nav aria-label="Operations"><h2>Contents</h2><ul class="toc">${toc}${schemas.length ? '<li><a href="#schemas">Schemas</a></li>' : ''}</ul></nav>
${sections}
${schemaSection}
</main>
</body>
</html>
`;
}

const CSS = `
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2430; background: #f6f7f9; margin: 0; }
header, main { max-width: 1000px; margin: 0 auto; padding: 16px 20px; }
h1 { font-size: 1.6rem; margin: 8px 0; }
h2 { font-size: 1.25rem; margin: 32px 0 8px; text-transform: capitalize; }
h3 { font-size: 1.05rem; margin: 0 0 6px; }
h4 { font-size: 0.95rem; margin: 14px 0 6px; }
a { color: #1d4ed8; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 0.92em; background: #eef0f4; padding: 0 4px; border-radius: 4px; }
.op { background: #fff; border: 1px solid #dde1e8; border-radius: 10px; padding: 16px 20px; margin: 12px 0; }
.method { display: inline-block; min-width: 58px; text-align: center; font-weight: 700; font-size: 0.8rem; border-radius: 5px; padding: 1px 6px; color: #fff; background: #4b5563; }
.method--get { background: #1d4ed8; } .method--post { background: #137a3f; } .method--put { background: #8a5a00; }
.method--patch { background: #6b3fa0; } .method--delete { background: #b42318; }
.summary { font-weight: 550; }
.facts { color: #5f6673; font-size: 0.9rem; }
.type { color: #374151; font-style: italic; }
.req { color: #b42318; font-size: 0.85rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
th, td { text-align: left; border-bottom: 1px solid #e5e7eb; padding: 4px 8px; vertical-align: top; }
ul { margin: 4px 0; padding-left: 22px; }
.toc > li { margin: 6px 0; }
.answers dt { margin-top: 8px; font-weight: 550; }
.answers dd { margin: 2px 0 0 16px; }
`;

export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  let html: string | null = null;
  const json = () => app.swagger() as unknown as Json;
  app.get('/api/docs', { schema: { hide: true } }, async (req: FastifyRequest, reply) => {
    reply.header('vary', 'Accept');
    if (!wantsHtml(req.headers.accept)) return json();
    html ??= renderApiDocsHtml(json());
    return reply.type('text/html; charset=utf-8').send(html);
  });
  app.get('/api/docs/json', { schema: { hide: true } }, async () => json());
  app.get('/api/docs/docs.css', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(CSS),
  );
}
