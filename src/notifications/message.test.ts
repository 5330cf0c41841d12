import { describe, expect, it } from 'vitest';
import type { RunEndFacts } from '../db/repositories/notifications.ts';
import { buildNotification, emailContent, faultSide, slackEscape, slackPayload, teamsPayload, whatToDo } from './message.ts';

const facts = (over: Partial<RunEndFacts['run']> = {}): RunEndFacts => ({
  connectionId: 'c-1',
  contractName: 'Acme managed IT',
  connectionStatus: 'active',
  sides: { source: { organisationId: 'org-a', organisationName: 'Acme' }, target: { organisationId: 'org-g', organisationName: 'Globex' } },
  run: {
    id: 'run-1',
    status: 'failed',
    trigger: 'automatic',
    error: 'Globex (target): Authentication failed (401)',
    finishedAt: new Date('2026-01-02T03:04:05Z'),
    counts: { created: 0, updated: 0, closed: 0, failed: 0 },
    failure: null,
    ...over,
  },
});

describe('which side a run error names', () => {
  it.each([
    ['Globex (target): Authentication failed', 'target'],
    ['Reading changes from Acme (source) failed: timeout', 'source'],
    ['Loading the ticket fields of Acme (source) failed', 'source'],
    ['Unexpected error: boom', null],
    ['Acme (source) and Globex (target) both', null],
    [null, null],
  ] as const)('%s → %s', (error, side) => {
    expect(faultSide(error, { source: 'Acme', target: 'Globex' })).toBe(side);
  });
});

describe('notification content', () => {
  it('tells each organisation whose side is at fault, in its own words, with the run link', () => {
    const toGlobex = buildNotification(facts(), 'connection.failing', 'target', 'https://sync.example.com');
    const toAcme = buildNotification(facts(), 'connection.failing', 'source', 'https://sync.example.com');
    expect(toGlobex.fault).toBe('your_side');
    expect(toAcme.fault).toBe('partner_side');
    expect(toGlobex.text).toMatch(/on your side — Globex's platform/);
    expect(toAcme.text).toMatch(/on your partner's side — Globex's platform/);
    expect(toAcme.text).toMatch(/Error: Globex \(target\): Authentication failed \(401\)/);
    expect(toAcme.run?.url).toBe('https://sync.example.com/sync/run-1');
    expect(toAcme.text).toContain('Run details: https://sync.example.com/sync/run-1');
    expect(toAcme.connection).toEqual({ id: 'c-1', name: 'Acme managed IT', yourSide: 'source', partner: 'Globex' });
    expect(toGlobex.connection?.partner).toBe('Acme');
    expect(toAcme.organisation).toEqual({ id: 'org-a', name: 'Acme' });
    expect(toAcme.title).toBe('Sync failing: Acme managed IT');
    // One id per event and recipient: a receiver can drop a repeated delivery.
    expect(toAcme.id).not.toBe(toGlobex.id);
    expect(buildNotification(facts(), 'connection.failing', 'source', undefined).id).toBe(toAcme.id);
  });

  it('the side the engine recorded wins over the wording, and says what to do', () => {
    const n = buildNotification(
      facts({ error: 'Unexpected error: socket hang up', failure: { side: 'source', kind: 'authentication' } }),
      'connection.failing',
      'source',
      undefined,
    );
    expect(n.fault).toBe('your_side');
    expect(n.text).toMatch(/What to do: the API key was rejected: Test Connection in Settings/);
    const partner = buildNotification(facts({ failure: { side: 'source', kind: 'timeout' } }), 'connection.failing', 'target', undefined);
    expect(partner.fault).toBe('partner_side');
    expect(partner.text).toMatch(/What to do: nothing on your side/);
  });

  it.each([
    [true, 'authentication', /API key was rejected/],
    [true, 'permission', /roles and group access/],
    [true, 'not_configured', /save the API URL and API Key/],
    [true, 'timeout', /did not answer/],
    [true, 'server', /Test Connection in Settings; the error above/],
    [false, 'authentication', /nothing on your side/],
  ] as const)('what to do (yours %s, %s)', (yours, kind, words) => {
    expect(whatToDo(yours, kind)).toMatch(words);
  });

  it('without SF_PUBLIC_URL names the run instead of linking it; an unknown side is said so', () => {
    const n = buildNotification(facts({ error: 'Unexpected error: boom' }), 'connection.failing', 'source', undefined);
    expect(n.run?.url).toBeNull();
    expect(n.fault).toBeNull();
    expect(n.text).toMatch(/Where: not known/);
    expect(n.text).toMatch(/open Sync in Support Fusion \(run run-1\)/);
  });

  it('a recovery gives the status and totals, and no fault', () => {
    const n = buildNotification(
      facts({ status: 'partial', error: null, counts: { created: 2, updated: 1, closed: 0, failed: 1 } }),
      'connection.recovered',
      'target',
      undefined,
    );
    expect(n.title).toBe('Sync recovered: Acme managed IT');
    expect(n.fault).toBeNull();
    expect(n.text).toMatch(/no longer Failing: its last run finished with Partial/);
    expect(n.text).toMatch(/2 created, 1 updated, 0 closed, 1 failed/);
  });

  it('Slack text from a platform cannot mention @channel or make links', () => {
    expect(slackEscape('<!channel> & <https://evil|click>')).toBe('&lt;!channel&gt; &amp; &lt;https://evil|click&gt;');
    const p = slackPayload(buildNotification(facts({ error: 'Globex (target): <!here> down' }), 'connection.failing', 'source', undefined)) as { text: string };
    expect(p.text).not.toContain('<!here>');
    expect(p.text).toContain('&lt;!here&gt;');
  });

  it('Teams gets an Adaptive Card with a button to the run; e-mail a one-line subject', () => {
    const n = buildNotification(facts(), 'connection.failing', 'source', 'https://sync.example.com');
    const t = teamsPayload(n) as { type: string; attachments: Array<{ contentType: string; content: { type: string; actions?: Array<{ url: string }> } }> };
    expect(t.type).toBe('message');
    expect(t.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(t.attachments[0]!.content.actions?.[0]?.url).toBe('https://sync.example.com/sync/run-1');
    const e = emailContent({ ...n, title: 'a\r\nBcc: x@example.com' });
    expect(e.subject).toBe('a Bcc: x@example.com');
  });
});
