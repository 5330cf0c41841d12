import { sql } from 'kysely';
import { decryptSecret, encryptSecret, keyHint } from '../../security/crypto.ts';
import type { CredentialStore } from '../../connectors/platform-definition.ts';
import type { Db } from '../database.ts';
import type { Side } from './connections.ts';

/**
 * What is stored of a credential set beside its sealed secrets (migration 0021): the non-secret fields and a
 * hint per secret field. Null for a row saved before 0021, whose sealed value is one bare API key.
 */
export interface CredentialValues {
  values: Record<string, string>;
  hints: Record<string, string>;
  /** A set of one secret field alone is sealed as that value (as keys were before sets): its name. */
  single?: string;
}

/** A credential set as stored: the AES-GCM of the secret fields (organisation id as associated data) and the rest. */
export interface SealedCredentials {
  ciphertext: string;
  values: CredentialValues | null;
}

/** The field a row from before migration 0021 holds (its sealed value is that key alone). */
const LEGACY_FIELD = 'apiKey';

/** Seals a credential set: `secretNames` are encrypted together, every other field is kept as typed. */
export function sealCredentials(masterKey: Buffer, organisationId: string, fields: Record<string, string>, secretNames: readonly string[]): SealedCredentials {
  const secrets: Record<string, string> = {};
  const values: CredentialValues = { values: {}, hints: {} };
  for (const [name, value] of Object.entries(fields).sort(([a], [b]) => a.localeCompare(b))) {
    if (secretNames.includes(name)) {
      secrets[name] = value;
      values.hints[name] = keyHint(value);
    } else values.values[name] = value;
  }
  const names = Object.keys(secrets);
  if (names.length === 1 && Object.keys(values.values).length === 0) {
    return { ciphertext: encryptSecret(masterKey, secrets[names[0]!]!, organisationId), values: { ...values, single: names[0]! } };
  }
  return { ciphertext: encryptSecret(masterKey, JSON.stringify(secrets), organisationId), values };
}

/** Every field of a sealed set, secrets decrypted; throws when the ciphertext does not open (another master key). */
export function openCredentials(masterKey: Buffer, sealed: SealedCredentials, organisationId: string): Record<string, string> {
  const plain = decryptSecret(masterKey, sealed.ciphertext, organisationId);
  if (!sealed.values) return { [LEGACY_FIELD]: plain };
  if (sealed.values.single) return { [sealed.values.single]: plain };
  const secrets = JSON.parse(plain) as Record<string, string>;
  return { ...sealed.values.values, ...secrets };
}

/** The answer's view of a set: non-secret fields as they are, `<secret>Hint` for each secret one. */
export function credentialsView(sealed: SealedCredentials, legacyHint: string | null): Record<string, string> {
  if (!sealed.values) return legacyHint ? { [`${LEGACY_FIELD}Hint`]: legacyHint } : {};
  const out: Record<string, string> = { ...sealed.values.values };
  for (const [name, hint] of Object.entries(sealed.values.hints)) out[`${name}Hint`] = hint;
  return out;
}

/** The hint of one secret field (the legacy key's stored hint for a row from before 0021). */
export function secretHint(sealed: SealedCredentials, legacyHint: string | null, field: string): string | null {
  if (!sealed.values) return field === LEGACY_FIELD ? legacyHint : null;
  return sealed.values.hints[field] ?? null;
}

export function parseCredentialValues(raw: unknown): CredentialValues | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as { values?: unknown; hints?: unknown };
  const strings = (o: unknown) =>
    Object.fromEntries(Object.entries(o && typeof o === 'object' ? o : {}).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const single = (raw as { single?: unknown }).single;
  return { values: strings(r.values), hints: strings(r.hints), ...(typeof single === 'string' ? { single } : {}) };
}

export interface PlatformConfigRow {
  platform: string;
  apiUrl: string;
  /** The sealed credential set (see SealedCredentials; the column keeps its pre-0021 name). */
  apiKeyCiphertext: string;
  /** The API key's hint of a row from before 0021; for later rows the first secret field's hint ('' when none). */
  apiKeyHint: string;
  credentials: SealedCredentials;
  lastTest: unknown;
  lastTestedAt: Date | null;
  /** When the settings were last saved (cached field lists made before are stale). */
  updatedAt: Date;
}

