/**
 * The platforms this build knows: the only file outside a connector's folder that names them. Server,
 * web (through GET /api/v1/platforms) and engine reach a platform only through this list and the contract.
 */
import type { TicketConnector } from '../core/connector.ts';
import type { PlatformManifest } from '../core/platform-manifest.ts';
import { freshservice } from './freshservice/definition.ts';
import { jiraServiceManagement } from './jira_service_management/definition.ts';
import type { ConnectorOptions, PlatformCredentials, PlatformDefinition } from './platform-definition.ts';

export type { ConnectorOptions, PlatformCredentials, PlatformDefinition } from './platform-definition.ts';

const definitions: PlatformDefinition[] = [freshservice, jiraServiceManagement];

/** Platforms users ask for that have no connector yet: listed (unavailable) so Settings can say so. */
const planned: Array<{ id: string; name: string }> = [
  { id: 'servicenow', name: 'ServiceNow' },
  { id: 'zendesk', name: 'Zendesk' },
  { id: 'halopsa', name: 'HaloPSA' },
  { id: 'autotask', name: 'Autotask' },
  { id: 'connectwise', name: 'ConnectWise' },
  { id: 'servicedesk_plus', name: 'ServiceDesk Plus' },
  { id: 'freshdesk', name: 'Freshdesk' },
];

export interface PlatformListing {
  id: string;
  name: string;
  available: boolean;
  manifest: PlatformManifest | null;
}

/** Every platform id this build answers to, available first (in the order Settings lists them). */
export function listPlatforms(): PlatformListing[] {
  const available = definitions.map((d) => ({ id: d.manifest.id, name: d.manifest.name, available: true, manifest: d.manifest }));
  const ids = new Set(available.map((p) => p.id));
  return [...available, ...planned.filter((p) => !ids.has(p.id)).map((p) => ({ ...p, available: false, manifest: null }))];
}

/** The definition of an available platform, or undefined. */
export function platformDefinition(id: string): PlatformDefinition | undefined {
  return definitions.find((d) => d.manifest.id === id);
}

/** The definition of an available platform; throws (naming the known ones) for any other id. */
export function requirePlatform(id: string): PlatformDefinition {
  const def = platformDefinition(id);
  if (!def) throw new Error(`No connector for platform "${id}". Known platforms: ${definitions.map((d) => d.manifest.id).join(', ')}.`);
  return def;
}

/** The platform's display name (its id when unknown, so a message never loses it). */
export function platformName(id: string): string {
  return listPlatforms().find((p) => p.id === id)?.name ?? id;
}

/** The connector for a platform id (as stored on a connection); throws for a platform without one. */
export function createConnector(platform: string, creds: PlatformCredentials, opts: ConnectorOptions): TicketConnector {
  return requirePlatform(platform).createConnector(creds, opts);
}

/** Every available platform's definition (the conformance suite and the docs iterate them). */
export function availablePlatforms(): readonly PlatformDefinition[] {
  return definitions;
}
