import { describe, expect, it } from 'vitest';
import { loginPathFrom, returnPathOf, safeReturnPath } from '../../web/src/return-path.ts';

describe('the page Log in returns to', () => {
  it.each([
    ['/connections/abc/sync', '/connections/abc/sync'],
    ['/sync?status=failed', '/sync?status=failed'],
    ['/guide#connection-timeout', '/guide#connection-timeout'],
    ['/settings', '/settings'],
  ])('follows a path of this app: %s', (next, expected) => expect(safeReturnPath(next)).toBe(expected));

  it.each([
    '//evil.example',
    '//evil.example/settings',
    'https://evil',
    'https://evil.example/settings',
    'http:evil.example',
    'javascript:alert(1)',
    '/\\evil.example',
    '\\\\evil.example',
    '/%0a//evil.example'.replace('%0a', '\n'),
    ' /settings',
    'settings',
    '',
    '/login',
    '/login?next=/settings',
    '/signup',
    '/invite/abc',
    `/${'x'.repeat(3000)}`,
  ])('refuses %j', (next) => expect(safeReturnPath(next)).toBeNull());

  it('reads next from the query string and builds it from the current page', () => {
    expect(returnPathOf('?next=%2Fconnections%2Fx%2Fsync')).toBe('/connections/x/sync');
    expect(returnPathOf('?next=%2F%2Fevil.example')).toBeNull();
    expect(returnPathOf('?next=https%3A%2F%2Fevil')).toBeNull();
    expect(returnPathOf('')).toBeNull();
    expect(loginPathFrom('/connections/x/sync')).toBe('/login?next=%2Fconnections%2Fx%2Fsync');
    expect(loginPathFrom('/')).toBe('/login');
    expect(loginPathFrom('//evil.example')).toBe('/login');
    expect(returnPathOf(loginPathFrom('/sync?page=2').slice('/login'.length))).toBe('/sync?page=2');
  });
});
