/**
 * The conformance suite's frame: each test file describes one area of the checklist
 * (the platform contract's checklist, docs/architecture.md "Adding a platform") once, and `forEachPlatform` runs it against every
 * harness in platforms/ (or the one SF_CONFORMANCE_PLATFORM names), each against its own simulator.
 *
 * Connectors are built through the registry's PlatformDefinition only, with a `sleep` that records the
 * wait asked for and returns at once: retries and Retry-After waits cost no time, and tests assert them.
 */
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { PlatformError, type RemoteTicket, type TicketConnector, type TicketCreate } from '../../src/core/connector.ts';
import type { Capabilities, PlatformManifest } from '../../src/core/platform-manifest.ts';
import { platformDefinition, requirePlatform } from '../../src/connectors/registry.ts';
import type { ConnectorOptions, PlatformDefinition } from '../../src/connectors/platform-definition.ts';
import type { AuthMode, CredentialProfile, PlatformHarness, SimHandle } from './harness.ts';
import { selectedHarnesses } from './platforms/index.ts';

const harnesses = await selectedHarnesses();

/** Short: a hanging simulator must fail a call quickly, and nothing healthy on this machine takes this long. */
export const TIMEOUT_MS = 5_000;
export const SHORT_TIMEOUT_MS = 400;

export interface Platform {
  readonly harness: PlatformHarness;
  /** The way in under test (null: the platform's default one). */
  readonly mode: AuthMode | null;
  readonly def: PlatformDefinition;
  readonly manifest: PlatformManifest;
  readonly caps: Capabilities;
  /** The running simulator (set in beforeAll). */
  readonly sim: SimHandle;
  /** Every wait (ms) connectors built by `connector()` asked for since the last test. */
  readonly sleeps: number[];
  connector(profile?: CredentialProfile, extra?: Partial<ConnectorOptions>): TicketConnector;
  /** The id of the account's known requester (`sim.requesterEmail`), looked up once. */
  requesterId(): Promise<string>;
  /** A new marker, unique within the run. */
  marker(): string;
  /** Creates a ticket through the connector with a fresh marker (returned beside it). */
  createTicket(subject: string, extra?: Partial<TicketCreate>): Promise<{ ticket: RemoteTicket; marker: string; createdAfter: Date }>;
}

let markers = 0;
const runTag = Date.now().toString(36);

class PlatformUnderTest implements Platform {
  readonly def: PlatformDefinition;
  readonly sleeps: number[] = [];
  handle: SimHandle | null = null;
  private requester: string | null = null;

  constructor(
    readonly harness: PlatformHarness,
    readonly mode: AuthMode | null,
  ) {
    this.def = requirePlatform(harness.platform);
  }

  get manifest(): PlatformManifest {
    return this.def.manifest;
  }

  get caps(): Capabilities {
    return this.def.manifest.capabilities;
  }

  get sim(): SimHandle {
    if (!this.handle) throw new Error(`The ${this.harness.platform} simulator is not running (beforeAll failed?)`);
    return this.handle;
  }

  connector(profile: CredentialProfile = 'admin', extra: Partial<ConnectorOptions> = {}): TicketConnector {
    const sleep = async (ms: number) => void this.sleeps.push(ms);
    return this.def.createConnector(this.sim.credentials(profile), {
      timeoutMs: TIMEOUT_MS,
      sleep,
      sideSettings: this.sim.sideSettings,
      ...authOptions(this.sim, profile),
      ...extra,
    });
  }

  async requesterId(): Promise<string> {
    if (this.requester) return this.requester;
    const found = await this.connector().findRequesterByEmail(this.sim.requesterEmail);
    if (!found) throw new Error(`The ${this.harness.platform} harness's requester ${this.sim.requesterEmail} is not found by findRequesterByEmail`);
    return (this.requester = found.id);
  }

  marker(): string {
    return `sf-conf${runTag}${++markers}`;
  }

  async createTicket(subject: string, extra: Partial<TicketCreate> = {}) {
    const marker = extra.marker ?? this.marker();
    // Whole seconds, a little early: platforms keep coarser times than this process's clock.
    const createdAfter = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000);
    const ticket = await this.connector().createTicket({
      type: this.sim.ticketType,
      subject,
      description: '<p>Created by the conformance suite</p>',
      requesterId: await this.requesterId(),
      ...extra,
      marker,
    });
    return { ticket, marker, createdAfter };
  }
}

/**
 * What a connector or Test Connection needs besides the credentials on this handle's way in: the instance
 * settings, and a store that keeps rotated tokens for the next connector of the profile.
 */
export function authOptions(sim: SimHandle, profile: CredentialProfile): Pick<ConnectorOptions, 'platformSettings' | 'credentialStore'> {
  return {
    ...(sim.platformSettings ? { platformSettings: sim.platformSettings } : {}),
    ...(sim.credentialStore ? { credentialStore: sim.credentialStore(profile) } : {}),
  };
}

/** Runs `body` (the area's tests) once per selected platform and way in (`harness.modes`), each against a simulator of its own. */
export function forEachPlatform(area: string, body: (p: Platform) => void): void {
  if (harnesses.length === 0) {
    describe(area, () => it.skip('no platform harness in test/conformance/platforms', () => {}));
    return;
  }
  for (const harness of harnesses) {
    if (!platformDefinition(harness.platform)) {
      // A harness may land before its connector is registered: say so rather than fail every file's collection.
      describe(`${harness.platform}: ${area}`, () =>
        it(`(skipped: no connector for "${harness.platform}" in src/connectors/registry.ts yet)`, (ctx) =>
          ctx.skip(`no connector for ${harness.platform} registered`)));
      continue;
    }
    for (const mode of [null, ...(harness.modes ?? [])]) {
      const name = mode ? `${harness.platform} (${mode.id})` : harness.platform;
      describe(`${name}: ${area}`, () => runArea(new PlatformUnderTest(harness, mode), body));
    }
  }
}

function runArea(p: PlatformUnderTest, body: (p: Platform) => void): void {
  beforeAll(async () => {
    p.handle = await p.harness.start(p.mode ? { mode: p.mode.id } : {});
  });
  afterAll(async () => {
    await p.handle?.close();
  });
  afterEach(async () => {
    await p.handle?.clearFaults();
    await p.handle?.clearRequestLog();
    p.sleeps.length = 0;
  });
  body(p);
}

/** The PlatformError a call fails with (anything else, or success, fails the test, saying what came instead). */
export async function platformError(call: Promise<unknown>): Promise<PlatformError> {
  const outcome = await call.then(
    (value: unknown) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a PlatformError, but the call succeeded with ${JSON.stringify(outcome.value)?.slice(0, 300)}`);
  if (!(outcome.error instanceof PlatformError)) throw new Error(`expected a PlatformError, got ${String(outcome.error)}`);
  return outcome.error;
}

/** Every page of a change feed from `cursor` (or `since`), as read. */
export async function readFeed(c: TicketConnector, cursor: string | null, opts: { since?: Date }) {
  const pages = [];
  for await (const page of c.changes(cursor, opts)) pages.push(page);
  return pages;
}

/** Whole seconds (every platform keeps at least that precision... or coarser: see `granular`). */
export function wholeSeconds(ms: number): Date {
  return new Date(Math.floor(ms / 1000) * 1000);
}

/** A time on the feed's own grid (Jira: whole minutes), so "the same unit" means the same for the test and the platform. */
export function onGrid(ms: number, caps: Capabilities): Date {
  const unit = Math.max(1000, caps.changeFeed.granularityMs);
  return new Date(Math.floor(ms / unit) * unit);
}
