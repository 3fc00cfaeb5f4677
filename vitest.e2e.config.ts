import { defineConfig } from 'vitest/config';
import SummaryReporter from './tests/summary-reporter.ts';

/** Browser tests: Node-side Vitest driving Debian's Chromium through playwright-core against the built site. */
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    environment: 'node',
    reporters: ['default', new SummaryReporter('browser')],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // No test times anything (npm run bench does), so files run side by side, one browser each.
    maxWorkers: 2,
  },
});
