import { startFreshserviceSimulator, type FreshserviceSimulator } from './index.ts';
import { planLimits, type Plan } from './rate-limit.ts';
import type { SeedName } from './seed.ts';

const accountNames = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'wonka'];

/** Accounts beyond the named ones (benchmarks run hundreds): `account-9`, `account-10`, ... */
const MAX_ACCOUNTS = 1000;
const accountName = (i: number) => accountNames[i] ?? `account-${i + 1}`;

interface CliOptions {
  port: number;
  seed: SeedName;
  name: string | null;
  plan: Plan;
  accounts: number;
  /** off: no 429s, and X-RateLimit-Total reports a limit no client reaches (benchmarks without a rate bound). */
  rateLimit: 'on' | 'off';
  /** Added latency on every API request (also settable at run time through PUT /_sim/faults). */
  latencyMs: number;
  /** One line per account (`SIM <name> <url> <admin key>`) instead of the key table: for scripts. */
  quiet: boolean;
  /** IT field required for agents and Resolution code for closure, as an admin may set them (mandatory-fields.ts). */
  mandatoryFields: boolean;
}

/** Effectively unlimited: every op's sub-limit and the overall pool far beyond any benchmark. */
const UNLIMITED = 1_000_000_000;

export function parseSimulatorArgs(args: string[]): CliOptions {
  const opts: CliOptions = {
    port: 4010,
    seed: 'demo',
    name: null,
    plan: 'pro',
    accounts: 1,
    rateLimit: 'on',
    latencyMs: 0,
    quiet: false,
    mandatoryFields: false,
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const [key, inline] = flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`Missing value for ${key}`);
      return v;
    };
    if (key === '--quiet') {
      opts.quiet = true;
      continue;
    }
    if (key === '--mandatory-fields') {
      opts.mandatoryFields = true;
      continue;
    }
    switch (key) {
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n < 0 || n > 65535) throw new Error(`Invalid --port "${v}": expected a number 0-65535`);
        opts.port = n;
        break;
      }
      case '--seed': {
        const v = value();
        if (v !== 'demo' && v !== 'empty') throw new Error(`Invalid --seed "${v}": expected demo or empty`);
        opts.seed = v;
        break;
      }
      case '--name': {
        const v = value();
        if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(v)) throw new Error(`Invalid --name "${v}": use lower-case letters, digits and dashes`);
        opts.name = v;
        break;
      }
      case '--plan': {
        const v = value();
        if (!['starter', 'growth', 'pro', 'enterprise'].includes(v)) throw new Error(`Invalid --plan "${v}": expected starter, growth, pro or enterprise`);
        opts.plan = v as Plan;
        break;
      }
      case '--accounts': {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n < 1 || n > MAX_ACCOUNTS) throw new Error(`Invalid --accounts "${v}": expected 1-${MAX_ACCOUNTS}`);
        opts.accounts = n;
        break;
      }
      case '--rate-limit': {
        const v = value();
        if (v !== 'on' && v !== 'off') throw new Error(`Invalid --rate-limit "${v}": expected on or off`);
        opts.rateLimit = v;
        break;
      }
      case '--latency': {
        const v = value();
        if (!/^\d+$/.test(v) || Number(v) > 60_000) throw new Error(`Invalid --latency "${v}": expected milliseconds 0-60000`);
        opts.latencyMs = Number(v);
        break;
      }
      default:
        throw new Error(
          `Unknown flag ${key}. Flags: --port N --seed demo|empty --name acme --plan pro --accounts N --rate-limit on|off --latency MS --quiet --mandatory-fields`,
        );
    }
  }
  return opts;
}

/** `support-fusion simulate freshservice ...`: runs N simulated accounts until SIGINT/SIGTERM. */
export async function runSimulatorCli(args: string[]): Promise<void> {
  const opts = parseSimulatorArgs(args);
  const all = Array.from({ length: opts.accounts + 1 }, (_, i) => accountName(i));
  const names = opts.name ? [opts.name, ...all.filter((n) => n !== opts.name)] : all;
  const rateLimit =
    opts.rateLimit === 'off'
      ? {
          overall: UNLIMITED,
          subLimits: Object.fromEntries(
            Object.keys(planLimits[opts.plan])
              .filter((k) => k !== 'overall')
              .map((k) => [k, UNLIMITED]),
          ),
        }
      : undefined;
  const sims: FreshserviceSimulator[] = [];
  try {
    for (let i = 0; i < opts.accounts; i++) {
      const sim = await startFreshserviceSimulator({
        port: opts.port === 0 ? 0 : opts.port + i,
        name: names[i]!,
        seed: opts.seed,
        plan: opts.plan,
        ...(rateLimit ? { rateLimit } : {}),
        ...(opts.mandatoryFields ? { mandatoryFields: true } : {}),
      });
      if (opts.latencyMs > 0) sim.faults.set({ latencyMs: opts.latencyMs });
      sims.push(sim);
    }
  } catch (err) {
    await Promise.all(sims.map((s) => s.close()));
    throw err;
  }
  for (const sim of sims) {
    if (opts.quiet) {
      console.log(`SIM ${sim.name} ${sim.url} ${sim.keyFor('admin')}`);
      continue;
    }
    const limits = opts.rateLimit === 'off' ? 'no rate limit' : `${opts.plan} plan`;
    const lines = [
      `Freshservice simulator "${sim.name}" (${opts.seed} seed, ${limits}${opts.latencyMs > 0 ? `, ${opts.latencyMs} ms latency` : ''})`,
      `  API URL: ${sim.url}   (resources under ${sim.url}/api/v2/...)`,
      '  API keys:',
    ];
    const width = Math.max(...sim.agents.map((a) => a.profile.length));
    for (const a of sim.agents) lines.push(`    ${a.profile.padEnd(width)}  ${a.apiKey}  ${a.description}`);
    lines.push(
      `  Controls: ${sim.url}/_sim/requests, ${sim.url}/_sim/request-summary, ${sim.url}/_sim/faults, ${sim.url}/_sim/agents, ${sim.url}/_sim/seed-bulk, ${sim.url}/_sim/mandatory-fields`,
    );
    console.log(lines.join('\n') + '\n');
  }
  console.log('Press Ctrl+C to stop.');
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await Promise.all(sims.map((s) => s.close()));
}
