/** Checklist 3: the change feed (`changes()`): bounds, pages, no hidden window, order, resume, same-unit edits, deletes. */
import { expect, it } from 'vitest';
import type { ChangePage } from '../../src/core/connector.ts';
import { forEachPlatform, onGrid, readFeed } from './suite.ts';

const DAY = 86_400_000;
const ids = (pages: ChangePage[]) => pages.flatMap((pg) => pg.changes.map((c) => c.id));

forEachPlatform('change feed', (p) => {
  it('the lower bound is inclusive, and what changed before it stays out', async () => {
    const at = onGrid(Date.now() - 20 * DAY, p.caps);
    const [onBound, before] = await p.sim.seedTickets([
      { subject: 'Feed bound: on it', createdAt: new Date(at.getTime() - DAY), updatedAt: at },
      { subject: 'Feed bound: a day before', createdAt: new Date(at.getTime() - 2 * DAY), updatedAt: new Date(at.getTime() - DAY) },
    ]);
    const seen = ids(await readFeed(p.connector(), null, { since: at }));
    expect(seen).toContain(onBound);
    expect(seen).not.toContain(before);
  });

  it('no hidden default window: a ticket created 60 and updated 40 days ago is found with since = 50 days ago', async () => {
    const now = Date.now();
    const [old] = await p.sim.seedTickets([
      { subject: 'Feed window: old ticket', createdAt: onGrid(now - 60 * DAY, p.caps), updatedAt: onGrid(now - 40 * DAY, p.caps) },
    ]);
    expect(ids(await readFeed(p.connector(), null, { since: new Date(now - 50 * DAY) }))).toContain(old);
  });

  it('every page is read, in change order, each ticket once; resuming from any page’s cursor leaves no gap', async () => {
    // More than two pages of any platform's feed (page sizes are 50 or 100), changed a minute apart.
    const start = onGrid(Date.now() - 30 * DAY, p.caps).getTime();
    const seeded = await p.sim.seedTickets(
      Array.from({ length: 230 }, (_, i) => ({ subject: `Feed pages ${i}`, createdAt: new Date(start - DAY), updatedAt: new Date(start + i * 60_000) })),
    );
    const since = new Date(start);
    const pages = await readFeed(p.connector(), null, { since });
    expect(pages.length, 'pages').toBeGreaterThan(2);
    const all = pages.flatMap((pg) => pg.changes);
    const seen = all.map((c) => c.id);
    expect(
      seeded.filter((id) => !seen.includes(id)),
      'seeded changes the feed did not return',
    ).toEqual([]);
    expect(seen.length, 'a ticket listed twice').toBe(new Set(seen).size);
    const times = all.map((c) => Date.parse(c.updatedAt));
    expect(times.every((t) => Number.isFinite(t))).toBe(true);
    expect(
      times.every((t, i) => i === 0 || t >= times[i - 1]!),
      'changes in change order',
    ).toBe(true);
    expect(times[0]!).toBeGreaterThanOrEqual(onGrid(since.getTime(), p.caps).getTime());
    for (const pg of pages) expect(typeof pg.cursor === 'string' && pg.cursor.length > 0).toBe(true);

    // A crash after page k's work was saved: the feed resumed from its cursor brings every later change.
    for (const k of [0, pages.length - 2]) {
      const resumed = ids(await readFeed(p.connector(), pages[k]!.cursor, {}));
      const later = pages.slice(k + 1).flatMap((pg) => pg.changes.map((c) => c.id));
      expect(
        later.filter((id) => !resumed.includes(id)),
        `changes after page ${k} missing when resumed from its cursor`,
      ).toEqual([]);
    }
  });

  it('an edit in the same unit of the feed’s granularity as the saved cursor is not lost', async () => {
    const at = onGrid(Date.now() - 2 * DAY, p.caps);
    const [first, second] = await p.sim.seedTickets([
      { subject: 'Same unit: first', createdAt: new Date(at.getTime() - DAY), updatedAt: at },
      { subject: 'Same unit: second', createdAt: new Date(at.getTime() - DAY), updatedAt: new Date(at.getTime() - DAY) },
    ]);
    // Read up to now; the cursor stands at the newest change.
    const pages = await readFeed(p.connector(), null, { since: at });
    expect(ids(pages)).toContain(first);
    const cursor = pages[pages.length - 1]!.cursor;
    const newest = Math.max(...pages.flatMap((pg) => pg.changes.map((c) => Date.parse(c.updatedAt))));
    // Another ticket changes within the same second (or minute) as the newest change already read.
    await p.sim.editTicketAsPerson(second!, { subject: 'Same unit: second, edited', at: new Date(newest) });
    expect(ids(await readFeed(p.connector(), cursor, {}))).toContain(second);
  });

  it('an edit made by a person after the cursor is read on the next pass', async () => {
    const { ticket } = await p.createTicket('Feed: edited by a person');
    const pages = await readFeed(p.connector(), null, { since: new Date(Date.now() - 60_000) });
    const cursor = pages[pages.length - 1]!.cursor;
    await p.sim.editTicketAsPerson(ticket.id, { subject: 'Feed: edited by a person, again' });
    expect(ids(await readFeed(p.connector(), cursor, {}))).toContain(ticket.id);
  });

  it('a cursor the feed did not issue is refused, not read as "from the beginning"', async () => {
    await expect(readFeed(p.connector(), 'not-a-cursor-of-this-feed', {})).rejects.toThrow();
  });

  it('deletes are reported where the platform says it reports them', async (ctx) => {
    ctx.skip(!p.caps.changeFeed.reportsDeletes, `${p.manifest.name} does not report deletes (capabilities.changeFeed.reportsDeletes false)`);
    ctx.skip(!p.sim.deleteTicket, `the ${p.manifest.name} simulator cannot delete tickets`);
    const { ticket, createdAfter } = await p.createTicket('Feed: to be deleted');
    await p.sim.deleteTicket!(ticket.id);
    const pages = await readFeed(p.connector(), null, { since: createdAfter });
    expect(pages.flatMap((pg) => pg.deleted)).toContain(ticket.id);
  });
});
