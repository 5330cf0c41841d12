/**
 * Between Freshservice (source) and Jira Service Management (target): GET /fields names each side's platform,
 * so the Mappings page can tell (with the engine's own rule, src/core/mapping-effects.ts) that the default
 * status pairs are mapped by meaning; an edited row saved from there is stored, and the next run applies it
 * instead of the meaning.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldDefinition, TicketConnector } from '../../src/core/connector.ts';
import { requirePlatform } from '../../src/connectors/registry.ts';
import { mappingEffects, overrideByMeaning } from '../../src/core/mapping-effects.ts';
import type { TypeMapping } from '../../src/core/sync-config.ts';
import type { SimHandle } from '../conformance/harness.ts';
import { expectJson as json, startPlatformPair, type PlatformPair } from '../helpers/platform-pair.ts';
import type { TestStack } from '../helpers/stack.ts';

describe('Mappings between Freshservice and Jira Service Management', () => {
  let pair: PlatformPair;
  let stack: TestStack;
  const sims = {} as Record<'source' | 'target', SimHandle>;
  const auth = {} as Record<'source' | 'target', Record<string, string>>;
  let connectionId = '';
  let jira: TicketConnector;
  const platforms = { source: 'freshservice', target: 'jira_service_management' } as const;

  beforeAll(async () => {
    pair = await startPlatformPair(platforms, { contractName: 'By meaning', listen: false });
    ({ stack, connectionId } = pair);
    Object.assign(sims, pair.sims);
    Object.assign(auth, pair.auth);
    jira = requirePlatform(platforms.target).createConnector(sims.target.credentials('admin'), { timeoutMs: 5000, sideSettings: sims.target.sideSettings });
    // Two simulators and the app start together: on a loaded machine that takes longer than the default hook time.
  }, 120_000);

  afterAll(async () => {
    await pair?.close();
  });

  const fields = () => json(stack.app.inject({ url: `/api/v1/connections/${connectionId}/fields`, headers: auth.source }), 200);

  it("names each side's platform, read from the platform and from the cache alike", async () => {
    const first = await fields();
    expect([first.source.platform, first.target.platform]).toEqual([platforms.source, platforms.target]);
    const cached = await json(stack.app.inject({ url: `/api/v1/connections/${connectionId}/fields?side=target`, headers: auth.target }), 200);
    expect(cached.target.platform).toBe(platforms.target);
    expect(cached.target.fetchedAt).toBe(first.target.fetchedAt);
  });

  it('an edited status row, saved, is what the next run writes instead of the meaning', async () => {
    const served = await fields();
    const defs = { source: served.source.fields as FieldDefinition[], target: served.target.fields as FieldDefinition[] };
    const { mappings } = await json(stack.app.inject({ url: `/api/v1/connections/${connectionId}/mappings`, headers: auth.source }), 200);
    const incident = mappings.types.Incident as TypeMapping;
    const at = incident.fields.findIndex((m) => m.sourceField === 'status');
    const effect = mappingEffects(incident, defs, served.source.platform === served.target.platform)[at]!;
    if (effect.kind !== 'by_meaning') throw new Error(`status is ${effect.kind}, not mapped by meaning`);

    // Freshservice's Open goes by meaning to an open Jira status; the user overrides it with a pending one.
    const jiraStatus = defs.target.find((f) => f.role === 'status')!;
    const open = 2;
    const byMeaning = effect.mappings[0]!.values.find((p) => p.source === open)!.target;
    const pending = jiraStatus.choices.find((c) => c.category === 'pending')!.value;
    expect(jiraStatus.choices.find((c) => c.value === byMeaning)?.category).toBe('open');
    const forward = effect.mappings[0]!.values.map((p) => (p.source === open ? { ...p, target: pending } : p));
    const fieldsAfter = [...incident.fields.slice(0, at), ...overrideByMeaning(effect.mappings, 0, forward), ...incident.fields.slice(at + 1)];
    const document = { types: { ...mappings.types, Incident: { ...incident, fields: fieldsAfter } } };

    // Writing into Jira waits for the Jira organisation's admin (202 with the proposal), who approves it.
    const saved = await json(
      stack.app.inject({ method: 'PUT', url: `/api/v1/connections/${connectionId}/mappings`, headers: auth.source, payload: { mappings: document } }),
      202,
    );
    await json(
      stack.app.inject({
        method: 'POST',
        url: `/api/v1/connections/${connectionId}/change-proposals/${saved.proposal.id}/approve`,
        headers: auth[saved.proposal.awaiting.side as 'source' | 'target'],
      }),
      200,
    );
    const stored = await json(stack.app.inject({ url: `/api/v1/connections/${connectionId}/mappings`, headers: auth.source }), 200);
    expect(stored.mappings.types.Incident.fields).toEqual(fieldsAfter);
    expect(mappingEffects(stored.mappings.types.Incident, defs, false)[at]!.kind).toBe('as_saved');

    const since = new Date(Date.now() - 1000).toISOString();
    const [ticket] = await sims.source.seedTickets([{ subject: 'Override me' }]);
    const started = await json(
      stack.app.inject({ method: 'POST', url: `/api/v1/connections/${connectionId}/sync-runs`, headers: auth.source, payload: { since } }),
      202,
    );
    await (stack.jobs as typeof stack.jobs & { idle?: () => Promise<void> }).idle?.();
    const details = await json(stack.app.inject({ url: `/api/v1/sync-runs/${started.id}/details`, headers: auth.source }), 200);
    const mine = ((details.details ?? details.items ?? []) as Array<Record<string, any>>).find((d) => d.sourceTicketId === ticket);
    expect(mine?.outcome, JSON.stringify(details)).toBe('created');
    const copy = await jira.getTicket(mine!.targetTicketId);
    expect(String(copy?.fields.status)).toBe(String(pending));
  });
});
