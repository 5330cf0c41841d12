import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSideConfiguration } from '../../src/core/sync-config.ts';
import { checkAccountInvariants } from './lib/account-invariants.ts';
import { startAccount, type Account } from './lib/accounts.ts';
import { rng } from './lib/rng.ts';

/**
 * The platform-neutral end-state check (lib/account-invariants.ts) finds each kind of violation from the
 * platforms' own state: a Jira source and a Freshservice target, with copies made by hand as the engine
 * would make them (its marker on the copy, the original's keys in the texts).
 */
describe('account invariants (Jira Service Management → Freshservice)', () => {
  let jira: Account;
  let fs: Account;
  beforeAll(async () => {
    jira = await startAccount('jira_service_management', 'acme');
    fs = await startAccount('freshservice', 'globex');
  });
  afterAll(async () => {
    await jira?.close();
    await fs?.close();
  });

  /** A copy on Freshservice as the engine makes one: its marker tag, the original's text. */
  const copyOnFs = (key: string, marker: string) => {
    const id = fs.createTicket({ key, subject: `copy of ${key}`, description: `Partner ticket. [key ${key}]`, createdMs: fs.nowMs() }, rng(1));
    fs.freshservice!.state.tickets.get(Number(id))!.tags = [marker];
    return id;
  };
  const check = (sendPrivate = false) => {
    const config = defaultSideConfiguration();
    config.comments.sendPrivate = sendPrivate;
    return checkAccountInvariants({ source: jira, target: fs }, { config: { source: config } });
  };

  it('a faithful copy passes; each kind of violation is found and named', async () => {
    const a = jira.createTicket({ key: 'S1', subject: 'Printer', description: 'Broken. [key S1]', createdMs: jira.nowMs() }, rng(1));
    jira.addComment(a, { body: 'Public one [c S1-0]', private: false, kind: 'reply' });
    jira.addFile(a, 'S1-ticket@S.txt');
    const copy = copyOnFs('S1', 'sf-00000000000000a1');
    fs.addComment(copy, { body: 'Public one [c S1-0] sf-c00000000000000a1', private: true, kind: 'note' });
    fs.addFile(copy, 'S1-ticket@S.txt');
    expect(check().violations).toEqual([]);

    // An internal comment the source keeps, found on the target: a leak; allowed across but missing: lost.
    jira.addComment(a, { body: 'Internal [c S1-1]', private: true, kind: 'note' });
    fs.addComment(copy, { body: 'Internal [c S1-1] sf-c00000000000000a2', private: true, kind: 'note' });
    expect(check().counts).toMatchObject({ leak: 1, lost: 0 });
    jira.addComment(a, { body: 'Internal too [c S1-2]', private: true, kind: 'note' });
    expect(check(true).counts).toMatchObject({ leak: 0, lost: 1 });

    // A second copy of the same original: a duplicate. An original without any copy: lost.
    copyOnFs('S1', 'sf-00000000000000a3');
    jira.createTicket({ key: 'S2', subject: 'VPN', description: 'Slow. [key S2]', createdMs: jira.nowMs() }, rng(2));
    const r = check(true);
    expect(r.counts).toMatchObject({ duplicate: 1, lost: 2 });
    expect(r.violations.map((v) => v.detail).join('\n')).toMatch(/source ticket S1 \(#\d+\) has 2 copies on target/);
    expect(r.violations.map((v) => v.detail).join('\n')).toMatch(/source ticket S2 .* has no copy on target/);

    // A file that arrived twice.
    fs.addFile(copy, 'S1-ticket@S.txt');
    expect(check(true).counts).toMatchObject({ duplicate: 2 });
  });
});
