import { describe, expect, it } from 'vitest';
import type { HttpResponse } from '../../connector-kit/http.ts';
import { emailMismatchWarning, wordingNamingEmail } from './account-email.ts';
import { JIRA_FAILURES } from './classify.ts';

describe('emailMismatchWarning', () => {
  it.each([
    { saved: 'sync@acme.io', jira: 'sync@acme.io', warns: false },
    { saved: ' Sync@Acme.io ', jira: 'sync@acme.io', warns: false },
    { saved: 'sync@acme.io', jira: null, warns: false },
    { saved: 'sync@acme.io', jira: undefined, warns: false },
    { saved: 'sync@acme.io', jira: 'support-sync@acme.io', warns: true },
  ])('$saved vs $jira', ({ saved, jira, warns }) => {
    const w = emailMismatchWarning(saved, jira);
    if (!warns) return expect(w).toBeNull();
    expect(w).toContain(`saved e-mail is ${saved}`);
    expect(w).toContain(`Save ${jira} as the E-mail`);
  });
});

describe('wordingNamingEmail', () => {
  it('names the saved e-mail in an authentication failure, and keeps the rest of the wording', () => {
    const wording = wordingNamingEmail(JIRA_FAILURES, 'ann@acme.io');
    const failed = wording.unauthorized({ status: 401 } as HttpResponse, 'reading the integration account');
    expect(failed.code).toBe('authentication_failed');
    expect(failed.message).toContain(JIRA_FAILURES.unauthorized({ status: 401 } as HttpResponse, 'reading the integration account').message);
    expect(failed.message).toContain('Check that ann@acme.io is the e-mail of the Atlassian account that created the token');
    expect(wording.forbidden).toBe(JIRA_FAILURES.forbidden);
    expect(wording.name).toBe('Jira');
  });
});
