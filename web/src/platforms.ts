/**
 * What the web app knows of platforms: only what `GET /api/v1/platforms` says (the registry's manifests).
 * Nothing here names a platform; a new connector shows up in Settings, the API override and Test Connection
 * without a change to the UI.
 */
import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { api } from './api.ts';
import type { ApiAnswer, ApiBody } from './api.ts';
import { apiKey } from './query-client.ts';

/** One credential the organisation types in (the manifest's CredentialField as the API serves it). */
export interface CredentialFieldInfo {
  name: string;
  label: string;
  secret: boolean;
  required: boolean;
  help: string;
  maxLength?: number;
  pattern?: { source: string; message: string };
  example?: string;
}

type Listed = NonNullable<ApiAnswer<'getPlatforms'>['platforms']>[number];

/**
 * A platform of the list (the generated type of GET /platforms). Unavailable platforms carry only id, name
 * and available; the manifest parts are optional so an older server's answer still renders. The parts the
 * UI reads by key are narrowed (the schema cannot say that a pattern has both its parts).
 */
export type PlatformInfo = Omit<Listed, 'credentials' | 'troubleshooting' | 'setupGuide'> & {
  credentials?: CredentialFieldInfo[];
  setupGuide?: { summary?: string; path?: string | null; file?: string } | null;
  /** Test Connection's hints per failure category, written for this platform. */
  troubleshooting?: Partial<Record<string, string[]>>;
};

/** The list, once per page load: it changes only with a new build of the server. */
export function usePlatforms() {
  return useQuery({
    queryKey: apiKey('/platforms'),
    queryFn: async () => ((await api.get<{ platforms?: PlatformInfo[] }>('/platforms')).platforms ?? []).filter((p) => p.id && p.name),
    staleTime: Infinity,
  });
}

/** One platform of the list by id (undefined while loading or for an id this server does not know). */
export function usePlatform(id: string | null | undefined): PlatformInfo | undefined {
  const { data } = usePlatforms();
  return id ? data?.find((p) => p.id === id) : undefined;
}

/** The platform's name, else its id, else the words for "a helpdesk" (a message never loses its subject). */
export function platformName(p: PlatformInfo | undefined, id?: string | null): string {
  return p?.name ?? id ?? 'your helpdesk';
}

/** The API URL field as the manifest words it; a server without manifests gets plain words. */
export function apiUrlFieldOf(p: PlatformInfo | undefined): { label: string; example: string; help: string } {
  return { label: p?.apiUrl?.label ?? 'API URL', example: p?.apiUrl?.example ?? '', help: p?.apiUrl?.help ?? '' };
}

/** The contract v1 single key, for servers whose list does not describe credentials yet. */
const LEGACY_KEY_FIELD: CredentialFieldInfo = { name: 'apiKey', label: 'API Key', secret: true, required: true, help: '' };

export function credentialFieldsOf(p: PlatformInfo | undefined): CredentialFieldInfo[] {
  return p?.credentials ?? [LEGACY_KEY_FIELD];
}

/** Whether the server takes `credentials: {...}` (contract v2) rather than the v1 `apiKey`. */
export function speaksCredentials(p: PlatformInfo | undefined): boolean {
  return Array.isArray(p?.credentials);
}

/** A saved configuration's credentials part: v2 `credentials` with `<secret>Hint`, or v1 `apiKeyHint`. */
export interface SavedCredentials {
  credentials?: Record<string, string | null | undefined> | null;
  apiKeyHint?: string | null;
}

/** The hint of a saved secret ("••••a1b2"), null when none is saved. */
export function secretHint(saved: SavedCredentials | null | undefined, field: string): string | null {
  const v2 = saved?.credentials?.[`${field}Hint`];
  if (typeof v2 === 'string' && v2) return v2;
  return field === 'apiKey' ? (saved?.apiKeyHint ?? null) : null;
}

/** A saved non-secret value (a client id, a user e-mail), '' when none. */
export function savedValue(saved: SavedCredentials | null | undefined, field: string): string {
  const v = saved?.credentials?.[field];
  return typeof v === 'string' ? v : '';
}

