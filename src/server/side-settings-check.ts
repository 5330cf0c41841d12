import type { TicketConnector } from '../core/connector.ts';
import { platformDefinition } from '../connectors/registry.ts';
import { withMaxWait } from '../connector-kit/rate-gate.ts';
import type { SideRecord } from '../db/repositories/connections.ts';
import { connectorFor, rateBudgetOf, sideCredentials, type SideConnectorContext } from '../sync/side-connector.ts';
import { ApiError } from './errors.ts';

/** A person waits for the save: a longer budget wait skips the check (the first run checks again). */
const MAX_BUDGET_WAIT_MS = 5_000;

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Before a side's configuration is saved: each per-side setting whose value changes (a project, an issue or
 * request type) must be one the side's account offers (`sideSettingChoices`, read with the settings as they
 * will be saved, so a type is looked up in the new project). A value it does not offer is a 400 naming the
 * setting, the value and what the account offers, and one it offers but marks unusable (a create would refuse
 * it) is a 400 with the connector's reason; nothing is saved. When the choices cannot be read (the
 * platform is unreachable, the budget is spent, new override credentials come with the save) the save goes
 * on as before: the first run resolves the settings again and names what is wrong.
 */
export async function checkSideSettingsOnSave(
  ctx: SideConnectorContext,
  input: { current: SideRecord; settings: Record<string, string> | undefined; overrideChanges: boolean },
): Promise<void> {
  const next = input.settings ?? {};
  const before = input.current.configuration.sideSettings ?? {};
  const changed = Object.entries(next).filter(([name, value]) => before[name] === undefined || !same(before[name]!, value));
  if (changed.length === 0 || input.overrideChanges) return;
  let connector: TicketConnector;
  let platform: string;
  try {
    const creds = await sideCredentials(ctx.db, ctx.masterKey, input.current.connectionId, input.current.side);
    if (!creds) return;
    platform = creds.platform;
    connector = await connectorFor(ctx, creds, { rateGate: withMaxWait(rateBudgetOf(ctx), MAX_BUDGET_WAIT_MS), sideSettings: next });
  } catch {
    return;
  }
  const choicesOf = connector.sideSettingChoices?.bind(connector);
  if (!choicesOf) return;
  const manifest = platformDefinition(platform)?.manifest ?? connector.manifest;
  // In the manifest's order: a project the account cannot see is said before the types looked up in it.
  const order = new Map(manifest.sideSettings.map((s, i) => [s.name, i]));
  changed.sort(([a], [b]) => (order.get(a) ?? 99) - (order.get(b) ?? 99));
  for (const [name, value] of changed) {
    const setting = manifest.sideSettings.find((s) => s.name === name);
    if (!setting) continue;
    let choices;
    try {
      choices = await choicesOf(name);
    } catch {
      return;
    }
    const match = choices.find((c) => same(c.value, value) || same(c.label, value));
    if (match?.unusable)
      throw new ApiError(
        400,
        'validation_failed',
        `${setting.label} "${value.trim()}" cannot be used (setting ${setting.label}): ${match.unusable} Nothing was saved.`,
        {
          field: `configuration.sideSettings.${name}`,
        },
      );
    if (match) continue;
    const offered = choices.length
      ? `It can choose ${choices
          .slice(0, 10)
          .map((c) => (c.label.includes(c.value) ? c.label : `${c.value} (${c.label})`))
          .join(', ')}${choices.length > 10 ? ', …' : ''}.`
      : `It has no ${setting.label.toLowerCase()} to choose from here.`;
    throw new ApiError(
      400,
      'validation_failed',
      `${setting.label} "${value.trim()}" is not one the ${manifest.name} account can see or use (setting ${setting.label}). ${offered} Fix the value, or give the integration account access to it; nothing was saved.`,
      { field: `configuration.sideSettings.${name}` },
    );
  }
}
