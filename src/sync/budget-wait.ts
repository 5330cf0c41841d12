/**
 * Why a run waits for API budget, in words a person reads on the run (`waitingReason`; the page adds how
 * long and when it goes on, from `waitingUntil`): "Helpdesk's rate limit of Contoso (API budget 80%
 * used)" (the platform's name from its manifest). The side is named by its organisation, whose platform account it is; hosts and credit counts
 * stay in the logs.
 */
export function budgetWaitText(w: { platformName: string | null; organisationName: string; usedPercent?: number | undefined }): string {
  const name = w.platformName ?? 'the platform';
  const possessive = name === 'the platform' ? `the platform's rate limit of ${w.organisationName}` : `${name}'s rate limit of ${w.organisationName}`;
  return w.usedPercent === undefined ? possessive : `${possessive} (API budget ${Math.round(w.usedPercent)}% used)`;
}

/** The full sentence, for logs and tests: "waiting 40 s for Helpdesk's rate limit of Contoso (API budget 80% used)". */
export function budgetWaitSentence(reason: string, until: Date, now = Date.now()): string {
  const s = Math.max(1, Math.ceil((until.getTime() - now) / 1000));
  return `waiting ${s} s for ${reason}`;
}
