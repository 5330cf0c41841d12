import { startFreshserviceSimulator, type FreshserviceSimulator } from './index.ts';
import type { Plan } from './rate-limit.ts';
import type { SeedName } from './seed.ts';

const accountNames = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'wonka'];

interface CliOptions {
  port: number;
  seed: SeedName;
  name: string | null;
  plan: Plan;
  accounts: number;
}

export function parseSimulatorArgs(args: string[]): CliOptions {
  const opts: CliOptions = { port: 4010, seed: 'demo', name: null, plan: 'pro', accounts: 1 };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const [key, inline] = flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`Missing value for ${key}`);
      return v;
    };
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
        if (!/^\d+$/.test(v) || n < 1 || n > accountNames.length) throw new Error(`Invalid --accounts "${v}": expected 1-${accountNames.length}`);
        opts.accounts = n;
        break;
      }
      default:
        throw new Error(`Unknown flag ${key}. Flags: --port N --seed demo|empty --name acme --plan pro --accounts N`);
    }
  }
  return opts;
}

/** `support-fusion simulate freshservice ...`: runs N simulated accounts until SIGINT/SIGTERM. */
export async function runSimulatorCli(args: string[]): Promise<void> {
  const opts = parseSimulatorArgs(args);
  const names = opts.name ? [opts.name, ...accountNames.filter((n) => n !== opts.name)] : accountNames;
  const sims: FreshserviceSimulator[] = [];
  try {
    for (let i = 0; i < opts.accounts; i++) {
      sims.push(await startFreshserviceSimulator({ port: opts.port === 0 ? 0 : opts.port + i, name: names[i]!, seed: opts.seed, plan: opts.plan }));
    }
  } catch (err) {
    await Promise.all(sims.map((s) => s.close()));
    throw err;
  }
  for (const sim of sims) {
    const lines = [`Freshservice simulator "${sim.name}" (${opts.seed} seed, ${opts.plan} plan)`, `  API URL: ${sim.url}   (resources under ${sim.url}/api/v2/...)`, '  API keys:'];
    const width = Math.max(...sim.agents.map((a) => a.profile.length));
    for (const a of sim.agents) lines.push(`    ${a.profile.padEnd(width)}  ${a.apiKey}  ${a.description}`);
    lines.push(`  Controls: ${sim.url}/_sim/requests, ${sim.url}/_sim/faults, ${sim.url}/_sim/agents`);
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
