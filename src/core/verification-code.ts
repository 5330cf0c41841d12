import { createHash, randomBytes } from 'node:crypto';

/**
 * Connection verification codes (product.md §3): handed from one organisation to the other, valid
 * once, for seven days. 20 Crockford base32 characters carry 100 random bits, so guessing one is
 * hopeless; only a hash is stored, so a leaked database hands out no codes.
 *
 * Shown as `ABCD-EFGH-JKMN-PQRS-TVWX`. Input is forgiving: case, spaces and dashes do not matter, and
 * the letters people confuse with digits (I, L → 1; O → 0) are read as those digits.
 */
export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CODE_LENGTH = 20;
export const CODE_BITS = CODE_LENGTH * 5;
const GROUP = 4;

/** A fresh code, formatted for people. */
export function generateVerificationCode(random: (size: number) => Buffer = randomBytes): string {
  const bytes = random(Math.ceil(CODE_BITS / 8));
  let chars = '';
  let acc = 0;
  let bits = 0;
  for (const byte of bytes) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5 && chars.length < CODE_LENGTH) {
      bits -= 5;
      chars += CODE_ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return formatVerificationCode(chars);
}

/** `ABCDEFGHJKMNPQRSTVWX` → `ABCD-EFGH-JKMN-PQRS-TVWX`. */
export function formatVerificationCode(canonical: string): string {
  return canonical.match(new RegExp(`.{1,${GROUP}}`, 'g'))?.join('-') ?? '';
}

/** The canonical 20 characters, or null when the input cannot be a code. */
export function normaliseVerificationCode(input: string): string | null {
  if (input.length > 200) return null;
  const compact = input
    .toUpperCase()
    .replace(/[\s\-_\u2010-\u2015\u2212]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  if (compact.length !== CODE_LENGTH) return null;
  for (const c of compact) if (!CODE_ALPHABET.includes(c)) return null;
  return compact;
}

/** What is stored and looked up: sha256 (hex) of the canonical form. */
export function hashVerificationCode(canonical: string): string {
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
