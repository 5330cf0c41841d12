/** Checklist 10: the webhook receiver accepts the platform's real call, refuses a tampered one, and reads the ticket from it. */
import { expect, it } from 'vitest';
import type { InboundHook } from '../../src/connectors/platform-definition.ts';
import { forEachPlatform } from './suite.ts';

forEachPlatform('webhooks', (p) => {
  /** Why this platform's webhook tests cannot run, or null. */
  const missing = () =>
    !p.def.webhook
      ? `${p.manifest.name} has no webhook receiver yet (its PlatformDefinition.webhook is null)`
      : !p.sim.webhookCall
        ? `the ${p.manifest.name} harness cannot produce a webhook call`
        : null;

  it('a real call is accepted and names its ticket', async (ctx) => {
    const why = missing();
    ctx.skip(why !== null, why ?? '');
    const { ticket } = await p.createTicket('Conformance: webhook');
    const call = await p.sim.webhookCall!(ticket.id);
    expect(p.def.webhook!.verify(call.hook, call.secret)).toBe(true);
    expect(p.def.webhook!.read(call.hook)).toEqual({ ok: true, ticketIds: [ticket.id] });
  });

  it('a tampered body or a wrong secret is refused', async (ctx) => {
    const why = missing();
    ctx.skip(why !== null, why ?? '');
    const { ticket } = await p.createTicket('Conformance: webhook tampered');
    const call = await p.sim.webhookCall!(ticket.id);
    ctx.skip(call.secret === null, `${p.manifest.name} does not sign its webhook calls: the URL's secret token is the proof`);
    const raw = call.hook.rawBody.toString('utf8');
    const changed = raw.includes(ticket.id) ? raw.replace(ticket.id, `${ticket.id}9`) : `${raw} `;
    const tampered: InboundHook = { ...call.hook, rawBody: Buffer.from(changed, 'utf8'), json: safeJson(changed) };
    expect(p.def.webhook!.verify(tampered, call.secret)).toBe(false);
    expect(p.def.webhook!.verify(call.hook, `${call.secret!}x`)).toBe(false);
  });

  it('a call that names no ticket is read as such, with a message saying what to fix', async (ctx) => {
    const why = missing();
    ctx.skip(why !== null, why ?? '');
    const hook: InboundHook = { headers: { 'content-type': 'application/json' }, rawBody: Buffer.from('{}'), json: {} };
    const reading = p.def.webhook!.read(hook);
    expect(reading.ok).toBe(false);
    if (!reading.ok) expect(reading.message.length).toBeGreaterThan(10);
    const notJson: InboundHook = { headers: { 'content-type': 'text/plain' }, rawBody: Buffer.from('ticket please'), json: undefined };
    expect(p.def.webhook!.read(notJson).ok).toBe(false);
  });
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
