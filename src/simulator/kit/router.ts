// Path-template router for simulators: `:name` matches one segment (ids, keys, property keys). Routes are
// tried in order, so put literal paths before templated ones that could swallow them.

export interface KitRoute<H> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  path: string;
  handler: H;
}

interface Compiled<H> extends KitRoute<H> {
  regex: RegExp;
  names: string[];
}

export type KitMatch<H> = { kind: 'found'; route: KitRoute<H>; params: Record<string, string> } | { kind: 'method'; allowed: string[] } | { kind: 'none' };

export class KitRouter<H> {
  private routes: Compiled<H>[] = [];

  add(...defs: KitRoute<H>[]): this {
    for (const def of defs) {
      const names: string[] = [];
      const pattern = def.path
        .split('/')
        .map((seg) => {
          if (!seg.startsWith(':')) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(seg.slice(1));
          return '([^/]+)';
        })
        .join('/');
      this.routes.push({ ...def, regex: new RegExp(`^${pattern}/?$`), names });
    }
    return this;
  }

  match(method: string, path: string): KitMatch<H> {
    const allowed = new Set<string>();
    for (const r of this.routes) {
      const m = r.regex.exec(path);
      if (!m) continue;
      if (r.method !== method && !(method === 'HEAD' && r.method === 'GET')) {
        allowed.add(r.method);
        continue;
      }
      const params: Record<string, string> = {};
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] ?? '')));
      return { kind: 'found', route: r, params };
    }
    return allowed.size > 0 ? { kind: 'method', allowed: [...allowed] } : { kind: 'none' };
  }
}
