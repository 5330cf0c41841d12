import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['test/setup/fast-check.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file gets its own process: simulators and embedded databases hold ports and WASM memory.
    pool: 'forks',
    maxWorkers: 2,
  },
});
