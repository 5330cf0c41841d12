#!/usr/bin/env node
// Command-line entry (`support-fusion`, bin/support-fusion.mjs): `serve`/`start` runs the product,
// `worker` a sync worker, and the one-shot admin commands below; `simulate <platform> ...` runs a
// platform simulator (src/simulator/index.ts) used by tests, the demo and benchmarks. Exit codes: 0 ok, 1 failure, 2 usage.
import { CommandFailed, EXIT, parseCommandArgs, UsageError, type CommandSpec } from './cli/common.ts';

const [command, ...rest] = process.argv.slice(2);

const serve: CommandSpec = {
  name: 'serve',
  summary: 'run the web app (and, unless SF_ROLE=web, the sync workers and scheduler)',
  usage: 'support-fusion serve',
  help: `Runs Support Fusion: HTTP API and UI on SF_HOST:SF_PORT, plus the sync workers and scheduler unless
SF_ROLE=web. Migrates the database first. \`start\` is the same command. Configuration: environment
variables (docs/configuration.md). SIGTERM/SIGINT: stops within SF_SHUTDOWN_TIMEOUT_SECONDS.

Exit codes: 0 stopped by a signal, 1 failed to start, 2 bad configuration.`,
  async run() {
    const { runServer } = await import('./server/server.ts');
    await runServer();
    return -1; // keeps running
  },
};

const COMMANDS: CommandSpec[] = [
  serve,
  { ...serve, name: 'start', summary: 'same as serve' },
  {
    name: 'worker',
    summary: 'run a sync worker (no web app; needs DATABASE_URL)',
    usage: 'support-fusion worker',
    help: `Works sync jobs from the shared queue in PostgreSQL (DATABASE_URL); run as many as you like. No web
app: with SF_METRICS_PORT set it serves /metrics, /api/v1/health and /api/v1/health/ready on that port.
SIGTERM/SIGINT: takes no new jobs, lets jobs in progress finish, releases the rest to other workers
after a share of SF_SHUTDOWN_TIMEOUT_SECONDS, and exits 0.

Exit codes: 0 stopped by a signal, 1 failed to start, 2 bad configuration (e.g. no DATABASE_URL).`,
    async run() {
      const { runWorker } = await import('./server/server.ts');
      await runWorker();
      return -1;
    },
  },
  {
    name: 'demo',
    summary: 'two simulated platform accounts, two organisations, already connected',
    usage: 'support-fusion demo',
    help: 'Starts two platform simulators and Support Fusion with two organisations already connected (see README).',
    async run() {
      const { runDemo } = await import('./simulator/demo.ts');
      await runDemo();
      return -1;
    },
  },
  {
    name: 'simulate',
    summary: 'run a platform API simulator',
    usage: 'support-fusion simulate <platform> [--port N] [--seed demo|empty] [...]',
    // The platforms and their flags come from the simulator registry when help is printed.
    help: 'Runs a platform API simulator. Platforms and their flags:',
    positionals: [1, 1],
    async run() {
      return -2; // handled below: its flags are its own
    },
  },
];

async function loadAdminCommands(): Promise<CommandSpec[]> {
  const admin = await import('./cli/admin.ts');
  const { rotateSecretKeyCommand } = await import('./cli/rotate-key.ts');
  const { exportCommand, importCommand } = await import('./cli/export-import.ts');
  return [
    admin.migrateCommand,
    admin.syncCommand,
    admin.connectionsListCommand,
    admin.usersCreateCommand,
    admin.usersResetPasswordCommand,
    rotateSecretKeyCommand,
    exportCommand,
    importCommand,
  ];
}

function overview(all: CommandSpec[]): string {
  const width = Math.max(...all.map((c) => c.name.length));
  return [
    'Usage: support-fusion <command> [options]     (support-fusion <command> --help for details)',
    '',
    'Commands:',
    ...all.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'support-fusion --version prints the version. Configuration comes from environment variables: docs/configuration.md. Exit codes: 0 ok, 1 failure, 2 usage error.',
  ].join('\n');
}

