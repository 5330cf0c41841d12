import { describe, expect, it } from 'vitest';
import type { RemoteTicket, TicketConnector } from '../core/connector.ts';
import { describeValues, recordedSubject, TicketEventLog, tracedConnector, type EventSink } from './ticket-events.ts';

const ticket = (id: string): RemoteTicket => ({
  id,
  displayId: `INC-${id}`,
  type: 'Incident',
  subject: 'S',
  description: '',
  fields: {},
  tags: [],
  requester: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  attachments: [],
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

  it("with the receiving side's labels: Status: Pending, picklists by display name, unknown values as they are", () => {
    const text = { labels: { status: 'Status', priority: 'Priority', group: 'Group' }, choiceLabels: { status: { '3': 'Pending' }, priority: { '1': 'Low' } } };
    expect(describeValues({ status: 3, priority: 1, group: 99, type: 'Incident', subject: 'Printer', custom_x: null }, text)).toBe(
      'Status: Pending, Priority: Low, Group: 99, Type: "Incident", Subject: "Printer", custom_x: empty',
    );
  });

  it.each([
    ['Printer on fire', 'Printer on fire'],
    ['<b>Printer</b>\n on   fire', '<b>Printer</b> on fire'],
    ['   ', null],
    [undefined, null],
    ['x'.repeat(500), `${'x'.repeat(199)}…`],
  ])('a recorded subject is plain, on one line and clipped: %j → %j', (input, expected) => {
    expect(recordedSubject(input as string | undefined)).toBe(expected);
  });

  it("the worked ticket's own read gives the pass its subject; reads of other tickets (its copy, another side) do not", async () => {
    const sink: EventSink = { current: null };
    const log = new TicketEventLog('source', '42');
    sink.current = log;
    await tracedConnector(fake, 'target', sink).getTicket('42'); // same id, other side: its copy's number space
    await tracedConnector(fake, 'source', sink).getTicket('7');
    expect(log.subject).toBeNull();
    await tracedConnector(fake, 'source', sink).getTicket('42');
    expect(log.subject).toBe('S');
    await tracedConnector(fake, 'source', sink).getTicket('gone');
    log.add('read', 'Read #42');
    expect(log.batch('c', 'r', 'updated')!.subject).toBe('S');
  });
});
