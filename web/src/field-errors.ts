import type { ApiError } from './api.ts';

/**
 * The API names the failing input with a dotted path (`configuration.comments.sendPrivate`,
 * `mappings.types.Incident.fields.2.values.0.target`); an input shows the error when the path is its
 * own or lies inside it.
 */
export function errorAt(error: ApiError | null, path: string): string | undefined {
  const f = error?.field;
  if (!error || !f) return undefined;
  return f === path || f.startsWith(`${path}.`) || f.startsWith(`${path}[`) ? error.message : undefined;
}

export type ErrorAt = (path: string) => string | undefined;
