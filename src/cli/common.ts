import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig, type AppConfig } from '../config/env.ts';
import { openDatabase, type DatabaseHandle } from '../db/database.ts';
import { loadKeyring } from '../security/secret-key.ts';

/** Exit codes every command uses: scripts can tell a usage mistake from a failure. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Wrong arguments or configuration: exit 2 with the command's usage. */
export class UsageError extends Error {}
/** The command ran and could not do what was asked: exit 1. */
export class CommandFailed extends Error {}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  /** Longer help: options, what it does, exit codes. */
  help: string;
  options?: ParseArgsConfig['options'];
  /** How many positional arguments: [min, max]. */
  positionals?: [number, number];
  run(args: ParsedArgs): Promise<number | void>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parseCommandArgs(spec: CommandSpec, argv: string[]): ParsedArgs | 'help' {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: spec.options ?? {}, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  const [min, max] = spec.positionals ?? [0, 0];
  if (parsed.positionals.length < min) throw new UsageError(`missing argument: ${spec.usage}`);
  if (parsed.positionals.length > max) throw new UsageError(`unexpected argument "${parsed.positionals[max]}"`);
  return { values: parsed.values as ParsedArgs['values'], positionals: parsed.positionals };
}

export function configOrUsage(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}

/** Configuration, keys and the database (migrated) for a one-shot command; `close` when done. */
export async function openStore(env: NodeJS.ProcessEnv = process.env): Promise<{ config: AppConfig; masterKey: Buffer; database: DatabaseHandle }> {
  const config = configOrUsage(env);
  const masterKey = await loadKeyring(config);
  // A command run while the database is still starting waits for it, as the server does.
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, waitSeconds: config.databaseWaitSeconds });
  return { config, masterKey, database };
}

/** Plain table for terminals: columns padded to the widest cell. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(headers), ...rows.map(line)].join('\n');
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
