import { VERSION } from '../version.ts';

/**
 * The database holds migrations this build does not know: a newer Support Fusion migrated it. Running on would
 * mean old code writing into a schema it does not understand, so start-up and `migrate` stop here (exit 1)
 * and say which version to install.
 */
export class DatabaseNewerThanBinary extends Error {
  constructor(
    readonly unknownMigrations: string[],
    readonly newestVersion: string | null,
  ) {
    const by = newestVersion ? `Support Fusion ${newestVersion}` : `a Support Fusion newer than ${VERSION}`;
    super(
      `This database was migrated by ${by}: it holds migration(s) that this version (${VERSION}) does not know: ${unknownMigrations.join(', ')}. ` +
        `Install Support Fusion ${newestVersion ?? 'that version'} or newer to use it (or restore the backup taken before the upgrade). Nothing was changed.`,
    );
    this.name = 'DatabaseNewerThanBinary';
  }
}

/** Versions as written in package.json (x.y.z, optionally -pre): the newest of `versions`, or null. */
export function newestVersion(versions: Array<string | null>): string | null {
  const parse = (v: string) => v.split(/[.-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : -1));
  let best: string | null = null;
  for (const v of versions) {
    if (!v) continue;
    if (best === null) {
      best = v;
      continue;
    }
    const [a, b] = [parse(v), parse(best)];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = (a[i] ?? 0) - (b[i] ?? 0);
      if (d !== 0) {
        if (d > 0) best = v;
        break;
      }
    }
  }
  return best;
}
