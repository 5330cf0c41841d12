// Where vite's command line is: vite's exports map hides its bin file, but exports its package.json, which
// names the bin. Used by scripts/start.mjs (`npm start` builds the UI with it).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function viteBin() {
  const pkg = createRequire(import.meta.url).resolve('vite/package.json');
  return join(dirname(pkg), JSON.parse(readFileSync(pkg, 'utf8')).bin.vite);
}
