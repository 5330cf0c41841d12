import type { Agent } from './auth.ts';
import type { RateLimitedOp } from './rate-limit.ts';
import type { SimulatorState } from './state.ts';

export interface UploadedFile {
  field: string;
  name: string;
  content_type: string;
  data: Buffer;
}

export interface Ctx {
  state: SimulatorState;
  agent: Agent;
  params: Record<string, string>;
  query: Record<string, string>;
  body: Record<string, unknown>;
  files: UploadedFile[];
  baseUrl: string;
  method: string;
}

export interface ApiResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Binary answer (attachment download). */
  raw?: { contentType: string; data: Buffer; fileName: string };
}

/** `json`: JSON body only; `multipart`: JSON or multipart/form-data (attachments); `none`: no body expected. */
export type BodyKind = 'none' | 'json' | 'multipart';

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string; // relative to /api/v2, `:name` segments are numeric ids unless listed in `words`
  body?: BodyKind;
  op?: RateLimitedOp;
  /** Extra credits for `include=` embeds [Docs 3.2]; `list` means +2 per embed, `single` +1. */
  embeds?: 'list' | 'single';
  /** Query parameters the route knows; any other is a 400 invalid_field (query-params.ts). None when absent. */
  query?: readonly string[];
  handler: (ctx: Ctx) => ApiResult | Promise<ApiResult>;
}

interface CompiledRoute extends RouteDef {
  regex: RegExp;
  names: string[];
}

export type RouteMatch = { kind: 'found'; route: CompiledRoute; params: Record<string, string> } | { kind: 'method'; allowed: string[] } | { kind: 'none' };

export class Router {
  private routes: CompiledRoute[] = [];

  add(...defs: RouteDef[]): void {
    for (const def of defs) {
      const names: string[] = [];
      const pattern = def.path
        .split('/')
        .map((seg) => {
          if (!seg.startsWith(':')) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(seg.slice(1));
          return '(\\d+)';
        })
        .join('/');
      this.routes.push({ ...def, regex: new RegExp(`^${pattern}/?$`), names });
    }
  }

  match(method: string, path: string): RouteMatch {
    const allowed = new Set<string>();
    for (const r of this.routes) {
      const m = r.regex.exec(path);
      if (!m) continue;
      if (r.method !== method && !(method === 'HEAD' && r.method === 'GET')) {
        allowed.add(r.method);
        continue;
      }
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => (params[n] = m[i + 1] ?? ''));
      return { kind: 'found', route: r, params };
    }
    return allowed.size > 0 ? { kind: 'method', allowed: [...allowed] } : { kind: 'none' };
  }
}

/** Credits a call costs: 1, plus embeds (single-object GET +1 each, lists +2 each) [Docs 3.2]. */
export function creditsFor(route: RouteDef | null, query: Record<string, string>): number {
  if (!route?.embeds || !query.include) return 1;
  const n = query.include.split(',').filter((s) => s.trim() !== '').length;
  return 1 + n * (route.embeds === 'list' ? 2 : 1);
}
