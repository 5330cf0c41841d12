#!/usr/bin/env node
// `npm start`: builds the web UI, then runs `support-fusion start` in this same process. npm runs a script
// through `sh -c`, and npm forwards SIGTERM/SIGINT to that shell only; the script is `exec node ...`, so
// this process is the one npm signals, and the server in it shuts down as `docker stop` would make it.
// Before, `npm run build:web && tsx src/cli.ts start` left tsx's child (the server) running after
// SIGTERM, holding the port and the data directory's lock.
//
// SF_SKIP_WEB_BUILD=1 skips the build (the UI in dist/web is used as it is), e.g. in tests that built it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { viteBin } from './vite-bin.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));

async function buildWeb() {
  const vite = viteBin();
  const child = spawn(process.execPath, [vite, 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  // A signal during the build stops the build too, then this process.
  const forward = (signal) => child.kill(signal);
  process.on('SIGTERM', forward);
  process.on('SIGINT', forward);
  const { code, signal } = await new Promise((resolve) => child.once('exit', (c, s) => resolve({ code: c, signal: s })));
  process.off('SIGTERM', forward);
  process.off('SIGINT', forward);
  if (signal) process.exit(0);
  if (code !== 0) {
    console.error(`npm start: building the web UI failed (exit ${code}); see the errors above`);
    process.exit(1);
  }
}

if (!/^(1|true|yes)$/i.test(process.env.SF_SKIP_WEB_BUILD ?? '')) await buildWeb();
process.argv = [process.argv[0], fileURLToPath(new URL('../bin/support-fusion.mjs', import.meta.url)), 'start', ...process.argv.slice(2)];
await import('../bin/support-fusion.mjs');
