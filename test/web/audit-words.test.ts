import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_SENTENCES, auditSentence } from '../../web/src/audit-words.ts';
import { AUDIT_ACTION_LABELS } from '../../web/src/pages/AuditLogPage.tsx';
import { AUDIT_ACTIONS } from '../../src/db/repositories/audit-log.ts';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/** Every action key in the server's code: each quoted key on a line that sets an audit `action`. */
const recorded = new Set(
  sources('src').flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((line) => /\baction\b\s*[:=]/.test(line))
      .flatMap((line) => [...line.matchAll(/'([a-z_]+\.[a-z_]+)'/g)].map((m) => m[1]!))
      .filter((k) => !k.endsWith('.ts')),
  ),
);

describe('audit log in words', () => {
  it('has a sentence for every action key the server records (the code and AUDIT_ACTIONS) and every key the filter offers', () => {
    expect(recorded.size).toBeGreaterThan(20);
    const missing = [...recorded, ...AUDIT_ACTIONS, ...Object.keys(AUDIT_ACTION_LABELS)].filter((k) => !AUDIT_SENTENCES[k]);
    expect(missing).toEqual([]);
  });

  it.each([
    ['connection.sync_started', { who: 'Alice', target: 'Contract 7', before: null, after: { runId: 'r' } }, 'Alice started a sync of “Contract 7”'],
    [
      'connection.automatic_sync_changed',
      { who: 'Bob', target: 'Contract 7', before: { enabled: true }, after: { enabled: false } },
      'Bob switched automatic sync off for “Contract 7”',
    ],
    [
      'member.role_changed',
      { who: 'Alice', target: 'bob@acme.example', before: { role: 'viewer' }, after: { role: 'member' } },
      'Alice changed the role of bob@acme.example from Viewer to Member',
    ],
    ['invitation.created', { who: 'Alice', target: null, before: null, after: { role: 'admin' } }, 'Alice invited a new colleague as Admin'],
    [
      'platform.tested',
      { who: 'Alice', target: 'https://acme.freshservice.com', before: null, after: { ok: false } },
      'Alice tested the platform connection: it failed',
    ],
    ['something.new_here', { who: 'Alice', target: 'X', before: null, after: null }, 'Alice: something new here (X)'],
  ])('%s', (action, input, expected) => {
    expect(auditSentence(action, input)).toBe(expected);
  });
});
