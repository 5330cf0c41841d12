// Jira's error shapes [spec 2.2]: platform API {errorMessages, errors}; JSM API {errorMessage, i18nErrorMessage}.

export class JiraError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
    /** A non-JSON answer (the plain-text 401 of /myself, the XSRF 403). */
    readonly text?: string,
  ) {
    super(`HTTP ${status}`);
  }
}

const fr: Record<string, string> = {
  'Issue does not exist or you do not have permission to see it.': "Le ticket n'existe pas ou vous n'êtes pas autorisé à la voir.",
  'You must specify a summary of the issue.': 'Vous devez spécifier un résumé du ticket.',
};

/** Messages are localised to the caller's language on real sites; the French switch catches text matching. */
export function localise(body: unknown, locale: 'en' | 'fr'): unknown {
  if (locale === 'en' || !body || typeof body !== 'object') return body;
  const t = (msg: unknown) => (typeof msg === 'string' ? (fr[msg] ?? msg) : msg);
  const b = body as { errorMessages?: unknown[]; errors?: Record<string, unknown>; errorMessage?: unknown };
  return {
    ...b,
    ...(Array.isArray(b.errorMessages) ? { errorMessages: b.errorMessages.map(t) } : {}),
    ...(b.errors && typeof b.errors === 'object' ? { errors: Object.fromEntries(Object.entries(b.errors).map(([k, v]) => [k, t(v)])) } : {}),
    ...(b.errorMessage !== undefined ? { errorMessage: t(b.errorMessage) } : {}),
  };
}

export function jiraError(status: number, messages: string[], errors: Record<string, string> = {}): JiraError {
  return new JiraError(status, { errorMessages: messages, errors });
}

export const badRequest = (message: string) => jiraError(400, [message]);
export const fieldErrors = (errors: Record<string, string>) => jiraError(400, [], errors);
export const issueNotFound = () => jiraError(404, ['Issue does not exist or you do not have permission to see it.']);
export const notFound = (message: string) => jiraError(404, [message]);
export const forbidden = (message: string) => jiraError(403, [message]);
export const adminOnly = () => forbidden('You are not authorized to perform this action. Administrator privileges are required.');

export function jsmError(status: number, message: string): JiraError {
  return new JiraError(status, { errorMessage: message, i18nErrorMessage: { i18nKey: 'sd.simulated.error', parameters: [] } });
}

export const ADF_REQUIRED = 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
