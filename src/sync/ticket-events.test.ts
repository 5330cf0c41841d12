import { describe, expect, it } from 'vitest';
import type { RemoteTicket, TicketConnector } from '../core/connector.ts';
import { describeValues, TicketEventLog, tracedConnector, type EventSink } from './ticket-events.ts';

const ticket = (id: string): RemoteTicket => ({
  id, displayId: `INC-${id}`, type: 'Incident', subject: 'S', description: '', fields: {}, tags: [], requester: null,
  createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', attachments: [],
});

/** Just the calls the tests make; anything else would throw. */
const fake = {
  platform: 'fake',
  async getTicket(id: string) {
    return id === 'gone' ? null : ticket(id);
  },
  async createTicket() {
    return ticket('1043');
  },
  async updateTicket() {
    throw new Error('422 on PUT: status is not allowed');
  },
} as unknown as TicketConnector;

describe('ticket events', () => {
  it('calls made while a ticket is worked join the next step, with what came back; failures keep the error', async () => {
    const sink: EventSink = { current: null };
    const c = tracedConnector(fake, 'target', sink);
    expect(c.platform).toBe('fake');
    await c.getTicket('7'); // outside a ticket's pass: not recorded
    const log = new TicketEventLog('source', '42');
    sink.current = log;
    await c.getTicket('42');
    await c.getTicket('gone');
    log.add('read', 'Read #42');
    await c.createTicket({} as never);
    log.add('written', 'Created #1043');
    await expect(c.updateTicket('1043', {})).rejects.toThrow('422');
    log.add('failed', 'it failed');
    expect(log.events.map((e) => [e.kind, e.requests.map((r) => `${r.side} ${r.call} ${r.ref ?? ''} ${r.ok} ${r.result}`)])).toEqual([
      ['read', ['target getTicket #42 true found', 'target getTicket #gone true not found']],
      ['written', ['target createTicket  true created #1043']],
      ['failed', ['target updateTicket #1043 false 422 on PUT: status is not allowed']],
    ]);
    const b = log.batch('conn', 'run', 'failed')!;
    expect(b).toMatchObject({ connectionId: 'conn', runId: 'run', side: 'source', ticketId: '42', outcome: 'failed' });
  });

  it('calls after the last step are kept on it; a pass without steps stores nothing; a long pass is capped and says so', async () => {
    const sink: EventSink = { current: null };
    const c = tracedConnector(fake, 'source', sink);
    const quiet = new TicketEventLog('source', '1');
    sink.current = quiet;
    await c.getTicket('1');
    expect(quiet.batch('conn', 'run', null)).toBeNull();

    const failing = new TicketEventLog('source', '2');
    sink.current = failing;
    failing.add('failed', 'boom');
    await c.getTicket('2'); // e.g. the engine asking whether the platform is up, after the failure
    const f = failing.batch('conn', 'run', 'failed')!;
    expect(f.events.map((e) => [e.kind, e.requests.map((r) => r.call)])).toEqual([['failed', ['getTicket']]]);

    const long = new TicketEventLog('source', '3');
    for (let i = 0; i < 60; i++) long.add('comment_copied', `comment ${i}`);
    const b = long.batch('conn', 'run', 'updated')!;
    expect(b.events).toHaveLength(50);
    expect(b.events.at(-1)!.summary).toMatch(/^comment 49 \(10 more steps or calls not recorded\)$/);
  });

  it('mapped values are shown short, without markup', () => {
    expect(describeValues({ status: 4, subject: '<b>Printer</b>   on fire', group: null })).toBe('status = 4, subject = "Printer on fire", group = empty');
    expect(describeValues({ description: 'x'.repeat(100) })).toMatch(/^description = "x{39}…"$/);
    expect(describeValues({})).toBe('nothing');
  });
});
