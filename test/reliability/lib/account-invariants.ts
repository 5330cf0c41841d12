import { defaultSideConfiguration, type SideConfiguration } from '../../../src/core/sync-config.ts';
import type { Side } from '../../../src/sync/field-mapping.ts';
import type { Account, AccountComment, AccountTicket } from './accounts.ts';
import { commentKeysOf } from './dataset.ts';
import { fileSideOf, type CheckReport, type Violation, type ViolationKind } from './invariants.ts';

/**
 * The end state of any pair of accounts (lib/accounts.ts), read from the platforms' own state: every
 * original has exactly one copy (or none when it never qualified), every comment arrived exactly once
 * unless its side keeps it (a private note nobody allowed across is a leak), every file arrived exactly
 * once, nothing came back to where it was made. The same rules as invariants.ts, which also compares
 * the mapped fields of two Freshservice accounts; across platforms the values differ by design, so fields
 * are not compared here.
 *
 * Where one side keeps files only on tickets (Jira), a comment's file is looked for on the ticket.
 */
const COMMENT_MARKER = /\bsf-c[0-9a-f]{16}\b/;

export interface AccountExpectations {
  config?: Partial<Record<Side, SideConfiguration>>;
  /** Must this original have a copy: yes, no, or either. Default: source yes, target no. */
  qualifies?: (side: Side, t: AccountTicket) => boolean | 'either';
}

