import { startJiraSimulator } from './index.ts';
import type { JiraSeedName } from './seed.ts';

interface JiraCliOptions {
  port: number;
  seed: JiraSeedName;
  site: string;
  timeZone: string;
  rateLimit: 'on' | 'off';
  latencyMs: number;
  quiet: boolean;
}

export const jiraSimulatorHelp =
  'Runs a Jira Cloud (REST v3 + Jira Service Management) simulator. Flags: --port N --seed demo|empty|two-projects --site acme --time-zone Europe/Warsaw --rate-limit on|off --latency MS --quiet';

export function parseJiraSimulatorArgs(args: string[]): JiraCliOptions {
  const o: JiraCliOptions = { port: 4020, seed: 'demo', site: 'acme', timeZone: 'Europe/Warsaw', rateLimit: 'on', latencyMs: 0, quiet: false };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (flag === '--quiet') {
      o.quiet = true;
      continue;
    }
    const value = args[++i];
    if (value === undefined) throw new Error(`${flag} needs a value. ${jiraSimulatorHelp}`);
    if (flag === '--port') {
      o.port = Number(value);
      if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) throw new Error(`--port must be 0..65535, got "${value}"`);
    } else if (flag === '--seed') {
      if (!['demo', 'empty', 'two-projects'].includes(value)) throw new Error(`--seed must be demo, empty or two-projects, got "${value}"`);
      o.seed = value as JiraSeedName;
    } else if (flag === '--site') {
      if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(value))
        throw new Error(`--site must be a site name like "acme" (lower-case letters, digits, dashes), got "${value}"`);
      o.site = value;
    } else if (flag === '--time-zone') {
      try {
        new Intl.DateTimeFormat('en', { timeZone: value });
      } catch {
        throw new Error(`--time-zone must be an IANA zone such as Europe/Warsaw, got "${value}"`);
      }
      o.timeZone = value;
    } else if (flag === '--rate-limit') {
      if (value !== 'on' && value !== 'off') throw new Error(`--rate-limit must be on or off, got "${value}"`);
      o.rateLimit = value;
    } else if (flag === '--latency') {
      o.latencyMs = Number(value);
      if (!Number.isInteger(o.latencyMs) || o.latencyMs < 0) throw new Error(`--latency must be a whole number of milliseconds, got "${value}"`);
    } else throw new Error(`unknown flag "${flag}". ${jiraSimulatorHelp}`);
  }
  return o;
}

/** `support-fusion simulate jira_service_management ...`: runs until the process is stopped. */
export async function runJiraSimulatorCli(args: string[]): Promise<void> {
  const o = parseJiraSimulatorArgs(args);
  const sim = await startJiraSimulator({ port: o.port, seed: o.seed, site: o.site, timeZone: o.timeZone, rateLimit: o.rateLimit === 'off' ? false : {} });
  if (o.latencyMs) sim.faults.set({ latencyMs: o.latencyMs });
  if (o.quiet) console.log(`SIM ${o.site} ${sim.url} ${sim.emailFor('admin')} ${sim.tokenFor('admin')}`);
  else {
    console.log(`Jira simulator for site "${o.site}" at ${sim.url} (gateway base ${sim.gatewayUrl}), time zone ${o.timeZone}`);
    for (const a of sim.accounts) console.log(`  ${a.profile.padEnd(9)} ${a.email.padEnd(28)} ${a.token}`);
    console.log('Controls under /_sim (faults, latency, request log, seed, person edits, index lag, webhooks).');
    // The site's Atlassian 3LO app: these settings point a Support Fusion at it (docs/configuration.md).
    console.log(
      `OAuth 2.0 (3LO), signs in as admin: SF_JIRA_OAUTH_CLIENT_ID=${sim.oauth.clientId} SF_JIRA_OAUTH_CLIENT_SECRET=${sim.oauth.clientSecret} ` +
        `SF_JIRA_OAUTH_AUTH_URL=${sim.oauth.authUrl} SF_JIRA_API_GATEWAY_URL=${sim.oauth.apiGatewayUrl}`,
    );
  }
  const stop = () => void sim.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
