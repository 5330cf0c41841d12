import type { JiraSimulator } from '../../src/simulator/jira/index.ts';

export interface JiraAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: any; // test code reads fields freely
}

export interface JiraCallOptions {
  /** Profile to log in as (default admin); null = no Authorization header; a string starting with "Basic " is sent as is. */
  as?: string | null;
  body?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  redirect?: RequestRedirect;
}

/** One call against the Jira simulator; `path` is absolute (`/rest/api/3/...`, `/_sim/...`). */
export async function jira(sim: JiraSimulator, method: string, path: string, opts: JiraCallOptions = {}): Promise<JiraAnswer> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const as = opts.as === undefined ? 'admin' : opts.as;
  if (as !== null) headers.authorization = as.startsWith('Basic ') ? as : sim.authHeader(as);
  let body: string | FormData | undefined;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${sim.url}${path}`, { method, headers, body, redirect: opts.redirect ?? 'follow' });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const doc = (text: string) => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });

/** A manual clock tests move forward explicitly. */
export function manualClock(start = Date.parse('2026-12-07T10:00:30.000Z')) {
  let t = start;
  return {
    now: () => new Date(t),
    set: (ms: number) => void (t = ms),
    advance: (ms: number) => void (t += ms),
    get ms() {
      return t;
    },
  };
}
