import { PlatformError } from '../../core/connector.ts';
import type { HttpResponse } from '../../connector-kit/http.ts';
import type { CallDescription } from '../../connector-kit/platform-api.ts';
import { rateLimitedError, serverError, unexpectedShapeError } from '../../connector-kit/platform-errors.ts';
import { FsErrorBody } from './payloads.ts';
import { formFieldOf } from './ticket-mapping.ts';

/**
 * A Freshservice answer that is not a success (and not a transient failure the retrier handles) →
 * PlatformError with a message an administrator can act on. 400-type errors keep Freshservice's
 * per-field messages, with the API attribute turned back into the form-field name (group_id → group).
 */
export function freshserviceError(res: HttpResponse, call: CallDescription): PlatformError {
  const status = res.status;
  const parsed = FsErrorBody.safeParse(res.json);
  const body = parsed.success ? parsed.data : {};
  const endpoint = `${call.method} ${shownPath(call.path)}`;
  const details = { status };

  if (status === 401) {
    const why = body.code === 'unsupported_authentication_type' ? ' (it was sent as a user name and password, not as an API key)' : '';
    return new PlatformError(
      'authentication',
      `Freshservice rejected the API key${why} while trying to ${call.what} (401). Check the key and that its agent is active.`,
      details,
    );
  }
  if (status === 403) {
    const reason =
      body.code === 'account_suspended'
        ? 'the Freshservice account is suspended'
        : body.code === 'require_feature'
          ? 'the Freshservice plan lacks the feature this needs'
          : 'the integration agent lacks access (its roles, or its group membership for this ticket)';
    return new PlatformError('permission', `Freshservice refused to ${call.what} (403 on ${endpoint}): ${reason}.`, details);
  }
  if (status === 404) {
    return new PlatformError(
      'not_found',
      `Freshservice found nothing to ${call.what} (404 on ${endpoint}): it was deleted or never existed for this agent.`,
      details,
    );
  }
  if (status === 429) return rateLimitedError('Freshservice', res, call.what);
  if (status >= 500) return serverError('Freshservice', status, call.what);
  if (status === 400 || status === 409 || status === 422) {
    const fieldErrors = (body.errors ?? []).map((e) => ({
      field: e.field !== undefined ? formFieldOf(e.field) : '',
      message: e.message,
      ...(e.code !== undefined ? { code: e.code } : {}),
    }));
    const list = fieldErrors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; ');
    const text = list || body.message || body.description || `status ${status}`;
    return new PlatformError('validation', `Freshservice refused to ${call.what}: ${text}`, { status, fieldErrors });
  }
  if (status >= 300 && status < 400) {
    const to = res.headers.get('location');
    return new PlatformError(
      'unexpected_response',
      `Freshservice redirected ${endpoint}${to ? ` to ${to}` : ''} instead of answering while trying to ${call.what}.`,
      details,
    );
  }
  const text = body.message ?? body.description;
  return new PlatformError(
    'unexpected_response',
    `Freshservice answered ${status} on ${endpoint} while trying to ${call.what}${text ? `: ${text}` : '.'}`,
    details,
  );
}

/** Absolute URLs (signed download links) are shown without their query, which may hold a token. */
function shownPath(path: string): string {
  if (!/^https?:\/\//i.test(path)) return `/api/v2${path}`;
  const u = new URL(path);
  return `${u.origin}${u.pathname}`;
}

/** A 2xx whose body is not the documented JSON. */
export function unexpectedShape(call: CallDescription, status: number): PlatformError {
  return unexpectedShapeError('Freshservice', `${call.method} ${shownPath(call.path)}`, call.what, status);
}