async function main(): Promise<number> {
  const all = [...COMMANDS, ...(await loadAdminCommands())];
  if (command === undefined) return serve.run({ values: {}, positionals: [] }) as Promise<number>;
  if (command === '--version' || command === '-v' || command === 'version') {
    const { VERSION } = await import('./version.ts');
    console.log(VERSION);
    return EXIT.ok;
  }
  if (command === 'help' || command === '--help' || command === '-h') {
    console.log(overview(all));
    return EXIT.ok;
  }
  // Two-word commands: `connections list`, `users create`.
  const twoWords = rest[0] !== undefined ? all.find((c) => c.name === `${command} ${rest[0]}`) : undefined;
  const spec = twoWords ?? all.find((c) => c.name === command);
  const args = twoWords ? rest.slice(1) : rest;
  if (!spec) {
    const group = all.filter((c) => c.name.startsWith(`${command} `));
    if (group.length > 0 && (args.length === 0 || args[0] === '--help' || args[0] === '-h')) {
      const text = `Commands:\n${group.map((c) => `  ${c.usage}\n      ${c.summary}`).join('\n')}`;
      if (args.length === 0) console.error(text);
      else console.log(text);
      return args.length === 0 ? EXIT.usage : EXIT.ok;
    }
    throw new UsageError(
      group.length > 0 ? `unknown command "${command} ${rest[0]}"; try: ${group.map((c) => c.name).join(', ')}` : `unknown command "${command}"`,
    );
  }
  if (spec.name === 'simulate') {
    const simulators = await import('./simulator/index.ts');
    if (args[0] === '--help' || args[0] === '-h' || args.length === 0) {
      const usages = simulators.simulatedPlatforms.map((p) => `  ${simulators.simulatorUsage(p)}`).join('\n');
      if (args.length === 0) console.error(`Usage: ${spec.usage}`);
      else console.log(`Usage: ${spec.usage}\n\n${spec.help}\n${usages}`);
      return args.length === 0 ? EXIT.usage : EXIT.ok;
    }
    const [platform, ...simArgs] = args;
    if (!platform || !simulators.isSimulatedPlatform(platform))
      throw new UsageError(
        `unknown platform "${platform ?? ''}" for simulate. Use one of: ${simulators.simulatedPlatforms.join(', ')} (e.g. support-fusion simulate ${simulators.simulatedPlatforms[0]} --port 4010 --seed demo)`,
      );
    await simulators.runSimulatorCli(platform, simArgs);
    return -1;
  }
  try {
    const parsed = parseCommandArgs(spec, args);
    if (parsed === 'help') {
      console.log(`Usage: ${spec.usage}\n\n${spec.help}`);
      return EXIT.ok;
    }
    return ((await spec.run(parsed)) as number | undefined) ?? EXIT.ok;
  } catch (err) {
    if (err instanceof UsageError) (err as UsageError & { usage?: string }).usage = spec.usage;
    throw err;
  }
}

main().then(
  (code) => {
    // Long-running commands (serve, worker, demo, simulate) return a negative code and keep running.
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    const twoWord = command === 'connections' || command === 'users' ? ` ${rest[0] ?? ''}`.trimEnd() : '';
    const who = command ? `support-fusion ${command}${twoWord}` : 'support-fusion';
    if (err instanceof UsageError) {
      const usage = (err as UsageError & { usage?: string }).usage;
      console.error(`${who}: ${err.message}${usage ? `\nUsage: ${usage}` : '\nRun `support-fusion --help` for the commands.'}`);
      process.exit(EXIT.usage);
    }
    console.error(`${who}: ${err instanceof CommandFailed || !(err instanceof Error) ? String(err instanceof Error ? err.message : err) : err.message}`);
    process.exit(EXIT.failure);
  },
);
