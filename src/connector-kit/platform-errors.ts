/**
 * The PlatformErrors whose wording is the same on every platform but for its name; a connector's
 * errors.ts maps the rest (credentials, permissions, validation) in its platform's terms.
 */
import { PlatformError } from '../core/connector.ts';
import type { HttpResponse } from './http.ts';

/** A 429 the retrier did not wait out: the wait it asked for goes with the error, for the engine to reschedule. */
export function rateLimitedError(name: string, res: HttpResponse, what: string): PlatformError {
  const wait = res.rateLimit.retryAfterSeconds;
  return new PlatformError(
    'rate_limited',
    `${name}'s API rate limit is used up while trying to ${what}.`,
    wait !== null ? { status: res.status, retryAfterMs: wait * 1000 } : { status: res.status },
  );
}

export function serverError(name: string, status: number, what: string): PlatformError {
  return new PlatformError('server', `${name} answered ${status} (server error) while trying to ${what}.`, { status });
}

/** A 2xx whose body is not the documented JSON; `endpoint` is the call as shown ("GET /rest/api/3/myself"). */
export function unexpectedShapeError(name: string, endpoint: string, what: string, status: number): PlatformError {
  return new PlatformError('unexpected_response', `${name}'s answer to ${endpoint} was not the expected JSON while trying to ${what}.`, { status });
}
