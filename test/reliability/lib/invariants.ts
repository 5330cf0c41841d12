import { defaultMappings, defaultSideConfiguration, type Mappings, type SideConfiguration } from '../../../src/core/sync-config.ts';
import type { FreshserviceSimulator } from '../../../src/simulator/freshservice/index.ts';
import type { Conversation, Ticket } from '../../../src/simulator/freshservice/model.ts';
import { directedRules, typeMappingFor, type Side } from '../../../src/sync/field-mapping.ts';
import { commentKeysOf, isTicketMarker, ticketKeyOf } from './dataset.ts';

/**
 * The end state two synced accounts must be in, checked from the simulators' own state (not from the
 * engine's bookkeeping): originals are paired with their copies by keys the test put into descriptions,
 * comment bodies and file names (see dataset.ts).
 *
 * - duplicates: an original with more than one copy (ticket, comment, file), or a copy with no original
 * - lost: an original that should have a copy and has none; a mapped field that differs; a comment or
 *   file that did not arrive
 * - leaks: a private note on the other side although its side did not allow it; a ticket copied that
 *   never qualified; a file sent although its side switched files off
 * - echo: a copy carried back to the side it came from (checked here); writes of a final sync (counted
 *   by the caller)
 */
export type ViolationKind = 'duplicate' | 'lost' | 'leak' | 'echo';

export interface Violation {
  kind: ViolationKind;
  detail: string;
}

export interface Expectations {
  config?: Partial<Record<Side, SideConfiguration>>;
  mappings?: Mappings;
  /** Must this original have a copy: yes, no, or either (it left the scope after a sync may have seen it). Default: source yes, target no. */
  qualifies?: (side: Side, t: Ticket) => boolean | 'either';
  /** Expected values of a field for a pair; default: equal on both sides after value mapping. */
  expectField?: (pair: { key: string; source: Ticket; target: Ticket }, field: string) => { accept: Array<string> } | null;
}

export interface CheckReport {
  violations: Violation[];
  counts: Record<ViolationKind, number>;
  checked: { pairs: number; comments: number; files: number; fields: number };
}

const COMMENT_MARKER = /\bsf-c[0-9a-f]{16}\b/;
const norm = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** A form-field value of a simulated ticket, by the name the engine uses. */
export function simField(t: Ticket, name: string): unknown {
  switch (name) {
    case 'subject':
      return t.subject;
    case 'description':
      return text(t.description);
    case 'ticket_type':
      return t.type;
    case 'status':
    case 'priority':
    case 'urgency':
    case 'impact':
    case 'source':
      return t[name];
    case 'group':
      return t.group_id;
    case 'agent':
      return t.responder_id;
    case 'department':
      return t.department_id;
    case 'category':
    case 'sub_category':
    case 'item_category':
      return t[name];
    default:
      return t.custom_fields[name] ?? null;
  }
}

/** The file name marks the side where a person added it: `name@S.txt` / `name@T.txt`. */
export const fileSideOf = (name: string): Side | null => (/@S\./.test(name) ? 'source' : /@T\./.test(name) ? 'target' : null);

