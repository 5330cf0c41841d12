import type { z } from 'zod';

/**
 * The words a person reads for a zod issue, shared by the API's 400 validation_failed answers and the
 * web forms that check the same contract before sending, so both say exactly the same thing.
 */

/** The issue's dotted path (`configuration.defaults.requester.defaultRequesterEmail`), as the API's `field`. */
export function issuePath(issue: z.core.$ZodIssue): string {
  return issue.path.map(String).join('.');
}

/** The first problem as answered: the message, and the field it names when it has one. */
export function issueAnswer(issue: z.core.$ZodIssue): { message: string; field?: string } {
  const at = issuePath(issue);
  if (issue.code === 'unrecognized_keys') {
    const field = [at, issue.keys[0]].filter(Boolean).join('.');
    return { message: `${field} is not a known setting; remove it.`, field };
  }
  if (!at) return { message: 'Send a JSON object as the request body.' };
  return { message: `${at}: ${describeIssue(issue)}`, field: at };
}

export function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? `is required (${issue.expected}).` : `must be ${article(issue.expected)}, not ${typeName(issue.input)}.`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'too_small':
      return issue.origin === 'string'
        ? Number(issue.minimum) <= 1
          ? 'must not be empty.'
          : `must be at least ${issue.minimum} characters long.`
        : `${issue.message}.`;
    case 'too_big':
      return issue.origin === 'string'
        ? `must be at most ${issue.maximum} characters long.`
        : issue.origin === 'array'
          ? `has more than ${issue.maximum} entries.`
          : `${issue.message}.`;
    case 'invalid_format':
      return issue.format === 'email' ? 'must be an e-mail address.' : `is not a valid ${issue.format}.`;
    case 'invalid_union':
      return 'must be a non-empty text or a whole number.';
    default:
      return `${issue.message}.`;
  }
}

export function article(expected: string): string {
  if (expected === 'boolean') return 'true or false';
  if (expected === 'int') return 'a whole number';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  // Not stringified: a sent object may be nested too deeply for JSON.stringify, and is not worth echoing.
  if (typeof v === 'object') return 'an object';
  return typeof v === 'string' ? `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}` : `${typeof v} ${JSON.stringify(v)}`;
}
