import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, EnvSchema, loadConfig } from '../../src/config/env.ts';
import { readFileSync } from 'node:fs';

const KEY = 'a'.repeat(64);
const OLD = 'b'.repeat(64);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sf-config-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const fails = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('configuration', () => {
  it('defaults: every setting has one and none needs to be set', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      shutdownTimeoutSeconds: 30,
      metricsPort: undefined,
      previousSecretKeys: [],
      secretKey: undefined,
    });
  });

  it('secrets come from *_FILE (trailing newline removed), including DATABASE_URL and earlier keys', async () => {
    await writeFile(join(dir, 'key'), `${KEY}\n`);
    await writeFile(join(dir, 'old'), `${OLD}\n`);
    await writeFile(join(dir, 'url'), 'postgres://sf:s3cret@db:5432/sf\n');
    const c = loadConfig({ SF_SECRET_KEY_FILE: join(dir, 'key'), SF_SECRET_KEY_PREVIOUS_FILE: join(dir, 'old'), DATABASE_URL_FILE: join(dir, 'url') });
    expect(c.secretKey).toBe(KEY);
    expect(c.previousSecretKeys).toEqual([OLD]);
    expect(c.databaseUrl).toBe('postgres://sf:s3cret@db:5432/sf');
  });

  it('fails fast naming the variable and what to fix', async () => {
    expect(fails({ SF_PORT: '70000' })).toMatch(/SF_PORT: .*65535.*\(got "70000"\)/);
    expect(fails({ SF_SHUTDOWN_TIMEOUT_SECONDS: '0' })).toMatch(/SF_SHUTDOWN_TIMEOUT_SECONDS/);
    expect(fails({ SF_SECRET_KEY_FILE: join(dir, 'missing') })).toMatch(/SF_SECRET_KEY_FILE: cannot read .*missing \(ENOENT\)/);
    await writeFile(join(dir, 'empty'), '\n');
    expect(fails({ DATABASE_URL_FILE: join(dir, 'empty') })).toMatch(/DATABASE_URL_FILE: the file .* is empty/);
    expect(fails({ SF_SECRET_KEY: KEY, SF_SECRET_KEY_FILE: join(dir, 'key') })).toMatch(/SF_SECRET_KEY_FILE: SF_SECRET_KEY is set too/);
    expect(fails({ SF_SECRET_KEY_PREVIOUS: `${OLD},nope` })).toMatch(/SF_SECRET_KEY_PREVIOUS: must be one or more keys/);
    // Several problems are reported together, with where to read more.
    const both = fails({ SF_PORT: 'x', SF_ROLE: 'boss' });
    expect(both).toMatch(/SF_PORT/);
    expect(both).toMatch(/SF_ROLE/);
    expect(both).toMatch(/docs\/configuration\.md/);
  });

  it('never echoes a secret in the error', () => {
    const url = fails({ DATABASE_URL: 'mysql://root:hunter2@db/x' });
    expect(url).toMatch(/DATABASE_URL: must start with postgres/);
    expect(url).not.toContain('hunter2');
    const key = fails({ SF_SECRET_KEY: 'tooshort-secret-value' });
    expect(key).toMatch(/SF_SECRET_KEY: must be 32 random bytes/);
    expect(key).not.toContain('tooshort-secret-value');
    expect(key).toContain('a value of 21 characters');
  });

  it('docs/configuration.md lists every variable the schema reads, and every *_FILE form', () => {
    const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    for (const name of Object.keys(EnvSchema.shape)) expect(doc, name).toContain(`\`${name}\``);
    for (const name of ['SF_SECRET_KEY_FILE', 'SF_SECRET_KEY_PREVIOUS_FILE', 'DATABASE_URL_FILE', 'SF_METRICS_TOKEN_FILE']) expect(doc, name).toContain(name);
  });
});
