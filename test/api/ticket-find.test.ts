import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketNumberOf } from '../../src/server/routes/ticket-find.routes.ts';
import { signUpAndLogIn } from '../helpers/stack.ts';
import { humanCall, startSyncPair, type SyncPair } from '../helpers/sync-pair.ts';

// "Find ticket #N" (issue 12 item 16): a number is looked up in the sync records of the caller's
// connections; the partner's tickets are found only when they travelled.

let pair: SyncPair;
let linked: { source: string; target: string };
let keptBack: string;

const find = (number: string, auth = pair.source.auth) =>
  pair.stack.app.inject({ url: `/api/v1/tickets/find?number=${encodeURIComponent(number)}`, headers: auth });

beforeAll(async () => {
  pair = await startSyncPair({ sourceSeed: 'empty' });
  const t = await humanCall(pair.source.sim, 'POST', '/tickets', {
    subject: 'Find me',
    description: '<p>x</p>',
    email: 'alice.martin@acme.test',
    name: 'Alice Martin',
    status: 2,
    priority: 2,
  });
  const run = await pair.sync(new Date(Date.now() - 3_600_000).toISOString());
  const created = run.details.find((d: { outcome: string }) => d.outcome === 'created');
  expect(created, JSON.stringify(run.details)).toBeDefined();
  linked = { source: String(t.ticket.id), target: created.targetTicketId };
  // A ticket of the source that its filter keeps back: the source's own business.
  await pair.configure('source', { filters: { tags: ['send-me'] } });
  const kept = await humanCall(pair.source.sim, 'POST', '/tickets', {
    subject: 'Stay home',
    description: '<p>y</p>',
    email: 'alice.martin@acme.test',
    name: 'Alice Martin',
    status: 2,
    priority: 2,
  });
  keptBack = String(kept.ticket.id);
  await pair.sync(new Date(Date.now() - 3_600_000).toISOString());
}, 120_000);
afterAll(async () => pair?.close());

describe('find a ticket by its number', () => {
  it.each([
    ['123', '123'],
    ['#123', '123'],
    [' INC-123 ', '123'],
    ['sr-0042', '42'],
    ['# 7', '7'],
    ['INC-', null],
    ['12a', null],
    ['<script>', null],
    ['1'.repeat(19), null],
  ])('reads %j as %j', (input, expected) => {
    expect(ticketNumberOf(input)).toBe(expected);
  });

  it("finds the caller's own ticket and its copy, by either number, with the timeline link", async () => {
    const own = (await find(`INC-${linked.source}`)).json();
    const mine = own.matches.find((m: { side: string }) => m.side === 'source');
    expect(mine).toMatchObject({
      connectionId: pair.connectionId,
      contractName: 'Acme managed IT',
      partnerName: pair.target.organisation.name,
      yourSide: 'source',
      ticketId: linked.source,
      sourceTicketId: linked.source,
      targetTicketId: linked.target,
      linked: true,
    });
    expect(mine.timelinePath).toBe(`/connections/${pair.connectionId}/tickets/source/${linked.source}`);
    const partnerId = (await find(`#${linked.target}`)).json();
    expect(partnerId.matches.find((m: { side: string }) => m.side === 'target')).toMatchObject({
      sourceTicketId: linked.source,
      targetTicketId: linked.target,
      yourSide: 'source',
    });
    // The partner finds the same pair from its side.
    const theirs = (await find(linked.source, pair.target.auth)).json();
    expect(theirs.matches.find((m: { side: string }) => m.side === 'source')).toMatchObject({
      yourSide: 'target',
      partnerName: pair.source.organisation.name,
      targetTicketId: linked.target,
    });
  });

  it('a ticket kept back by its filter is found by its organisation only', async () => {
    const own = (await find(keptBack)).json();
    expect(own.matches.find((m: { side: string }) => m.side === 'source')).toMatchObject({
      ticketId: keptBack,
      linked: false,
      targetTicketId: null,
      timelinePath: `/connections/${pair.connectionId}/tickets/source/${keptBack}`,
    });
    const partner = (await find(keptBack, pair.target.auth)).json();
    expect(partner.matches.filter((m: { side: string }) => m.side === 'source')).toEqual([]);
  });

  it('another organisation finds nothing of these connections', async () => {
    const other = await signUpAndLogIn(pair.stack.app, 'finder');
    for (const n of [linked.source, linked.target, keptBack]) {
      const r = await find(n, other.auth);
      expect(r.statusCode).toBe(200);
      expect(r.json().matches).toEqual([]);
      expect(r.body).not.toContain(pair.connectionId);
    }
  });

  it('a number it cannot read is a 400 that says what to type', async () => {
    const r = await find('drop table');
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'validation_failed', field: 'number', message: expect.stringMatching(/123, #123 or INC-123/) });
    expect((await pair.stack.app.inject({ url: '/api/v1/tickets/find', headers: pair.source.auth })).statusCode).toBe(400);
  });
});
