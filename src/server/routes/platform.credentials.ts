import type { InstanceSettings, PlatformManifest } from '../../core/platform-manifest.ts';
import type { PlatformDefinition } from '../../connectors/platform-definition.ts';
import { ApiError } from '../errors.ts';

/** The names of a manifest's secret credential fields (sealed together, answered as hints). */
export function secretNamesOf(manifest: PlatformManifest): string[] {
  return manifest.credentials.filter((f) => f.secret).map((f) => f.name);
}

/**
 * Whether a save keeps the saved set as it is: no secret typed (a secret typed again counts as a new one,
 * as a key always did) and every other field the same.
 */
export function keepsSavedSet(
  manifest: PlatformManifest,
  body: { apiKey?: string | undefined; credentials?: Record<string, unknown> | undefined },
  saved: Record<string, string> | null,
  fields: Record<string, string>,
): boolean {
  const typedSecret = manifest.credentials.some(
    (f) => f.secret && (body.credentials?.[f.name] !== undefined || (f.name === 'apiKey' && body.apiKey !== undefined)),
  );
  return saved !== null && !typedSecret && sameFields(saved, fields);
}

export function sameFields(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

/**
 * The credential fields of a save, checked: `credentials` by the manifest's names, or (one-key platforms,
 * the body from before credential sets) a top-level `apiKey`. A secret left out takes its saved value
 * (`saved`); anything missing, unknown or malformed is a 400 naming the field (`prefix` + its name), so
 * nothing is stored. Returns what the definition's validateCredentials made of them (trimmed).
 */
export function checkCredentialFields(
  definition: Pick<PlatformDefinition, 'manifest' | 'validateCredentials'>,
  body: { apiKey?: string | undefined; credentials?: Record<string, unknown> | undefined },
  saved: (name: string) => string | undefined,
  prefix: string,
  instance?: InstanceSettings,
): Record<string, string> {
  const manifest = definition.manifest;
  const names = manifest.credentials.map((f) => f.name);
  const pathOf = (name: string) =>
    body.credentials !== undefined && !(name === 'apiKey' && body.apiKey !== undefined) ? `${prefix}credentials.${name}` : `${prefix}${name}`;
  const refuse = (name: string, message: string) =>
    new ApiError(400, name === 'apiKey' ? 'invalid_api_key' : 'invalid_credential', message, { field: pathOf(name) });
  const takes = `${manifest.name} takes: ${manifest.credentials.map((f) => `${f.name} (${f.label})`).join(', ') || 'no credential fields'}.`;

  if (body.apiKey !== undefined && !names.includes('apiKey'))
    throw refuse('apiKey', `${manifest.name} has no API key field; send credentials instead. ${takes}`);
  const typed: Record<string, unknown> = { ...(body.credentials ?? {}) };
  if (body.apiKey !== undefined) {
    if (typed.apiKey !== undefined && typed.apiKey !== body.apiKey)
      throw refuse('apiKey', 'apiKey is given twice (in credentials and beside them) with different values; send it once.');
    typed.apiKey = body.apiKey;
  }
  for (const name of Object.keys(typed)) {
    if (!names.includes(name)) throw refuse(name, `Unknown credential field "${name}". ${takes}`);
    if (typeof typed[name] !== 'string') throw refuse(name, `${name} must be text.`);
  }
  const merged: Record<string, unknown> = {};
  for (const f of manifest.credentials) {
    const value = typed[f.name] ?? (f.secret ? saved(f.name) : undefined);
    if (value !== undefined) merged[f.name] = value;
  }
  const checked = definition.validateCredentials(merged, instance);
  if (!checked.ok) throw refuse(checked.field, checked.message);
  const out: Record<string, string> = { ...checked.fields };
  // What the definition did not check itself, the manifest's rules do (a definition may check only its special fields).
  for (const f of manifest.credentials) {
    const raw = out[f.name] ?? (typeof merged[f.name] === 'string' ? (merged[f.name] as string).trim() : undefined);
    if (raw === undefined || raw === '') {
      if (f.required) throw refuse(f.name, `Enter the ${f.label}. ${f.help}`);
      delete out[f.name];
      continue;
    }
    if (raw.length > f.maxLength)
      throw refuse(f.name, `The ${f.label} is ${raw.length} characters long, more than the ${f.maxLength} it can be. Copy only the value.`);
    if (f.pattern && !new RegExp(f.pattern.source, 'u').test(raw)) throw refuse(f.name, f.pattern.message);
    out[f.name] = raw;
  }
  return out;
}
