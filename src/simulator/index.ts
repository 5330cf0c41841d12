// Simulators by platform id: tests, the demo and `support-fusion simulate <platform>` start any of them
// the same way. Imports are lazy so starting one does not load the others.
import type { FreshserviceSimulator, SimulatorOptions } from './freshservice/index.ts';
import type { JiraSimulator, JiraSimulatorOptions } from './jira/index.ts';

export interface SimulatorKinds {
  freshservice: { options: SimulatorOptions; simulator: FreshserviceSimulator };
  jira_service_management: { options: JiraSimulatorOptions; simulator: JiraSimulator };
}
export type SimulatedPlatform = keyof SimulatorKinds;

interface Entry<P extends SimulatedPlatform> {
  start(opts?: SimulatorKinds[P]['options']): Promise<SimulatorKinds[P]['simulator']>;
  /** The command line: flags after `simulate <platform>`. */
  runCli(args: string[]): Promise<void>;
  usage: string;
}

const registry: { [P in SimulatedPlatform]: Entry<P> } = {
  freshservice: {
    start: async (opts) => (await import('./freshservice/index.ts')).startFreshserviceSimulator(opts),
    runCli: async (args) => (await import('./freshservice/cli.ts')).runSimulatorCli(args),
    usage: 'support-fusion simulate freshservice [--port 4010] [--seed demo|empty] [--plan pro] [--accounts N] [--rate-limit on|off] [--latency MS] [--quiet]',
  },
  jira_service_management: {
    start: async (opts) => (await import('./jira/index.ts')).startJiraSimulator(opts),
    runCli: async (args) => (await import('./jira/cli.ts')).runJiraSimulatorCli(args),
    usage:
      'support-fusion simulate jira_service_management [--port 4020] [--seed demo|empty|two-projects] [--site acme] [--time-zone Europe/Warsaw] [--rate-limit on|off] [--latency MS] [--quiet]',
  },
};

export const simulatedPlatforms = Object.keys(registry) as SimulatedPlatform[];

export function isSimulatedPlatform(id: string): id is SimulatedPlatform {
  return Object.hasOwn(registry, id);
}

export function startSimulator<P extends SimulatedPlatform>(platform: P, opts?: SimulatorKinds[P]['options']): Promise<SimulatorKinds[P]['simulator']> {
  return (registry[platform] as Entry<P>).start(opts);
}

export function runSimulatorCli(platform: SimulatedPlatform, args: string[]): Promise<void> {
  return registry[platform].runCli(args);
}

export function simulatorUsage(platform: SimulatedPlatform): string {
  return registry[platform].usage;
}
