import { listPlatforms } from '../connectors/registry.ts';
import type { Db } from '../db/database.ts';
import { failingSide, type FailingSide } from '../db/repositories/run-failure.ts';

/** A failed run's guidance as one organisation reads it: its own part, never the partner's secrets. */
export interface RunFailureView {
  side: 'source' | 'target';
  kind: string;
  /** The side at fault is the reader's own. */
  yours: boolean;
  /** The organisation whose side failed. */
  organisation: string;
  message: string;
}

const platformName = (id: string | null) => listPlatforms().find((p) => p.id === id)?.name ?? 'platform';

/** The words, by whose side failed and how (pure: table-tested in run-failure.test.ts). */
export function failureMessage(kind: string, yours: boolean, s: Pick<FailingSide, 'organisationName' | 'platform' | 'usesOverride'>): string {
  const p = platformName(s.platform);
  if (!yours) {
    const theirs = `${s.organisationName}'s ${p}`;
    switch (kind) {
      case 'authentication':
        return `${theirs} is rejecting its key; they have been told. Nothing to change on your side: the sync goes on once they test and fix their key.`;
      case 'network':
      case 'timeout':
        return `${theirs} is not answering; they have been told. Nothing to change on your side.`;
      case 'permission':
        return `${theirs} refused the integration agent access; they have been told. Nothing to change on your side.`;
      case 'not_configured':
        return `${s.organisationName} has no usable ${p} credentials saved; they have been told. Nothing to change on your side.`;
      default:
        return `${theirs} failed during this sync; they have been told. Nothing to change on your side.`;
    }
  }
  switch (kind) {
    case 'authentication':
      return s.usesOverride
        ? `The key of this connection's API override was rejected by ${p} during this sync: save a valid key under Configuration → API override.`
        : `Your key was rejected by ${p} during this sync: test it again in Settings (Test Connection), and save a new API key if it fails.`;
    case 'network':
    case 'timeout':
      return `Your ${p} did not answer during this sync: check it is reachable from the internet and that your subscription is active, then Test Connection in Settings.`;
    case 'permission':
      return `Your ${p} refused the integration agent access during this sync: check its roles and group access, then Test Connection in Settings.`;
    case 'not_configured':
      return `Your organisation has no usable ${p} credentials: save the API URL and API Key in Settings, then Test Connection.`;
    default:
      return `Your ${p} failed during this sync: Test Connection in Settings; the run's error has the platform's message.`;
  }
}

/** The failure of `run` as the organisation on `viewerSide` reads it; null when the engine did not name a side. */
export async function runFailureFor(
  db: Db,
  run: { connectionId: string; failure: { side: 'source' | 'target'; kind: string } | null },
  viewerSide: string,
): Promise<RunFailureView | null> {
  if (!run.failure) return null;
  const s = await failingSide(db, run.connectionId, run.failure.side);
  if (!s) return null;
  const yours = run.failure.side === viewerSide;
  return { side: run.failure.side, kind: run.failure.kind, yours, organisation: s.organisationName, message: failureMessage(run.failure.kind, yours, s) };
}
