import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountScenarioArb, runAccountModel, type AccountOp } from './lib/account-model.ts';
import { pairName, parsePlatformPairs, type PlatformPair } from './lib/accounts.ts';
import { configArb, runModel, scenarioArb, type ModelConfig, type ModelRunResult, type Op } from './lib/model.ts';
import { recordResult } from './lib/results.ts';
import { envInt } from './lib/rng.ts';
import { createTemplate, type WorldTemplate } from './lib/world.ts';

/**
 * Randomized model test (fast-check): random sequences of ticket work on both accounts (create, edit
 * subject / status / priority / custom fields, public reply, private note, file, resolve, close, reopen,
 * move out of the filter scope) interleaved with sync runs, webhook hints and crashes; after quiescence:
 * convergence per mapping direction (last edit wins on bidirectional fields), no duplicates, no private
 * note on the other side unless its side allows it, nothing lost, and a final run writes nothing.
 *
 * A failure prints its seed and path; replay exactly that case with
 *   RELIABILITY_MODEL_SEED=<seed> RELIABILITY_MODEL_PATH=<path> npm run test:reliability -- model
 * and add RELIABILITY_SHRINK=1 to let fast-check shrink it to a minimal sequence (slow: each try is a run).
 *
 * RELIABILITY_PLATFORMS adds pairs of other platforms (each its own test, RELIABILITY_MODEL_RUNS scenarios);
 * a mixed pair runs lib/account-model.ts (the work every platform has: tickets, subjects, public and
 * internal comments, files) with the same runs, hints and crashes.
 */
const RUNS = envInt('RELIABILITY_MODEL_RUNS', 25);
const MAX_OPS = envInt('RELIABILITY_MODEL_OPS', 40);
const SEED = envInt('RELIABILITY_MODEL_SEED', envInt('RELIABILITY_SEED', 20_261_129) + 2);
const PATH = process.env.RELIABILITY_MODEL_PATH;
const SHRINK = process.env.RELIABILITY_SHRINK === '1';
/** `1`: every scenario runs even after one failed (no shrinking), so the summary counts them all. */
const ALL = process.env.RELIABILITY_MODEL_ALL === '1';

const PAIRS = parsePlatformPairs();
const isDefault = (p: PlatformPair) => p.source === 'freshservice' && p.target === 'freshservice';

const templates = new Map<string, WorldTemplate>();
beforeAll(async () => {
  for (const p of PAIRS) templates.set(pairName(p), await createTemplate({ timeoutMs: 1_500, platforms: p }));
});
afterAll(async () => {
  for (const t of templates.values()) await t.close();
});

describe('randomized model test', () => {
  it.each(PAIRS.map((p) => [pairName(p), p] as const))(
    `%s: ${PATH ? 'replay' : `${RUNS} random scenarios of up to ${MAX_OPS} steps`} (seed ${SEED})`,
    async (name, pair) => {
      const template = templates.get(name)!;
      const scenarios: fc.Arbitrary<Op[] | AccountOp[]> = isDefault(pair) ? scenarioArb(MAX_OPS) : accountScenarioArb(MAX_OPS);
      const runOne = (config: ModelConfig, ops: Op[] | AccountOp[], log: (l: string) => void): Promise<ModelRunResult> =>
        isDefault(pair) ? runModel(template, config, ops as Op[], log) : runAccountModel(template, config, ops as AccountOp[], log);
      const started = Date.now();
      const totals = { runs: 0, crashes: 0, duplicates: 0, lost: 0, leaks: 0, echo: 0, problems: 0, ops: 0, syncs: 0, hints: 0 };
      let lastFailure = '';
      const failedPaths: string[] = [];
      const property = fc.asyncProperty(configArb, scenarios, async (config: ModelConfig, ops: Op[] | AccountOp[]) => {
        const lines: string[] = [];
        const t0 = Date.now();
        const r = await runOne(config, ops, (l) => lines.push(`${String(Date.now() - t0).padStart(6)} ms  ${l}`));
        totals.runs++;
        totals.crashes += r.stats.crashes;
        totals.ops += r.stats.ops;
        totals.syncs += r.stats.syncs;
        totals.hints += r.stats.hints;
        totals.duplicates += r.report.counts.duplicate;
        totals.lost += r.report.counts.lost;
        totals.leaks += r.report.counts.leak;
        totals.echo += r.report.counts.echo + r.echoWrites;
        totals.problems += r.problems.length;
        const bad = r.report.violations.length + r.echoWrites + r.problems.length;
        console.log(
          `[model ${name}] scenario ${totals.runs}: ${r.stats.ops} steps, ${r.stats.syncs} runs, ${r.stats.crashes} crashes; ${bad === 0 ? 'OK' : 'FAILED'} (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
        );
        if (bad > 0) {
          lastFailure = [
            `config: ${JSON.stringify(config)}`,
            ...lines,
            ...r.problems.map((p) => `problem: ${p}`),
            ...r.report.violations.map((v) => `${v.kind}: ${v.detail}`),
            ...(r.echoWrites ? [`echo: the final run wrote ${r.echoWrites} time(s)`] : []),
          ].join('\n');
          // fast-check numbers the generated scenarios from 0: that index is the replay path.
          if (ALL) {
            failedPaths.push(String(totals.runs - 1));
            console.log(`[model ${name}] scenario ${totals.runs} (path ${totals.runs - 1}):\n${lastFailure}`);
          }
        }
        return ALL || bad === 0;
      });
      const details = await fc.check(property, {
        numRuns: RUNS,
        seed: SEED,
        ...(PATH ? { path: PATH } : {}),
        endOnFailure: !SHRINK,
      });
      const opsPerRun = totals.runs ? Math.round(totals.ops / totals.runs) : 0;
      console.log(
        `[model ${name}] ${totals.runs} scenario(s), ${totals.ops} steps (≈${opsPerRun} each), ${totals.syncs} runs, ${totals.crashes} crashes, ${totals.hints} webhook hints`,
      );
      recordResult({
        suite: `model (fast-check${isDefault(pair) ? '' : `, ${name}`})`,
        trials: totals.runs,
        faultsInjected: totals.crashes,
        duplicates: totals.duplicates,
        lost: totals.lost,
        leaks: totals.leaks,
        echoWrites: totals.echo,
        problems: totals.problems,
        ms: Date.now() - started,
        notes: `seed ${SEED}, ${totals.ops} steps, ${totals.syncs} sync runs, ${totals.hints} webhook hints`,
      });
      if (ALL && failedPaths.length > 0)
        expect.fail(
          `model test: ${failedPaths.length} of ${totals.runs} scenarios failed (paths ${failedPaths.join(', ')}); replay one: RELIABILITY_PLATFORMS=${name} RELIABILITY_MODEL_SEED=${SEED} RELIABILITY_MODEL_PATH=<path> npm run test:reliability -- model`,
        );
      if (details.failed) {
        const replay = `RELIABILITY_PLATFORMS=${name} RELIABILITY_MODEL_SEED=${details.seed} RELIABILITY_MODEL_PATH=${details.counterexamplePath} npm run test:reliability -- model`;
        const message =
          `model test failed (seed ${details.seed}, path ${details.counterexamplePath}); replay: ${replay}\n` +
          `${details.errorInstance ? `error: ${String(details.errorInstance)}\n` : ''}counterexample: ${fc.stringify(details.counterexample)}\n${lastFailure}`;
        console.log(message);
        expect.fail(message);
      }
    },
  );
});
