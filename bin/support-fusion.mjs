#!/usr/bin/env node
// Runs the TypeScript CLI through tsx in this same process, so `npx support-fusion ...` works without a
// build step and signals (SIGTERM from `docker stop`) reach the product directly, not a wrapper.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
