import { PlatformError } from '../../core/connector.ts';
import type { HttpResponse } from '../../connector-kit/http.ts';
import type { CallDescription } from '../../connector-kit/platform-api.ts';
import { rateLimitedError, serverError, unexpectedShapeError } from '../../connector-kit/platform-errors.ts';
import { JiraErrorBody } from './payloads.ts';

/**
 * A Jira answer that is not a success (nor a transient failure the retrier waits out) → PlatformError.
 * Messages are localised to the account's language [§2.2], so only status and `errors` keys are read;
 * Jira's own text is quoted, never matched.
 */
export function jiraError(res: HttpResponse, call: CallDescription): PlatformError {
  const status = res.status;
  const parsed = JiraErrorBody.safeParse(res.json);
  const body = parsed.success ? parsed.data : {};
  const said = [...(body.errorMessages ?? []), body.errorMessage, body.message].filter((m): m is string => !!m).join(' ');
  const quoted = said ? ` Jira said: "${said.slice(0, 300)}"` : '';
  const endpoint = `${call.method} ${shownPath(call.path)}`;
  const details = { status };

  if (status === 401)
    return new PlatformError(
      'authentication',
      `Jira rejected the e-mail and API token while trying to ${call.what} (401). The token may have expired or been revoked, or the account may be deactivated.`,
      details,
    );
  if (status === 403)
    return new PlatformError('permission', `Jira refused to ${call.what} (403 on ${endpoint}): the integration account lacks a permission.${quoted}`, details);
  if (status === 404)
    // Jira answers 404 both for what does not exist and for what the account may not see [§1.4].
    return new PlatformError(
      'not_found',
      `Jira found nothing to ${call.what} (404 on ${endpoint}): it does not exist, or the integration account is not allowed to see it.`,
      details,
    );
  if (status === 410)
    return new PlatformError('unexpected_response', `Jira has removed the API behind ${endpoint} (410) while trying to ${call.what}.${quoted}`, details);
  if (status === 429) return rateLimitedError('Jira', res, call.what);
  if (status >= 500) return serverError('Jira', status, call.what);
  if (status === 400 || status === 409 || status === 413 || status === 422) {
    const fieldErrors = Object.entries(body.errors ?? {}).map(([field, message]) => ({ field, message }));
    const list = fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; ');
    const text = [list, said].filter(Boolean).join('; ') || `status ${status}`;
    const why =
      status === 409 ? ' (a conflicting update; it is tried again next run)' : status === 413 ? ' (a per-issue limit or the size limit was reached)' : '';
    return new PlatformError('validation', `Jira refused to ${call.what}${why}: ${text}`, { status, fieldErrors });
  }
  if (status >= 300 && status < 400) {
    const to = res.headers.get('location');
    return new PlatformError(
      'unexpected_response',
      `Jira redirected ${endpoint}${to ? ` to ${shownPath(to)}` : ''} instead of answering while trying to ${call.what}.`,
      details,
    );
  }
  return new PlatformError('unexpected_response', `Jira answered ${status} on ${endpoint} while trying to ${call.what}.${quoted}`, details);
}

/** Absolute URLs (signed media links) are shown without their query, which may hold a token. */
export function shownPath(path: string): string {
  if (!/^https?:\/\//i.test(path)) return path.split('?')[0] ?? path;
  const u = new URL(path);
  return `${u.origin}${u.pathname}`;
}

/** A 2xx whose body is not the documented JSON. */
export function unexpectedShape(call: CallDescription, status: number): PlatformError {
  return unexpectedShapeError('Jira', `${call.method} ${shownPath(call.path)}`, call.what, status);
}
