import { readFileSync } from 'node:fs';

/**
 * This build's version, from package.json (the one place it is written): `support-fusion --version`,
 * GET /api/v1/health, the sf_build_info metric and the migration table all show it.
 */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
