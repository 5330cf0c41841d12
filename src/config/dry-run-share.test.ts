import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.ts';

describe('SF_DRY_RUN_BUDGET_SHARE', () => {
  it.each([
    [undefined, 0.2],
    ['0.2', 0.2],
    ['0.05', 0.05],
    ['1', 1],
  ])('%s → %s', (value, expected) => {
    expect(loadConfig(value === undefined ? {} : { SF_DRY_RUN_BUDGET_SHARE: value }).dryRunBudgetShare).toBe(expected);
  });

  it.each(['0', '-0.1', '1.5', 'twenty', '20%'])('%j is refused with what to set', (value) => {
    let err: unknown;
    try {
      loadConfig({ SF_DRY_RUN_BUDGET_SHARE: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/SF_DRY_RUN_BUDGET_SHARE/);
    expect((err as Error).message).toMatch(/above 0 and at most 1 \(default 0\.2\)/);
  });
});
