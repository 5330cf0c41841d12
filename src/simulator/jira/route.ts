import type { KitRoute } from '../kit/router.ts';
import type { JiraUser } from './model.ts';
import type { View } from './serialize.ts';
import type { JiraState } from './state.ts';

export interface UploadedFile {
  field: string;
  filename: string;
  mimeType: string;
  data: Buffer;
}

export interface JCtx {
  state: JiraState;
  /** null: anonymous (no or refused credentials, on an endpoint that allows it). */
  user: JiraUser | null;
  params: Record<string, string>;
  query: Record<string, string>;
  search: URLSearchParams;
  body: unknown;
  files: UploadedFile[];
  headers: Record<string, string | string[] | undefined>;
  view: View;
  method: string;
  /** Origin of the simulator (media redirects stay on it). */
  origin: string;
}

export interface JResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: { contentType: string; data: Buffer; fileName?: string };
}

/**
 * - `user`: needs a logged-in user (anonymous → 401 text, like /myself);
 * - `issue`: anonymous gets 404 "Issue does not exist…" (the anonymous fallback a failed Basic login gets [spec 1.4]);
 * - `anonymous`: runs with user null (search answers what an anonymous user may see).
 */
export type AuthMode = 'user' | 'issue' | 'anonymous';

export type JHandler = (ctx: JCtx) => JResult | Promise<JResult>;

export interface JRouteMeta {
  handler: JHandler;
  auth?: AuthMode;
  body?: 'none' | 'json' | 'multipart';
  /** A write to the issue in `:issue` (per-issue write windows). */
  issueWrite?: boolean;
  /** Burst bucket override (requests per second) for this endpoint + method [spec 3]. */
  burstPerSecond?: number;
}

export type JRoute = Omit<KitRoute<JRouteMeta>, 'handler'> & JRouteMeta;

/** JSON answer helpers. */
export const ok = (body: unknown, status = 200): JResult => ({ status, body });
export const noContent = (): JResult => ({ status: 204 });
