import type { HttpResponse, NetworkError } from '../../connector-kit/http.ts';
import * as failures from '../../connector-kit/connection-failures.ts';
import type { Classified, FailureWording } from '../../connector-kit/connection-failures.ts';

export type { Classified } from '../../connector-kit/connection-failures.ts';

/** How Test Connection words Freshservice's failures (the categories are the kit's, connection-failures.ts). */
export const FRESHSERVICE_FAILURES: FailureWording = {
  name: 'Freshservice',
  hostField: 'URL',
  yourUrl: 'Freshservice URL',
  notAnApiUrl: 'a Freshservice API URL',
  unauthorized(res, what) {
    const why = apiErrorCode(res.json) === 'unsupported_authentication_type' ? ' (it was sent as a user name and password, not as an API key)' : '';
    return { code: 'authentication_failed', message: `Freshservice rejected the API key while ${what}${why}.` };
  },
  forbidden(res, what) {
    const code = apiErrorCode(res.json);
    if (code === 'account_suspended') return { code: 'permission_denied', message: 'Freshservice says this account is suspended.' };
    if (code === 'require_feature') return { code: 'permission_denied', message: `The Freshservice plan does not include the feature needed for ${what}.` };
    return { code: 'permission_denied', message: `The integration agent is not allowed to do this: ${what} was refused (403).` };
  },
  waitOf: (res) => res.rateLimit.retryAfterSeconds,
};

/**
 * Maps one failed call of the connection test to a troubleshooting category (product.md §2 table).
 * `what` names the call in the message, e.g. "reading the agent's roles".
 */
export function classifyFailure(failure: HttpResponse | NetworkError, what: string): Classified {
  return failures.classifyFailure(failure, what, FRESHSERVICE_FAILURES);
}

/** A 200 whose body is not what Freshservice sends means the URL points at something else. */
export function notTheApi(what: string): Classified {
  return failures.notTheApi(what, FRESHSERVICE_FAILURES);
}

function apiErrorCode(body: unknown): string | undefined {
  if (body && typeof body === 'object' && 'code' in body && typeof body.code === 'string') return body.code;
  return undefined;
}
