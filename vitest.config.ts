import { defineConfig } from 'vitest/config';
import SummaryReporter from './tests/summary-reporter.ts';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    reporters: ['default', new SummaryReporter('unit')],
    setupFiles: ['tests/unit/setup.ts'],
    // The notebook-preset tests train a 1.3M-parameter model on the pure-JS CPU backend.
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two workers even on a 2-core machine: the slow notebook files are balanced to run side by side.
    maxWorkers: 2,
  },
});
