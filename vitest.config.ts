import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['tests/unit/setup.ts'],
    // The notebook-preset tests train a 1.3M-parameter model on the pure-JS CPU backend.
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two workers even on a 2-core machine: the slow notebook files are balanced to run side by side.
    maxWorkers: 2,
  },
});
