import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { humanCall, nextSecond, startSyncPair, ticketsOf, type SyncPair } from '../helpers/sync-pair.ts';

// Issue 12 item 16: a copy names the ticket it was made from (number, and link when the sending side shares
// links), mappings can write that reference into a text field, and copied comments carry their author's name.

let pair: SyncPair;
const since = () => new Date(Date.now() - 3_600_000).toISOString();
const copyOf = (subject: string) => ticketsOf(pair.target.sim).find((t) => t.subject === subject);
const bodiesOn = (sim: SyncPair['source']['sim'], ticketId: number) => sim.state.conversationsOf(ticketId).map((c) => c.body);
/** The person the helpdesk records as the author of the ticket's first note (the agent humanCall acts as). */
const author = (ticketId: number) => pair.source.sim.state.users.get(pair.source.sim.state.conversationsOf(ticketId)[0]!.user_id!)!;

async function newTicket(subject: string): Promise<number> {
  const r = await humanCall(pair.source.sim, 'POST', '/tickets', {
    subject,
    description: '<p>It broke</p>',
    email: 'alice.martin@acme.test',
    name: 'Alice Martin',
    status: 2,
    priority: 2,
  });
  return r.ticket.id as number;
}

beforeAll(async () => {
  pair = await startSyncPair({ sourceSeed: 'empty' });
});
afterAll(async () => pair?.close());

describe('the partner ticket reference on created copies', () => {
  it('a new connection writes "Partner ticket: INC-n (link)" first in the copy, and the comment copy is signed by its author', async () => {
    const id = await newTicket('Printer jams');
    await humanCall(pair.source.sim, 'POST', `/tickets/${id}/notes`, { body: '<p>Looked at it</p>', private: false });
    const run = await pair.sync(since());
    expect(run.counts, JSON.stringify(run.details)).toMatchObject({ created: 1, failed: 0 });
    const copy = copyOf('Printer jams')!;
    const link = `${pair.source.sim.url}/a/tickets/${id}`;
    expect(copy.description).toBe(
      `<div><strong>Partner ticket:</strong> INC-${id} (<a href="${link}" rel="noopener noreferrer nofollow">${link}</a>)</div><div>---</div><p>It broke</p>`,
    );
    const note = bodiesOn(pair.target.sim, copy.id).find((b) => b.includes('Looked at it'))!;
    const a = author(id);
    expect(note).toContain(`<p><strong>${a.first_name} ${a.last_name} (${pair.source.organisation.name})</strong> wrote:</p>`);
  });

  it('a hostile author name arrives as inert text', async () => {
    const copy = copyOf('Printer jams')!;
    const id = [...pair.source.sim.state.tickets.values()].find((t) => t.subject === 'Printer jams')!.id;
    const person = author(id);
    const name = person.first_name;
    person.first_name = '<img src=x onerror=alert(1)>';
    try {
      await nextSecond();
      await humanCall(pair.source.sim, 'POST', `/tickets/${id}/notes`, { body: '<p>Second look</p>', private: false });
      const run = await pair.sync(since());
      expect(run.counts.failed, JSON.stringify(run.details)).toBe(0);
    } finally {
      person.first_name = name;
    }
    const note = bodiesOn(pair.target.sim, copy.id).find((b) => b.includes('Second look'))!;
    expect(note).toContain(`<strong>&lt;img src=x onerror=alert(1)&gt; ${person.last_name} (`);
    expect(note).not.toMatch(/<img/i);
  });

  it('a side that does not share links sends the number only', async () => {
    await pair.configure('source', { ticketLinks: { share: false } });
    const id = await newTicket('Screen flickers');
    const run = await pair.sync(since());
    expect(run.counts, JSON.stringify(run.details)).toMatchObject({ created: 1, failed: 0 });
    const copy = copyOf('Screen flickers')!;
    expect(copy.description).toBe(`<div><strong>Partner ticket:</strong> INC-${id}</div><div>---</div><p>It broke</p>`);
    expect(copy.description).not.toContain(pair.source.sim.url);
    await pair.configure('source', { ticketLinks: { share: true } });
  });

  it('a mapping writes the reference into a text field; a document without the line writes none', async () => {
    const mappings = (await pair.stack.app.inject({ url: `/api/v1/connections/${pair.connectionId}/mappings`, headers: pair.source.auth })).json().mappings;
    const incident = mappings.types.Incident;
    incident.descriptionBuilder = { fields: [], separator: '---' }; // as saved before the option existed
    incident.fields.push({ sourceField: 'partner.ticketUrl', targetField: 'external_reference', direction: 'source_to_target', kind: 'direct', values: [] });
    await pair.saveMappings(mappings);
    const id = await newTicket('Keyboard missing keys');
    const run = await pair.sync(since());
    expect(run.counts, JSON.stringify(run.details)).toMatchObject({ created: 1, failed: 0 });
    const copy = copyOf('Keyboard missing keys')!;
    expect(copy.description).toBe('<p>It broke</p>');
    expect(copy.custom_fields.external_reference).toBe(`${pair.source.sim.url}/a/tickets/${id}`);
  });

  it('a mapping that would write into the reference is refused with what to change', async () => {
    const mappings = (await pair.stack.app.inject({ url: `/api/v1/connections/${pair.connectionId}/mappings`, headers: pair.source.auth })).json().mappings;
    mappings.types.Incident.fields.push({
      sourceField: 'partner.ticketId',
      targetField: 'external_reference',
      direction: 'bidirectional',
      kind: 'direct',
      values: [],
    });
    const r = await pair.stack.app.inject({
      method: 'PUT',
      url: `/api/v1/connections/${pair.connectionId}/mappings`,
      headers: pair.source.auth,
      payload: { mappings },
    });
    expect(r.statusCode).toBe(400);
    expect(r.body).toMatch(/can only be copied into a field, not written/);
  });
});
