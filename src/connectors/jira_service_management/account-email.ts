import type { FailureWording } from '../../connector-kit/connection-failures.ts';

// Jira signs in with the Atlassian account's e-mail and an API token that account created [§1.2]: the wrong
// e-mail with a good token is a plain 401, and Test Connection is where people learn which half to fix.

/**
 * Test Connection's wording with the saved e-mail named in a 401: the token is checked against this
 * e-mail's account, so a token of another account fails exactly like a wrong token.
 */
export function wordingNamingEmail(wording: FailureWording, email: string): FailureWording {
  return {
    ...wording,
    unauthorized: (res, what) => {
      const failed = wording.unauthorized(res, what);
      return {
        ...failed,
        message: `${failed.message} Check that ${email} is the e-mail of the Atlassian account that created the token (id.atlassian.com > Security > API tokens).`,
      };
    },
  };
}

/**
 * A warning when Jira says the signed-in account has another e-mail than the one saved (an alias, or an
 * address changed since): the sync acts as Jira's account, and the saved e-mail should be that one.
 */
export function emailMismatchWarning(saved: string, jiraSays: string | null | undefined): string | null {
  if (!jiraSays || jiraSays.trim().toLowerCase() === saved.trim().toLowerCase()) return null;
  return `Jira says the API token's account is ${jiraSays}, but the saved e-mail is ${saved}: the sync acts as ${jiraSays}. Save ${jiraSays} as the E-mail in Settings so the two agree.`;
}
