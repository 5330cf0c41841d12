#!/usr/bin/env node
// `npm run conformance [-- --platform <id>] [-- <vitest options>]`: the conformance suite (test/conformance)
// for every platform with a harness, or the one named. Unknown platforms are refused by the suite itself,
// naming the known ones. A platform runs in each of its ways in (its harness's `modes`, e.g. Jira's oauth);
// add `-t "(oauth)"` to run one. Other arguments go to vitest (e.g. --reporter verbose to see why tests skip).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
const rest = [];
let platform = process.env.SF_CONFORMANCE_PLATFORM ?? '';
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--platform' || a === '-p') {
    platform = args[++i] ?? '';
    if (!platform) {
      console.error('npm run conformance: --platform needs a platform id, e.g. --platform freshservice');
      process.exit(2);
    }
  } else if (a.startsWith('--platform=')) platform = a.slice('--platform='.length);
  else rest.push(a);
}

// vitest's bin (its package exports do not name the file).
const vitest = fileURLToPath(new URL('node_modules/vitest/vitest.mjs', new URL('../', import.meta.url)));
// The verbose reporter names every test and why a skipped one was skipped (a platform without the capability).
const reporter = rest.some((a) => a.startsWith('--reporter')) ? [] : ['--reporter', 'verbose'];
const child = spawn(process.execPath, [vitest, 'run', 'test/conformance', ...reporter, ...rest], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, SF_CONFORMANCE_PLATFORM: platform },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.once('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
