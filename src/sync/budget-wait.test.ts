import { describe, expect, it } from 'vitest';
import { budgetWaitSentence, budgetWaitText } from './budget-wait.ts';

describe('budget waits in plain words', () => {
  it.each([
    [{ platformName: 'Freshservice', organisationName: 'Contoso', usedPercent: 80 }, "Freshservice's rate limit of Contoso (API budget 80% used)"],
    [{ platformName: 'Freshservice', organisationName: 'Contoso', usedPercent: 99.6 }, "Freshservice's rate limit of Contoso (API budget 100% used)"],
    [{ platformName: 'Freshservice', organisationName: 'Contoso' }, "Freshservice's rate limit of Contoso"],
    [{ platformName: null, organisationName: 'Globex', usedPercent: 50 }, "the platform's rate limit of Globex (API budget 50% used)"],
  ])('%j', (input, expected) => {
    expect(budgetWaitText(input)).toBe(expected);
  });

  it('says how long, rounding up to whole seconds', () => {
    expect(budgetWaitSentence("Freshservice's rate limit of Contoso (API budget 80% used)", new Date(40_000), 100)).toBe(
      "waiting 40 s for Freshservice's rate limit of Contoso (API budget 80% used)",
    );
    expect(budgetWaitSentence('x', new Date(0), 5_000)).toBe('waiting 1 s for x');
  });
});