export async function getPlatformConfig(db: Db, organisationId: string): Promise<PlatformConfigRow | undefined> {
  const row = await db
    .selectFrom('platform_configs')
    .select(['platform', 'api_url', 'api_key_ciphertext', 'api_key_hint', 'credential_values', 'last_test', 'last_tested_at', 'updated_at'])
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst();
  if (!row) return undefined;
  const credentials: SealedCredentials = { ciphertext: row.api_key_ciphertext, values: parseCredentialValues(row.credential_values) };
  return {
    platform: row.platform,
    apiUrl: row.api_url,
    apiKeyCiphertext: row.api_key_ciphertext,
    apiKeyHint: credentials.values ? (Object.values(credentials.values.hints)[0] ?? '') : row.api_key_hint,
    credentials,
    lastTest: row.last_test,
    lastTestedAt: row.last_tested_at,
    updatedAt: row.updated_at,
  };
}

/** Saving new credentials forgets the last test: it said nothing about these. */
export async function savePlatformConfig(
  db: Db,
  organisationId: string,
  /** legacyHint: a set from before migration 0021 saved again as it is keeps its key's hint. */
  input: { platform: string; apiUrl: string; credentials: SealedCredentials; legacyHint?: string },
): Promise<void> {
  const hints = input.credentials.values?.hints ?? { apiKey: input.legacyHint ?? '' };
  const values = {
    platform: input.platform,
    api_url: input.apiUrl,
    api_key_ciphertext: input.credentials.ciphertext,
    // Kept filled for readers of the old column: the first secret's hint.
    api_key_hint: Object.values(hints)[0] ?? '',
    credential_values: input.credentials.values ? JSON.stringify(input.credentials.values) : null,
    last_test: null,
    last_tested_at: null,
    updated_at: new Date(),
  };
  await db
    .insertInto('platform_configs')
    .values({ organisation_id: organisationId, ...values })
    .onConflict((oc) => oc.column('organisation_id').doUpdateSet(values))
    .execute();
}

/** The sealed set of a connection side's API override, or null when it has none. */
export async function getOverrideCredentials(
  db: Db,
  connectionId: string,
  side: Side,
): Promise<{ apiUrl: string; credentials: SealedCredentials; legacyHint: string | null } | null> {
  const row = await db
    .selectFrom('connection_sides')
    .select(['api_override_url', 'api_override_key_ciphertext', 'api_override_key_hint', 'api_override_credential_values'])
    .where('connection_id', '=', connectionId)
    .where('side', '=', side)
    .executeTakeFirst();
  if (!row?.api_override_url || !row.api_override_key_ciphertext) return null;
  return {
    apiUrl: row.api_override_url,
    credentials: { ciphertext: row.api_override_key_ciphertext, values: parseCredentialValues(row.api_override_credential_values) },
    legacyHint: row.api_override_key_hint,
  };
}

/**
 * Stores the values beside an override's sealed set (the sealed set itself and the URL are written with the
 * side's configuration, in the same transaction; see saveConnectionSide). Null for no override.
 */
export async function saveOverrideCredentialValues(db: Db, connectionId: string, side: Side, values: CredentialValues | null): Promise<void> {
  await db
    .updateTable('connection_sides')
    .set({ api_override_credential_values: values ? JSON.stringify(values) : null })
    .where('connection_id', '=', connectionId)
    .where('side', '=', side)
    .execute();
}

/** Where a connector's rotated credentials go: the set they came from, re-sealed with the updated fields. */
export type CredentialOwner = { kind: 'platform'; organisationId: string } | { kind: 'override'; organisationId: string; connectionId: string; side: Side };

/**
 * The CredentialStore port (connectors/platform-definition.ts) for one stored set. Updated fields replace
 * their old values (others kept) and are sealed like the rest; `secretNames` are the manifest's secret fields
 * (a field already sealed as a secret stays one, so tokens never fall out of the ciphertext).
 */
