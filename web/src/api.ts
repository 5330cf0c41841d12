/** Tiny JSON client for the Support Fusion HTTP API (same origin, cookie session). */

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly hints: string[];

  constructor(status: number, code: string, message: string, field?: string, hints?: string[]) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.hints = hints ?? [];
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface ErrorEnvelope {
  error?: { code?: unknown; message?: unknown; field?: unknown; hints?: unknown };
}

function toApiError(status: number, body: unknown): ApiError {
  const err = (body as ErrorEnvelope | null)?.error;
  const code = typeof err?.code === 'string' ? err.code : `http_${status}`;
  const message =
    typeof err?.message === 'string' && err.message
      ? err.message
      : `The server answered with an unexpected error (HTTP ${status}). Please try again.`;
  const field = typeof err?.field === 'string' ? err.field : undefined;
  const hints = Array.isArray(err?.hints) ? err.hints.filter((h): h is string => typeof h === 'string') : [];
  return new ApiError(status, code, message, field, hints);
}

export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'Could not reach the Support Fusion server. Check your network and try again.');
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) throw toApiError(res.status, data);
  return data as T;
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
};

// ---- Contract types -------------------------------------------------------

export interface Me {
  user: { id: string; email: string };
  organisation: { id: string; name: string };
}

export type CheckStatus = 'passed' | 'failed' | 'skipped';
export interface Check {
  id: string;
  label: string;
  status: CheckStatus;
  detail?: string;
}

export interface TestSuccess {
  ok: true;
  agent: { id: string | number; name: string; email: string };
  roles: string[];
  groupAccess: { scope: 'all' | 'selected'; groups: { id: string | number; name: string }[] };
  warnings: string[];
  checks: Check[];
}

export interface TestFailure {
  ok: false;
  error: { code: string; message: string; hints: string[] };
  checks: Check[];
}

export type TestResult = (TestSuccess | TestFailure) & { testedAt?: string };

export interface PlatformConfig {
  platform: 'freshservice' | null;
  apiUrl: string | null;
  apiKeyHint: string | null;
  lastTest: (TestResult & { testedAt: string }) | null;
}

export interface SavedPlatform {
  platform: 'freshservice';
  apiUrl: string;
  apiKeyHint: string | null;
}