export function checkInvariants(sims: Record<Side, FreshserviceSimulator>, exp: Expectations = {}): CheckReport {
  const violations: Violation[] = [];
  const add = (kind: ViolationKind, detail: string) => violations.push({ kind, detail });
  const config: Record<Side, SideConfiguration> = {
    source: exp.config?.source ?? defaultSideConfiguration(),
    target: exp.config?.target ?? defaultSideConfiguration(),
  };
  const mappings = exp.mappings ?? defaultMappings();
  const qualifies = exp.qualifies ?? ((side: Side) => side === 'source');
  const checked = { pairs: 0, comments: 0, files: 0, fields: 0 };

  const live = (side: Side) => [...sims[side].state.tickets.values()].filter((t) => !t.deleted);
  const originals: Record<Side, Map<string, Ticket>> = { source: new Map(), target: new Map() };
  const copies: Record<Side, Map<string, Ticket[]>> = { source: new Map(), target: new Map() };
  for (const side of ['source', 'target'] as const) {
    for (const t of live(side)) {
      const key = ticketKeyOf(text(t.description));
      if (t.tags.some(isTicketMarker)) {
        if (!key) {
          add('duplicate', `${side} ticket ${t.id} is a copy of no known original ("${t.subject}")`);
          continue;
        }
        copies[side].set(key, [...(copies[side].get(key) ?? []), t]);
      } else if (key) {
        originals[side].set(key, t);
      }
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
      const copy = found[0]!;
      const pair = side === 'source' ? { key, source: orig, target: copy } : { key, source: copy, target: orig };
      checked.pairs++;
      checkFields(pair);
      checkComments(pair, 'source');
      checkComments(pair, 'target');
      checkFiles(pair, 'source');
      checkFiles(pair, 'target');
    }
  }

  function checkFields(pair: { key: string; source: Ticket; target: Ticket }) {
    const { mapping } = typeMappingFor(mappings, 'source', pair.source.type);
    const rules = [
      ...directedRules(mapping, 'source').map((rule) => ({ rule, sending: 'source' as Side })),
      ...directedRules(mapping, 'target').map((rule) => ({ rule, sending: 'target' as Side })),
    ];
    const seen = new Set<string>();
    for (const { rule, sending } of rules) {
      const receiving: Side = sending === 'source' ? 'target' : 'source';
      const sourceField = sending === 'source' ? rule.from : rule.to;
      const targetField = sending === 'source' ? rule.to : rule.from;
      // A bidirectional mapping gives one rule per direction: compare once.
      if (seen.has(`${sourceField}|${targetField}`)) continue;
      seen.add(`${sourceField}|${targetField}`);
      // Closures travel only when the sending side allows them.
      if (sourceField === 'status' && (!config.source.closures.enabled || !config.target.closures.enabled)) continue;
      const sent = simField(pair[sending], rule.from);
      let got = simField(pair[receiving], rule.to);
      if (rule.to === 'description' && sending === 'source' && mapping.descriptionBuilder.partnerReference) {
        // The copy's description opens with the number of the ticket it was made from (and its link).
        const ref = /^Partner ticket: [A-Z]+-(\d+)(?: \( \S+ \))? (?:--- )?/.exec(String(got));
        if (Number(ref?.[1]) !== pair.source.id) {
          add('lost', `${pair.key}: the copy's description does not name #${pair.source.id} as its partner ticket: ${JSON.stringify(got)}`);
          continue;
        }
        got = String(got).slice(ref![0].length);
      }
      const want = rule.kind === 'value' && sent !== null ? (rule.pairs.find((p) => p.from === String(sent))?.to ?? `<unmapped ${String(sent)}>`) : sent;
      checked.fields++;
      if (norm(want) !== norm(got)) {
        add(
          'lost',
          `${pair.key}: ${sending} ${rule.from}=${JSON.stringify(sent)} but ${receiving} ${rule.to}=${JSON.stringify(got)} (source #${pair.source.id} / target #${pair.target.id})`,
        );
        continue;
      }
      const expected = exp.expectField?.(pair, sourceField);
      const value = norm(simField(pair.source, sourceField));
      if (expected && !expected.accept.includes(value)) {
        add(
          'lost',
          `${pair.key}: ${sourceField} is ${JSON.stringify(value)} on both sides, but the last change made it one of ${JSON.stringify(expected.accept)}`,
        );
      }
    }
  }

  function checkComments(pair: { key: string; source: Ticket; target: Ticket }, from: Side) {
    const to: Side = from === 'source' ? 'target' : 'source';
    const fromTicket = pair[from];
    const toTicket = pair[to];
    const fromConvs = sims[from].state.conversationsOf(fromTicket.id);
    const toConvs = sims[to].state.conversationsOf(toTicket.id);
    const count = (convs: Conversation[], k: string) => convs.filter((c) => c.body.includes(`[c ${k}]`));
    for (const c of fromConvs) {
      if (COMMENT_MARKER.test(c.body)) continue; // a copy, checked from its original
      const [k] = commentKeysOf(c.body);
      if (!k) continue;
      checked.comments++;
      const kind = c.source === 0 ? 'reply' : c.source === 2 ? 'note' : 'other';
      const sendable = kind !== 'other' && (c.private ? config[from].comments.sendPrivate : config[from].comments.sendPublic);
      const arrived = count(toConvs, k);
      if (count(fromConvs, k).length > 1) add('echo', `${from} comment ${k} came back to ${from} (${count(fromConvs, k).length} times on #${fromTicket.id})`);
      if (!sendable) {
        if (arrived.length > 0)
          add('leak', `${from} ${c.private ? 'private note' : 'comment'} ${k} is on ${to} #${toTicket.id} although ${from} does not send it`);
        continue;
      }
      if (arrived.length === 0) add('lost', `${from} comment ${k} (#${fromTicket.id}) did not arrive on ${to} #${toTicket.id}`);
      if (arrived.length > 1) add('duplicate', `${from} comment ${k} arrived ${arrived.length} times on ${to} #${toTicket.id}`);
      if (arrived.length === 1 && c.attachment_ids.length > 0) {
        const want = sims[from].state
          .attachmentsOf(c.attachment_ids)
          .map((a) => a.name)
          .sort();
        const got = sims[to].state
          .attachmentsOf(arrived[0]!.attachment_ids)
          .map((a) => a.name)
          .sort();
        checked.files += want.length;
        const expected = config[from].attachments.enabled ? want : [];
        if (JSON.stringify(expected) !== JSON.stringify(got)) {
          add(
            got.length > expected.length ? (config[from].attachments.enabled ? 'duplicate' : 'leak') : 'lost',
            `${from} comment ${k}: files ${JSON.stringify(expected)} expected on ${to}, found ${JSON.stringify(got)}`,
          );
        }
      }
    }
  }

  function checkFiles(pair: { key: string; source: Ticket; target: Ticket }, from: Side) {
    const to: Side = from === 'source' ? 'target' : 'source';
    const names = (t: Ticket, side: Side) => sims[side].state.attachmentsOf(t.attachment_ids).map((a) => a.name);
    const here = names(pair[from], from);
    const there = names(pair[to], to);
    for (const name of new Set(here.filter((n) => fileSideOf(n) === from))) {
      checked.files++;
      const n = there.filter((x) => x === name).length;
      if (here.filter((x) => x === name).length > 1)
        add('echo', `${from} file ${name} is ${here.filter((x) => x === name).length} times on ${from} #${pair[from].id}`);
      if (!config[from].attachments.enabled) {
        if (n > 0) add('leak', `${from} file ${name} is on ${to} although ${from} does not send files`);
        continue;
      }
      if (n === 0) add('lost', `${from} file ${name} (#${pair[from].id}) did not arrive on ${to} #${pair[to].id}`);
      if (n > 1) add('duplicate', `${from} file ${name} arrived ${n} times on ${to} #${pair[to].id}`);
    }
  }

  const counts: Record<ViolationKind, number> = { duplicate: 0, lost: 0, leak: 0, echo: 0 };
  for (const v of violations) counts[v.kind]++;
  return { violations, counts, checked };
}
