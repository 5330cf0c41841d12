/** Checklist 4 and 5: create with a marker found again (also while search lags), updates of only what was given, every status category reachable. */
import { expect, it } from 'vitest';
import type { FieldDefinition, FieldValue } from '../../src/core/connector.ts';
import { closingCategories, statusCategories } from '../../src/core/platform-manifest.ts';
import { forEachPlatform, platformError } from './suite.ts';

forEachPlatform('create and update', (p) => {
  let fields: FieldDefinition[] | null = null;
  const definitions = async () => (fields ??= await p.connector().fieldDefinitions());

  it('a created ticket is found again by its marker; an unknown marker finds nothing', async () => {
    const subject = 'Conformance: find me by marker';
    const { ticket, marker, createdAfter } = await p.createTicket(subject, { description: '<p>Body</p>' });
    expect(ticket.id).toBeTruthy();
    expect(ticket.subject).toBe(subject);
    const found = await p.connector().findTicketByMarker(marker, { subject, createdAfter });
    expect(found?.id).toBe(ticket.id);
    expect(await p.connector().findTicketByMarker(p.marker(), { subject, createdAfter })).toBeNull();
  });

  it('the marker is found while the platform’s search index lags', async (ctx) => {
    ctx.skip(!p.sim.setSearchLag, `the ${p.manifest.name} simulator's search never lags`);
    await p.sim.setSearchLag!(10 * 60_000);
    const subject = 'Conformance: find me while search lags';
    const { ticket, marker, createdAfter } = await p.createTicket(subject);
    const found = await p.connector().findTicketByMarker(marker, { subject, createdAfter });
    expect(found?.id).toBe(ticket.id);
  });

  it('create then read: subject, description, type and requester as written', async () => {
    const { ticket } = await p.createTicket('Conformance: read back', { description: '<p>Read <strong>me</strong> back</p>' });
    const read = await p.connector().getTicket(ticket.id);
    expect(read).not.toBeNull();
    expect(read!.subject).toBe('Conformance: read back');
    expect(read!.description).toContain('me');
    expect(read!.type).toBe(p.sim.ticketType);
    expect(read!.requester?.id).toBe(await p.requesterId());
  });

  it('an update changes only the given fields', async () => {
    const { ticket } = await p.createTicket('Conformance: only what is given', { description: '<p>Keep this description</p>' });
    const before = (await p.connector().getTicket(ticket.id))!;
    const after = await p.connector().updateTicket(ticket.id, { subject: 'Conformance: only what is given (renamed)' });
    expect(after.subject).toBe('Conformance: only what is given (renamed)');
    const read = (await p.connector().getTicket(ticket.id))!;
    expect(read.subject).toBe('Conformance: only what is given (renamed)');
    expect(read.description).toBe(before.description);
    expect(read.fields).toEqual(before.fields);
    expect(read.requester?.id).toBe(before.requester?.id);

    const priority = (await definitions()).find((f) => f.role === 'priority');
    if (priority) {
      const other = priority.choices.find((c) => String(c.value) !== String(read.fields[priority.name]))!;
      const next = await p.connector().updateTicket(ticket.id, { fields: { [priority.name]: other.value } });
      expect(next.subject).toBe(read.subject);
      const changed = Object.keys(next.fields).filter((k) => JSON.stringify(next.fields[k]) !== JSON.stringify(read.fields[k]));
      expect(changed).toEqual([priority.name]);
    }
  });

  it('every status category the account offers can be written and read back (closure included)', async () => {
    const status = (await definitions()).find((f) => f.role === 'status')!;
    const { ticket } = await p.createTicket('Conformance: walk the statuses');
    const categoryOf = (v: FieldValue | undefined) => status.choices.find((c) => String(c.value) === String(v))?.category;
    // Closing last: a platform may not reopen; what the close needs besides the status (closeRequires) is given.
    const order = [...statusCategories.filter((c) => !closingCategories.includes(c)), ...closingCategories];
    const offered = order.filter((cat) => status.choices.some((c) => c.category === cat));
    expect(offered.some((c) => closingCategories.includes(c))).toBe(true);
    const extra = await closeFields(p.caps.status.closeRequires, await definitions());
    for (const cat of offered) {
      const choice = status.choices.find((c) => c.category === cat)!;
      const write = closingCategories.includes(cat) ? { ...extra, [status.name]: choice.value } : { [status.name]: choice.value };
      const updated = await p.connector().updateTicket(ticket.id, { fields: write });
      expect(categoryOf(updated.fields[status.name]), `category after writing ${String(choice.value)}`).toBe(cat);
      const read = await p.connector().getTicket(ticket.id);
      expect(categoryOf(read!.fields[status.name])).toBe(cat);
    }
  });

  it('a closed-immutable ticket refuses a write with a clear error, once', async (ctx) => {
    ctx.skip(!p.caps.status.closedIsImmutable, `${p.manifest.name} tickets stay writable when closed (capabilities.status.closedIsImmutable false)`);
    const status = (await definitions()).find((f) => f.role === 'status')!;
    const closed = status.choices.find((c) => c.category === 'closed')!;
    const { ticket } = await p.createTicket('Conformance: closed for good');
    await p
      .connector()
      .updateTicket(ticket.id, { fields: { ...(await closeFields(p.caps.status.closeRequires, await definitions())), [status.name]: closed.value } });
    await p.sim.clearRequestLog();
    const err = await platformError(p.connector().updateTicket(ticket.id, { subject: 'Conformance: after closing' }));
    expect(err.kind).toBe('validation');
    expect((await p.sim.requestLog()).filter((r) => r.method !== 'GET')).toHaveLength(1);
  });
});

/** Values for the fields a close needs besides the status (ServiceNow close_code and close_notes): a choice, else a text. */
async function closeFields(names: string[], fields: FieldDefinition[]): Promise<Record<string, FieldValue>> {
  const out: Record<string, FieldValue> = {};
  for (const name of names) {
    const f = fields.find((d) => d.name === name);
    out[name] = f && f.choices.length > 0 ? f.choices[0]!.value : 'Closed by the conformance suite';
  }
  return out;
}