export function maskedHint(hint: string): string {
  return /^[•*]/.test(hint) ? hint : `••••${hint}`;
}

/** "Saved key ••••a1b2. Leave blank to keep it." (a secret's own noun: key, token, client secret). */
export function savedSecretHelp(field: CredentialFieldInfo, hint: string): string {
  // Lower-cased unless it starts with an abbreviation ("API token" stays as it is).
  const noun = /key$/i.test(field.label) ? 'key' : /^[A-Z]{2}/.test(field.label) ? field.label : field.label.toLowerCase();
  return `Saved ${noun} ${maskedHint(hint)}. Leave blank to keep it.`;
}

/** The organisation's own platform (Settings), for pages that show its fields. */
export function useOwnPlatform(): PlatformInfo | undefined {
  const own = useQuery({ queryKey: apiKey('/platform'), queryFn: () => api.get<{ platform: string | null }>('/platform') });
  return usePlatform(own.data?.platform);
}

export interface CredentialsForm {
  platform: string;
  apiUrl: string;
  credentials: Record<string, string>;
}

/**
 * The form's rules, from the manifest (the same limits the server checks): the URL and every required
 * field filled, except a secret already saved (left blank, it is kept); lengths and patterns as declared.
 */
export function credentialsFormSchema(p: PlatformInfo | undefined, hints: Record<string, string | null>) {
  const url = apiUrlFieldOf(p);
  const name = platformName(p);
  const fields = credentialFieldsOf(p);
  const shape: Record<string, z.ZodType<string>> = {};
  for (const f of fields) {
    let s = z.string().trim();
    if (f.maxLength) s = s.max(f.maxLength, `${f.label} is too long (at most ${f.maxLength} characters): paste only the value.`);
    const keepsSaved = f.secret && !!hints[f.name];
    const filled = f.pattern ? s.regex(new RegExp(f.pattern.source), f.pattern.message) : s;
    if (f.required && !keepsSaved) shape[f.name] = filled.min(1, `Enter the ${f.label}.${f.help ? ` ${f.help}` : ''}`);
    else shape[f.name] = z.union([z.literal(''), filled]);
  }
  const example = url.example ? `, for example ${url.example}` : '';
  return z.object({
    platform: z.string().min(1, 'Choose your platform.'),
    apiUrl: z.string().trim().min(1, `Enter your ${name} ${url.label}${example}.`),
    credentials: z.object(shape),
  });
}

/** The generated body, plus v2 `credentials` (a server that has them documents them too). */
type PutPlatformBody = ApiBody<'putPlatform'> & { credentials?: Record<string, string> };

/**
 * PUT /platform's body: v2 `credentials` (secrets left blank are left out: the saved ones are kept), or
 * the v1 `apiKey` for a server that does not describe credentials yet.
 */
export function saveBody(p: PlatformInfo | undefined, values: CredentialsForm): PutPlatformBody {
  const base = { platform: values.platform, apiUrl: values.apiUrl.trim() };
  const typed = Object.fromEntries(
    credentialFieldsOf(p)
      .map((f) => [f.name, (values.credentials[f.name] ?? '').trim()] as const)
      .filter(([, v]) => v !== ''),
  );
  if (speaksCredentials(p)) return { ...base, credentials: typed };
  return typed.apiKey ? { ...base, apiKey: typed.apiKey } : base;
}

/** Where a server error's `field` belongs in the form: `credentials.clientId`, `apiKey` (v1) and `apiUrl`. */
export function formFieldOf(field: string | undefined, p: PlatformInfo | undefined): 'platform' | 'apiUrl' | `credentials.${string}` | null {
  if (!field) return null;
  if (field === 'platform' || field === 'apiUrl') return field;
  const name = field.startsWith('credentials.') ? field.slice('credentials.'.length) : field;
  return credentialFieldsOf(p).some((f) => f.name === name) ? `credentials.${name}` : null;
}