export function checkAccountInvariants(accounts: Record<Side, Account>, exp: AccountExpectations = {}): CheckReport {
  const violations: Violation[] = [];
  const add = (kind: ViolationKind, detail: string) => violations.push({ kind, detail });
  const config: Record<Side, SideConfiguration> = {
    source: exp.config?.source ?? defaultSideConfiguration(),
    target: exp.config?.target ?? defaultSideConfiguration(),
  };
  const qualifies = exp.qualifies ?? ((side: Side) => side === 'source');
  const checked = { pairs: 0, comments: 0, files: 0, fields: 0 };

  const originals: Record<Side, Map<string, AccountTicket>> = { source: new Map(), target: new Map() };
  const copies: Record<Side, Map<string, AccountTicket[]>> = { source: new Map(), target: new Map() };
  for (const side of ['source', 'target'] as const) {
    for (const t of accounts[side].tickets()) {
      if (t.copy) {
        if (!t.key) {
          add('duplicate', `${side} ticket ${t.id} is a copy of no known original ("${t.subject}")`);
          continue;
        }
        copies[side].set(t.key, [...(copies[side].get(t.key) ?? []), t]);
      } else if (t.key) originals[side].set(t.key, t);
    }
  }

  for (const side of ['source', 'target'] as const) {
    const there: Side = side === 'source' ? 'target' : 'source';
    for (const [key, list] of copies[side]) {
      if (originals[side].has(key)) add('echo', `${side} has a copy of its own ticket ${key} (carried back)`);
      else if (!originals[there].has(key)) add('duplicate', `${side} has ${list.length} copies of ${key}, whose original does not exist`);
    }
    for (const [key, orig] of originals[side]) {
      const found = copies[there].get(key) ?? [];
      const q = qualifies(side, orig);
      if (found.length > 1)
        add('duplicate', `${side} ticket ${key} (#${orig.id}) has ${found.length} copies on ${there}: ${found.map((t) => `#${t.id}`).join(', ')}`);
      if (found.length === 0) {
        if (q === true) add('lost', `${side} ticket ${key} (#${orig.id}, "${orig.subject}") has no copy on ${there}`);
        continue;
      }
      if (q === false) add('leak', `${side} ticket ${key} (#${orig.id}) was copied to ${there} but never qualified`);
      const pair: Record<Side, AccountTicket> = side === 'source' ? { source: orig, target: found[0]! } : { source: found[0]!, target: orig };
      checked.pairs++;
      const expectedFiles: Record<Side, string[]> = { source: [], target: [] };
      const keptFiles: Record<Side, string[]> = { source: [], target: [] };
      checkComments(key, pair, 'source', expectedFiles, keptFiles);
      checkComments(key, pair, 'target', expectedFiles, keptFiles);
      checkFiles(key, pair, 'source', expectedFiles.source, keptFiles.source);
      checkFiles(key, pair, 'target', expectedFiles.target, keptFiles.target);
    }
  }

  /** Comments of `from` on the pair; collects the files of comments that must (or must not) cross. */
  function checkComments(key: string, pair: Record<Side, AccountTicket>, from: Side, expectedFiles: Record<Side, string[]>, keptFiles: Record<Side, string[]>) {
    const to: Side = from === 'source' ? 'target' : 'source';
    const count = (list: AccountComment[], k: string) => list.filter((c) => c.text.includes(`[c ${k}]`));
    for (const c of pair[from].comments) {
      if (COMMENT_MARKER.test(c.text)) continue; // a copy, checked from its original
      const [k] = commentKeysOf(c.text);
      if (!k) continue;
      checked.comments++;
      const sendable = c.private ? config[from].comments.sendPrivate : config[from].comments.sendPublic;
      const arrived = count(pair[to].comments, k);
      const home = count(pair[from].comments, k);
      if (home.length > 1) add('echo', `${from} comment ${k} came back to ${from} (${home.length} times on #${pair[from].id})`);
      if (!sendable) {
        keptFiles[from].push(...c.files);
        if (arrived.length > 0)
          add('leak', `${from} ${c.private ? 'private note' : 'comment'} ${k} of ${key} is on ${to} #${pair[to].id} although ${from} does not send it`);
        continue;
      }
      expectedFiles[from].push(...c.files);
      if (arrived.length === 0) add('lost', `${from} comment ${k} of ${key} (#${pair[from].id}) did not arrive on ${to} #${pair[to].id}`);
      if (arrived.length > 1) add('duplicate', `${from} comment ${k} of ${key} arrived ${arrived.length} times on ${to} #${pair[to].id}`);
    }
  }

  /** Files a person added on `from` (by their `@S` / `@T` names) on the ticket or its comments, as the partner has them. */
  function checkFiles(key: string, pair: Record<Side, AccountTicket>, from: Side, fromComments: string[], kept: string[]) {
    const to: Side = from === 'source' ? 'target' : 'source';
    const all = (t: AccountTicket) => [...t.files, ...t.comments.flatMap((c) => c.files)];
    const here = all(pair[from]);
    const there = all(pair[to]);
    const mine = (n: string) => fileSideOf(n) === from;
    // Ticket files, and files of comments that cross; a kept note's file stays (unless the platform has it on the ticket too).
    const onTicket = pair[from].files.filter(mine);
    const want = new Set([...onTicket.filter((n) => accounts[from].commentFiles || !kept.includes(n)), ...fromComments.filter(mine)]);
    const mustNot = new Set(kept.filter((n) => mine(n) && !want.has(n)));
    for (const name of new Set(here.filter(mine))) {
      const hereCount = here.filter((x) => x === name).length;
      const onTicketHere = pair[from].files.filter((x) => x === name).length;
      if (hereCount > 1)
        add(
          'echo',
          `${from} file ${name} of ${key} is ${hereCount} times on ${from} #${pair[from].id} (${onTicketHere} on the ticket, ${hereCount - onTicketHere} on comments)`,
        );
    }
    for (const name of want) {
      checked.files++;
      const n = there.filter((x) => x === name).length;
      if (!config[from].attachments.enabled) {
        if (n > 0) add('leak', `${from} file ${name} of ${key} is on ${to} although ${from} does not send files`);
        continue;
      }
      if (n === 0) add('lost', `${from} file ${name} of ${key} (#${pair[from].id}) did not arrive on ${to} #${pair[to].id}`);
      if (n > 1) add('duplicate', `${from} file ${name} of ${key} arrived ${n} times on ${to} #${pair[to].id}`);
    }
    for (const name of mustNot) {
      checked.files++;
      if (there.includes(name)) add('leak', `${from} file ${name} of ${key} (on a comment ${from} keeps) is on ${to} #${pair[to].id}`);
    }
  }

  const counts: Record<ViolationKind, number> = { duplicate: 0, lost: 0, leak: 0, echo: 0 };
  for (const v of violations) counts[v.kind]++;
  return { violations, counts, checked };
}
