import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setPreviousKeys } from './crypto.ts';

export const MASTER_KEY_FILE = 'master.key';
/** Generated-key rotation (`support-fusion rotate-secret-key` without SF_SECRET_KEY): the key being moved to, then the one moved from. */
export const NEXT_KEY_FILE = 'master.key.next';
export const PREVIOUS_KEY_FILE = 'master.key.previous';

/** Accepts 32 bytes as 64 hex characters or as base64; anything else is refused with a clear message. */
export function parseSecretKey(value: string): Buffer {
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex');
  if (/^[A-Za-z0-9+/_-]{42,44}={0,2}$/.test(v)) {
    const b = Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === 32) return b;
  }
  throw new Error('SF_SECRET_KEY must be 32 random bytes written as 64 hex characters or base64 (e.g. the output of `openssl rand -hex 32`).');
}

/**
 * The master key comes from SF_SECRET_KEY, or is generated once into the data directory (mode 0600)
 * so that a fresh `npm start` works without setup and keeps working across restarts.
 */
export async function loadMasterKey(secretKey: string | undefined, dataDir: string): Promise<Buffer> {
  if (secretKey) return parseSecretKey(secretKey);
  const file = join(dataDir, MASTER_KEY_FILE);
  try {
    return parseSecretKey(await readFile(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`Cannot read the master key ${file}: ${(err as Error).message}`, { cause: err });
    }
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  // 'wx' fails if another process created the file meanwhile; then we read theirs.
  try {
    await writeFile(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    await chmod(file, 0o600);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return parseSecretKey(await readFile(file, 'utf8'));
    throw err;
  }
}

/**
 * The master key plus every earlier key still allowed to decrypt: SF_SECRET_KEY_PREVIOUS, and with a
 * generated key the files a rotation leaves in the data directory (an interrupted rotation included).
 */
export async function loadKeyring(config: { secretKey: string | undefined; dataDir: string; previousSecretKeys?: string[] }): Promise<Buffer> {
  const masterKey = await loadMasterKey(config.secretKey, config.dataDir);
  const previous = (config.previousSecretKeys ?? []).map(parseSecretKey);
  if (!config.secretKey) {
    for (const name of [NEXT_KEY_FILE, PREVIOUS_KEY_FILE]) {
      const key = await readFile(join(config.dataDir, name), 'utf8').then(parseSecretKey, () => null);
      if (key) previous.push(key);
    }
  }
  setPreviousKeys(masterKey, previous);
  return masterKey;
}
