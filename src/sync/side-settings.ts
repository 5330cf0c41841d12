import type { SideSetting } from '../core/platform-manifest.ts';

/** A required per-side setting the run cannot decide: it names the setting and where to set it. */
export class SideSettingError extends Error {}

export type SettingChoices = (name: string) => Promise<Array<{ value: string; label: string }>>;

/**
 * The per-side settings a side's connector works with: the configured ones, plus every required setting
 * left out whose account offers exactly one value (zero configuration: one project, one board). A required
 * setting with no value and none or several choices fails with a message naming it. Returns null when the
 * configuration already held everything (nothing to add, the connector as built is right).
 */
export async function resolveSideSettings(
  settings: readonly SideSetting[],
  configured: Readonly<Record<string, string>> | undefined,
  choicesOf: SettingChoices | undefined,
  where: { organisationName: string; platformName: string },
): Promise<Record<string, string> | null> {
  const have = { ...(configured ?? {}) };
  let added = false;
  for (const s of settings) {
    if (!s.required || (have[s.name] ?? '').trim() !== '') continue;
    const choices = choicesOf ? await choicesOf(s.name) : [];
    const values = [...new Set(choices.map((c) => c.value))];
    if (values.length === 1) {
      have[s.name] = values[0]!;
      added = true;
      continue;
    }
    const why =
      values.length === 0
        ? `the ${where.platformName} account offers no ${s.label.toLowerCase()} to choose from`
        : `the ${where.platformName} account has ${values.length} (${choices
            .slice(0, 5)
            .map((c) => c.label)
            .join(', ')}${values.length > 5 ? ', …' : ''}) and none is chosen`;
    throw new SideSettingError(
      `${s.label} (${s.name}) is not set for ${where.organisationName}: ${why}. Choose one in the connection's Configuration (${where.organisationName}'s side, ${s.label}).`,
    );
  }
  return added ? have : null;
}
