import { defineConfig } from 'vitest/config';
import SummaryReporter from './tests/summary-reporter.ts';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    reporters: ['default', new SummaryReporter('unit')],
    setupFiles: ['tests/unit/setup.ts'],
    // Outcome tests train the tiny model on the pure-JS CPU backend; the notebook replay, the notebook model on WASM.
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two workers even on a 2-core machine: the slowest files run side by side.
    maxWorkers: 2,
  },
});
