/**
 * Checklist 3 and 10, deletions: a ticket deleted on the platform reads as gone (the engine then keeps its copy
 * and says so), and where the platform's webhooks report deletions the receiver says which ticket was deleted,
 * from the platform's real call; any other call reports none. (Deletions in the change feed: change-feed.test.ts.)
 */
import { expect, it } from 'vitest';
import { forEachPlatform } from './suite.ts';

forEachPlatform('deletions', (p) => {
  it('a ticket deleted by a person reads as gone (null), not as an error', async (ctx) => {
    ctx.skip(!p.sim.deleteTicket && !p.sim.deletionWebhookCall, `the ${p.manifest.name} simulator cannot delete tickets`);
    const [id] = (await p.sim.seedTickets([{ subject: 'Deletions: read after delete' }])) as [string];
    expect(await p.connector().getTicket(id)).not.toBeNull();
    if (p.sim.deleteTicket) await p.sim.deleteTicket(id);
    else await p.sim.deletionWebhookCall!(id);
    expect(await p.connector().getTicket(id)).toBeNull();
  });

  it('the webhook call for a deleted ticket is verified and reports that ticket deleted', async (ctx) => {
    ctx.skip(!p.def.webhook, `${p.manifest.name} has no webhook receiver yet (its PlatformDefinition.webhook is null)`);
    ctx.skip(!p.sim.deletionWebhookCall, `${p.manifest.name}'s webhooks do not report deletions (or its harness cannot send such a call)`);
    const [id] = (await p.sim.seedTickets([{ subject: 'Deletions: webhook' }])) as [string];
    const call = await p.sim.deletionWebhookCall!(id);
    expect(p.def.webhook!.verify(call.hook, call.secret)).toBe(true);
    expect(p.def.webhook!.read(call.hook)).toEqual({ ok: true, ticketIds: [id], deleted: [id] });
    expect(await p.connector().getTicket(id)).toBeNull();
  });

  it('a webhook call about a change reports no deletion', async (ctx) => {
    ctx.skip(!p.def.webhook || !p.sim.webhookCall, `${p.manifest.name} has no webhook receiver, or its harness cannot produce a call`);
    const [id] = (await p.sim.seedTickets([{ subject: 'Deletions: a change only' }])) as [string];
    const reading = p.def.webhook!.read((await p.sim.webhookCall!(id)).hook);
    expect(reading.ok).toBe(true);
    if (reading.ok) expect(reading.deleted ?? []).toEqual([]);
  });
});
