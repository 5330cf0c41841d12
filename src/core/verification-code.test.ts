import { describe, expect, it } from 'vitest';
import {
  CODE_ALPHABET,
  CODE_BITS,
  formatVerificationCode,
  generateVerificationCode,
  hashVerificationCode,
  normaliseVerificationCode,
} from './verification-code.ts';

describe('generateVerificationCode', () => {
  it('is 20 Crockford base32 characters in five groups of four (100 bits)', () => {
    const code = generateVerificationCode();
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    expect(CODE_BITS).toBeGreaterThanOrEqual(100);
    expect(CODE_ALPHABET).toHaveLength(32);
    expect(new Set(CODE_ALPHABET).size).toBe(32);
  });

  it('encodes every random bit: all zeros, all ones and a known pattern', () => {
    expect(generateVerificationCode((n) => Buffer.alloc(n, 0))).toBe('0000-0000-0000-0000-0000');
    expect(generateVerificationCode((n) => Buffer.alloc(n, 0xff))).toBe('ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    // 0x08 0x86 0x42 ... : 00001 00010 00011 00100 00101 ... → 1 2 3 4 5 ...
    const pattern = Buffer.from([0x08, 0x86, 0x42, 0x98, 0xe8, 0x4a, 0x96, 0xc6, 0xb9, 0xf0, 0x8c, 0xa7, 0x4a]);
    expect(generateVerificationCode(() => pattern)).toBe('1234-5678-9ABC-DEFG-HJKM');
  });

  it('asks for at least 13 random bytes', () => {
    let asked = 0;
    generateVerificationCode((n) => {
      asked = n;
      return Buffer.alloc(n, 1);
    });
    expect(asked * 8).toBeGreaterThanOrEqual(100);
  });

  it('does not repeat across many codes and uses the whole alphabet', () => {
    const codes = new Set(Array.from({ length: 2000 }, () => generateVerificationCode()));
    expect(codes.size).toBe(2000);
    const seen = new Set([...codes].join('').replace(/-/g, ''));
    expect(seen.size).toBe(32);
  });
});

describe('normaliseVerificationCode', () => {
  it.each([
    ['ABCD-EFGH-JKMN-PQRS-TVWX', 'ABCDEFGHJKMNPQRSTVWX'],
    ['abcd-efgh-jkmn-pqrs-tvwx', 'ABCDEFGHJKMNPQRSTVWX'],
    ['  ABCD EFGH JKMN PQRS TVWX \n', 'ABCDEFGHJKMNPQRSTVWX'],
    ['ABCDEFGHJKMNPQRSTVWX', 'ABCDEFGHJKMNPQRSTVWX'],
    ['IL0O-iloo-0000-1111-2222', '11001100000011112222'],
    ['ABCD–EFGH–JKMN–PQRS–TVWX', 'ABCDEFGHJKMNPQRSTVWX'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseVerificationCode(input)).toBe(expected);
  });

  it.each([
    [''],
    ['ABCD-EFGH-JKMN-PQRS-TVW'], // 19
    ['ABCD-EFGH-JKMN-PQRS-TVWXY'], // 21
    ['ABCD-EFGH-JKMN-PQRS-TVWU'], // U is not Crockford
    ['ABCD-EFGH-JKMN-PQRS-TVW!'],
    ['ÄBCD-EFGH-JKMN-PQRS-TVWX'],
    ['A'.repeat(500)],
  ])('refuses %s', (input) => {
    expect(normaliseVerificationCode(input)).toBeNull();
  });

  it('reads a generated code back unchanged', () => {
    const code = generateVerificationCode();
    expect(formatVerificationCode(normaliseVerificationCode(code)!)).toBe(code);
  });
});

describe('hashVerificationCode', () => {
  it('is sha256 hex of the canonical code, the same however it was typed', () => {
    const a = hashVerificationCode(normaliseVerificationCode('ABCD-EFGH-JKMN-PQRS-TVWX')!);
    const b = hashVerificationCode(normaliseVerificationCode('abcd efgh jkmn pqrs tvwx')!);
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).toBe('8582f0401bebbf68f0492d9590c5b80f40e8f33a29c45cfd13e185b2eb4c0170');
    expect(hashVerificationCode('ABCDEFGHJKMNPQRSTVWX')).not.toBe(hashVerificationCode('ABCDEFGHJKMNPQRSTVW0'));
  });
});
