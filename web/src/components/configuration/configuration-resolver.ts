import { z } from 'zod';
import type { FieldErrors, Resolver } from 'react-hook-form';
import { ApiError } from '../../api.ts';
import { SideConfiguration } from '../../../../src/core/sync-config.ts';
import { issueAnswer } from '../../../../src/core/zod-issues.ts';

/** The part of the PUT body the browser can check: the override's credential rules stay with the server. */
const Checked = z.object({ configuration: SideConfiguration });

/**
 * Checks the configuration as the save would send it (through JSON, as the server receives it) with the
 * shared contract, so an invalid value is refused before any round trip with the server's very words.
 * The first problem is kept at the form's root as the API's error: the sections show it at its field.
 */
export function configurationResolver<V extends { configuration: unknown }>(): Resolver<V> {
  return (values) => {
    const sent: unknown = JSON.parse(JSON.stringify({ configuration: values.configuration }));
    const r = Checked.safeParse(sent, { reportInput: true });
    if (r.success) return { values, errors: {} };
    const { message, field } = issueAnswer(r.error.issues[0]!);
    const errors = { root: { type: 'validation_failed', message, ...(field ? { field } : {}) } };
    return { values: {}, errors: errors as FieldErrors<V> };
  };
}

/** The refused submit's problem in the shape the API answers, or null. */
export function checkedError(errors: FieldErrors): ApiError | null {
  const root = errors.root as { type?: unknown; message?: string; field?: string } | undefined;
  if (root?.type !== 'validation_failed' || !root.message) return null;
  // Status 400, as the server would have answered the same body.
  return new ApiError(400, 'validation_failed', root.message, root.field);
}
