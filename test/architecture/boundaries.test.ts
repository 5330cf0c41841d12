/**
 * The layering docs/architecture.md promises, checked on the source: platforms are named only in their
 * connector and simulator folders and the registry; the engine never imports the server; connectors know
 * nothing of the database or the queue; only the data layer writes SQL.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { availablePlatforms, listPlatforms } from '../../src/connectors/registry.ts';

const root = join(import.meta.dirname, '..', '..');

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...filesUnder(path));
    else if (/\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(path);
  }
  return out;
}

const source = (file: string) => readFileSync(join(root, file), 'utf8');
const importsOf = (file: string) => [...source(file).matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);

describe('architecture boundaries', () => {
  it('names platforms only in connector and simulator folders and the registry', () => {
    // Every platform the registry knows, by id and by name (the words a comment or a label would use).
    const words = listPlatforms().flatMap((p) => [p.id, p.name, p.name.split(' ')[0]!]);
    const pattern = new RegExp(`\\b(${[...new Set(words)].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b`, 'i');
    const allowed = (f: string) =>
      f.startsWith(join('src', 'connectors', '')) && f !== join('src', 'connectors', 'platform-definition.ts')
        ? f === join('src', 'connectors', 'registry.ts') || availablePlatforms().some((d) => f.startsWith(join('src', 'connectors', d.manifest.id, '')))
        : f.startsWith(join('src', 'simulator', ''));
    const offenders = [...filesUnder('src'), ...filesUnder(join('web', 'src'))]
      .filter((f) => !allowed(f))
      .flatMap((f) =>
        source(f)
          .split('\n')
          .map((line, i) => ({ line, at: `${f}:${i + 1}` }))
          .filter(({ line }) => pattern.test(line))
          .map(({ at, line }) => `${at}: ${line.trim().slice(0, 120)}`),
      );
    expect(offenders).toEqual([]);
  });

  it('keeps the engine out of the server, and connectors out of the database and the queue', () => {
    const bad: string[] = [];
    for (const f of [...filesUnder(join('src', 'sync')), ...filesUnder(join('src', 'core'))]) {
      for (const spec of importsOf(f)) if (/\/server\//.test(spec)) bad.push(`${f} imports ${spec}`);
    }
    for (const f of [...filesUnder(join('src', 'connectors')), ...filesUnder(join('src', 'connector-kit'))]) {
      for (const spec of importsOf(f))
        if (/\/(db|queue|server|sync)\//.test(spec) || /^(pg|pg-boss|kysely|@electric-sql\/pglite)$/.test(spec)) bad.push(`${f} imports ${spec}`);
    }
    expect(bad).toEqual([]);
  });

  it('writes SQL only in the data layer', () => {
    const sqlOutside = [...filesUnder('src')]
      .filter((f) => !f.startsWith(join('src', 'db', '')))
      .filter((f) => importsOf(f).some((spec) => /^(kysely|pg|@electric-sql\/pglite)$/.test(spec) && !/import type/.test(source(f))));
    expect(sqlOutside.map((f) => relative(root, join(root, f)))).toEqual([]);
  });
});
