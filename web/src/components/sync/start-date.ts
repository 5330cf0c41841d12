import { z } from 'zod';
import { todayLocalDate } from '../../format.ts';

/**
 * A start date form (Sync now, Preview): a calendar day, not in the future. Today is read when the form is
 * checked, so a page left open over midnight allows the new day.
 */
export function startDateSchema(missing: string) {
  return z.object({
    since: z
      .string()
      .min(1, missing)
      .refine((since) => since <= todayLocalDate(), 'The start date cannot be in the future.'),
  });
}

export type StartDateForm = z.infer<ReturnType<typeof startDateSchema>>;

/** The user's calendar day as its local midnight, not midnight UTC. */
export function localMidnight(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y!, m! - 1, d!).toISOString();
}
