import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FreshserviceSimulator } from '../../src/simulator/freshservice/index.ts';

export interface ApiAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: any; // test code reads fields freely; shapes are checked by shape-compare
}

export function basic(key: string, password = 'X'): string {
  return `Basic ${Buffer.from(`${key}:${password}`).toString('base64')}`;
}

export interface CallOptions {
  key?: string | null; // null = no Authorization header; default admin key
  body?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** One API call against the simulator (`path` is relative to /api/v2 unless it starts with /_sim or /api). */
export async function call(sim: FreshserviceSimulator, method: string, path: string, opts: CallOptions = {}): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const key = opts.key === undefined ? sim.keyFor('admin') : opts.key;
  if (key !== null && !('authorization' in headers)) headers.authorization = basic(key);
  let body: string | FormData | undefined;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const url = path.startsWith('/_sim') || path.startsWith('/api') ? `${sim.url}${path}` : `${sim.url}/api/v2${path}`;
  const res = await fetch(url, { method, headers, body, signal: opts.signal ?? null });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const fixtureDir = fileURLToPath(new URL('../fixtures/freshservice/', import.meta.url));

export function fixture(name: string): any {
  return JSON.parse(readFileSync(`${fixtureDir}${name}`, 'utf8'));
}

export const minimalTicket = {
  email: 'new.person@example.org',
  subject: 'Printer offline',
  description: 'The printer on floor 2 is offline.',
  status: 2,
  priority: 2,
};