export function credentialStoreFor(db: Db, masterKey: Buffer, owner: CredentialOwner, secretNames: readonly string[]): CredentialStore {
  const write = async (conn: Db, current: SealedCredentials, fields: Record<string, string>): Promise<void> => {
    const secrets = [...new Set([...secretNames, ...Object.keys(current.values?.hints ?? {}), ...(current.values?.single ? [current.values.single] : [])])];
    const sealed = sealCredentials(masterKey, owner.organisationId, { ...openCredentials(masterKey, current, owner.organisationId), ...fields }, secrets);
    const values = sealed.values ? JSON.stringify(sealed.values) : null;
    // Only over the set read: a save meanwhile (new credentials typed in Settings) wins.
    if (owner.kind === 'platform') {
      await conn
        .updateTable('platform_configs')
        .set({ api_key_ciphertext: sealed.ciphertext, credential_values: values })
        .where('organisation_id', '=', owner.organisationId)
        .where('api_key_ciphertext', '=', current.ciphertext)
        .execute();
    } else {
      await conn
        .updateTable('connection_sides')
        .set({ api_override_key_ciphertext: sealed.ciphertext, api_override_credential_values: values })
        .where('connection_id', '=', owner.connectionId)
        .where('side', '=', owner.side)
        .where('api_override_key_ciphertext', '=', current.ciphertext)
        .execute();
    }
  };
  return {
    async update(fields) {
      const current =
        owner.kind === 'platform'
          ? (await getPlatformConfig(db, owner.organisationId))?.credentials
          : (await getOverrideCredentials(db, owner.connectionId, owner.side))?.credentials;
      if (current) await write(db, current, fields);
    },
    /**
     * A row lock on the set's row for the length of a transaction: a holder in another process (a worker, the
     * web process) waits until this one committed, then reads what it stored. On PGlite the transaction holds
     * the one connection, which serialises the same way (and PGlite is one process).
     */
    withRefreshLock(fn) {
      return db.transaction().execute(async (trx) => {
        let current = await lockedSet(trx, owner);
        const fields = current ? openCredentials(masterKey, current, owner.organisationId) : {};
        return fn({
          fields,
          async update(updated) {
            if (!current) return;
            await write(trx, current, updated);
            current = await lockedSet(trx, owner);
          },
        });
      });
    },
  };
}

async function lockedSet(trx: Db, owner: CredentialOwner): Promise<SealedCredentials | null> {
  if (owner.kind === 'platform') {
    const row = await trx
      .selectFrom('platform_configs')
      .select(['api_key_ciphertext', 'credential_values'])
      .where('organisation_id', '=', owner.organisationId)
      .forUpdate()
      .executeTakeFirst();
    return row ? { ciphertext: row.api_key_ciphertext, values: parseCredentialValues(row.credential_values) } : null;
  }
  const row = await trx
    .selectFrom('connection_sides')
    .select(['api_override_key_ciphertext', 'api_override_credential_values'])
    .where('connection_id', '=', owner.connectionId)
    .where('side', '=', owner.side)
    .forUpdate()
    .executeTakeFirst();
  return row?.api_override_key_ciphertext
    ? { ciphertext: row.api_override_key_ciphertext, values: parseCredentialValues(row.api_override_credential_values) }
    : null;
}

export async function recordPlatformTest(db: Db, organisationId: string, result: unknown, at: Date): Promise<void> {
  await db
    .updateTable('platform_configs')
    .set({ last_test: JSON.stringify(result), last_tested_at: at })
    .where('organisation_id', '=', organisationId)
    .execute();
}

/** Kept inside last_test until the next Test Connection (which replaces last_test) or a save of new credentials. */
export interface KeyRejection {
  at: string;
  runId: string;
  connectionId: string;
}

/**
 * A sync run found the saved key rejected by the platform: the last Test Connection no longer says
 * anything true, so it is marked stale (Settings then asks for a new test).
 */
export async function markKeyRejected(db: Db, organisationId: string, rejection: KeyRejection): Promise<void> {
  await db
    .updateTable('platform_configs')
    .set({ last_test: sql`coalesce(last_test, '{}'::jsonb) || jsonb_build_object('rejectedDuringSync', ${JSON.stringify(rejection)}::jsonb)` })
    .where('organisation_id', '=', organisationId)
    .execute();
}

/** Splits stored last_test into the Test Connection result (if any) and a later rejection during a sync. */
export function splitLastTest(lastTest: unknown): { result: Record<string, unknown> | null; rejection: KeyRejection | null } {
  if (!lastTest || typeof lastTest !== 'object') return { result: null, rejection: null };
  const { rejectedDuringSync, ...rest } = lastTest as Record<string, unknown> & { rejectedDuringSync?: KeyRejection };
  return { result: 'ok' in rest ? rest : null, rejection: rejectedDuringSync ?? null };
}
