#!/usr/bin/env node
// Command-line entry: `support-fusion start` runs the product; `support-fusion simulate freshservice ...`
// runs the Freshservice simulator used by tests, the demo and benchmarks.
const [command, ...rest] = process.argv.slice(2);

async function main(): Promise<void> {
  switch (command) {
    case undefined:
    case 'start': {
      const { runServer } = await import('./server/server.ts');
      await runServer();
      return;
    }
    case 'worker': {
      const { runWorker } = await import('./server/server.ts');
      await runWorker();
      return;
    }
    case 'demo': {
      const { runDemo } = await import('./demo.ts');
      await runDemo();
      return;
    }
    case 'simulate': {
      const [platform, ...args] = rest;
      if (platform !== 'freshservice') {
        throw new Error(`Unknown platform "${platform ?? ''}" for simulate. Use: support-fusion simulate freshservice --port 4010 --seed demo`);
      }
      const { runSimulatorCli } = await import('./simulator/freshservice/cli.ts');
      await runSimulatorCli(args);
      return;
    }
    default:
      throw new Error(`Unknown command "${command}". Commands: start, worker, demo, simulate freshservice`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
