import { describe, expect, it } from 'vitest';
import { redactText, redactUrl } from './log-redaction.ts';

const TOKEN = 'et23_92QlVtjGf_GFPgVRHJlHxPmHXGWOcIKQp5DSls';

describe('redactUrl', () => {
  it.each([
    [`/invite/${TOKEN}`, '/invite/[redacted]'],
    [`/invite/${TOKEN}/`, '/invite/[redacted]/'],
    [`/INVITE/short`, '/INVITE/[redacted]'],
    [`/inv%69te/short`, '/invite/[redacted]'],
    [`/invite%2Fshort`, '/invite/[redacted]'],
    [`//invite//short`, '//invite//[redacted]'],
    [`/api/v1/invitations/${TOKEN}/preview`, '/api/v1/invitations/[redacted]/preview'],
    [`/api/v1/hooks/freshservice/${TOKEN}`, '/api/v1/hooks/freshservice/[redacted]'],
    [`/api/v1/hooks/freshservice/x/y/`, '/api/v1/hooks/freshservice/[redacted]/[redacted]/'],
    [`/api/v1/hooks/${TOKEN}`, '/api/v1/hooks/[redacted]'],
    [`/signup?token=abc&next=%2Fhome`, '/signup?token=[redacted]&next=/home'],
    [`/x?Code=1&API_KEY=2&t%6Fken=3&page=2`, '/x?Code=[redacted]&API_KEY=[redacted]&token=[redacted]&page=2'],
    [`/x?ref=${TOKEN}`, '/x?ref=[redacted]'],
    [`/some/path/${TOKEN}`, '/some/path/[redacted]'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('leaves ordinary URLs readable: route names, UUIDs, assets, malformed escapes', () => {
    for (const url of [
      '/api/v1/connections/0b6f3f0e-6a43-4c55-9d3e-2f5f0d6b1a2c/sync-runs',
      '/assets/index-ByOW8AUT.js',
      '/api/v1/connections/accept',
      '/api/v1/sync-runs?status=failed&from=2026-11-01',
    ])
      expect(redactUrl(url)).toBe(url);
    expect(redactUrl('/invite/%E0%A4%A/x')).toBe('/invite/[redacted]/x');
  });
});

describe('redactText', () => {
  it('redacts URLs inside messages and keeps the rest', () => {
    expect(redactText(`Route POST:/api/v1/hooks/freshservice/${TOKEN} not found`)).toBe('Route POST:/api/v1/hooks/freshservice/[redacted] not found');
    expect(redactText(`open https://sync.example.com/invite/${TOKEN} now`)).toBe('open https://sync.example.com/invite/[redacted] now');
    expect(redactText('sync run finished')).toBe('sync run finished');
  });
});
