import type { FreshserviceSimulator } from '../../../src/simulator/freshservice/index.ts';
import type { Ticket } from '../../../src/simulator/freshservice/model.ts';
import { freshserviceAccount, type Account } from './accounts.ts';
import type { Rng } from './rng.ts';

/**
 * Keys that let the invariant checker pair an original with its copies from the platforms' state alone:
 * every human-made ticket carries `[key T…]` in its description, every human comment `[c T…-n]` in its
 * body, every file a unique name.
 */
export const ticketKeyOf = (text: string): string | null => /\[key ([A-Za-z0-9-]+)\]/.exec(text)?.[1] ?? null;
export const commentKeysOf = (text: string): string[] => [...text.matchAll(/\[c ([A-Za-z0-9-]+)\]/g)].map((m) => m[1]!);

export interface DatasetOptions {
  tickets: number;
  /** Where the tickets are made (file names carry it: `@S` / `@T`). */
  side?: 'source' | 'target';
  /** Prefix of the keys (e.g. "S" for source-made tickets). */
  prefix?: string;
  /** Comments per ticket: 0..max. */
  maxComments?: number;
  /** Share of tickets with a ticket-level file, and of comments with a file. */
  pTicketFile?: number;
  pCommentFile?: number;
  pPrivate?: number;
}

export interface DatasetStats {
  tickets: number;
  comments: number;
  privateNotes: number;
  files: number;
}

const requesterNames = ['Alice', 'Bob', 'Carla', 'Dev', 'Emma'];
const words = ['VPN', 'printer', 'laptop', 'e-mail', 'Wi-Fi', 'badge', 'licence', 'monitor', 'password', 'backup', 'phone', 'Teams'];

export function requesterIds(sim: FreshserviceSimulator): number[] {
  return requesterNames.map((n) => [...sim.state.users.values()].find((u) => u.first_name === n && u.agent === null)!.id);
}

export function groupIds(sim: FreshserviceSimulator): number[] {
  return [...sim.state.groups.values()].filter((g) => g.workspace_id === 2).map((g) => g.id);
}

/** Fills a simulated Freshservice account (see seedAccount). */
export function seedTickets(sim: FreshserviceSimulator, r: Rng, opts: DatasetOptions): DatasetStats {
  return seedAccount(freshserviceAccount(sim), r, opts);
}

/**
 * Fills an account of any platform with `tickets` tickets of the last days, with replies, private notes and
 * files (a comment's file goes onto its ticket where the platform keeps files only there).
 */
export function seedAccount(account: Account, r: Rng, opts: DatasetOptions): DatasetStats {
  const prefix = opts.prefix ?? (opts.side === 'target' ? 'T' : 'S');
  const mark = opts.side === 'target' ? '@T' : '@S';
  const maxComments = opts.maxComments ?? 3;
  const pTicketFile = opts.pTicketFile ?? 0.2;
  const pCommentFile = opts.pCommentFile ?? 0.1;
  const pPrivate = opts.pPrivate ?? 0.3;
  const stats: DatasetStats = { tickets: 0, comments: 0, privateNotes: 0, files: 0 };
  const start = account.nowMs() - (opts.tickets + 10) * 60_000;
  for (let i = 0; i < opts.tickets; i++) {
    const key = `${prefix}${String(i).padStart(5, '0')}`;
    const created = start + i * 60_000;
    const subject = `${r.pick(words)} problem ${key}`;
    const description = `Something is wrong with the ${r.pick(words)}. [key ${key}]`;
    const id = account.createTicket({ key, subject, description, createdMs: created }, r);
    stats.tickets++;
    if (r.chance(pTicketFile)) {
      account.addFile(id, `${key}-ticket${mark}.txt`);
      stats.files++;
    }
    const n = r.int(0, maxComments);
    for (let c = 0; c < n; c++) {
      const priv = r.chance(pPrivate);
      const kind = priv ? 'note' : r.pick(['reply', 'note'] as const);
      const body = `${priv ? 'Internal' : 'Public'} comment ${c} on ${key} [c ${key}-${c}]`;
      const commentId = account.addComment(id, { body, private: priv, kind, atMs: created + (c + 1) * 5_000 });
      stats.comments++;
      if (priv) stats.privateNotes++;
      if (r.chance(pCommentFile)) {
        account.addFile(id, `${key}-${c}${mark}.txt`, commentId);
        stats.files++;
      }
    }
  }
  return stats;
}

/** The human-made (not copied) tickets of an account. */
export function originals(sim: FreshserviceSimulator): Ticket[] {
  return [...sim.state.tickets.values()].filter((t) => !t.deleted && !t.tags.some(isTicketMarker));
}

export const isTicketMarker = (tag: string) => /^sf-[0-9a-f]{16}$/.test(tag);
