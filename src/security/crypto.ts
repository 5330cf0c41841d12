import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * AES-256-GCM. The associated data binds a ciphertext to its owner (e.g. the organisation id),
 * so a row copied to another organisation does not decrypt.
 */
export function encryptSecret(masterKey: Buffer, plaintext: string, associatedData: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join(':');
}

/**
 * Key rotation: earlier master keys that may still have sealed some values. decryptSecret tries the
 * master key first, then these; encryptSecret always uses the master key. Kept beside the key object so
 * every caller that holds the master key gets them without another parameter.
 */
const previousKeys = new WeakMap<Buffer, Buffer[]>();

export function setPreviousKeys(masterKey: Buffer, keys: Buffer[]): void {
  previousKeys.set(
    masterKey,
    keys.filter((k) => !k.equals(masterKey)),
  );
}

export function decryptSecret(masterKey: Buffer, sealed: string, associatedData: string): string {
  const older = previousKeys.get(masterKey);
  if (!older || older.length === 0) return decryptWith(masterKey, sealed, associatedData);
  try {
    return decryptWith(masterKey, sealed, associatedData);
  } catch (first) {
    for (const key of older) {
      try {
        return decryptWith(key, sealed, associatedData);
      } catch {
        // next key
      }
    }
    throw first;
  }
}

/** Whether `sealed` opens with exactly this key (rotation: values still under an older key need re-encrypting). */
export function opensWith(key: Buffer, sealed: string, associatedData: string): boolean {
  try {
    decryptWith(key, sealed, associatedData);
    return true;
  } catch {
    return false;
  }
}

function decryptWith(masterKey: Buffer, sealed: string, associatedData: string): string {
  const [version, iv, tag, ct] = sealed.split(':');
  if (version !== VERSION || !iv || !tag || ct === undefined) throw new Error('Unrecognised encrypted value');
  const decipher = createDecipheriv('aes-256-gcm', masterKey, Buffer.from(iv, 'base64'));
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
}

/** What the UI may show of a key: its last four characters. */
export function keyHint(key: string): string {
  return `••••${key.slice(-4)}`;
}
