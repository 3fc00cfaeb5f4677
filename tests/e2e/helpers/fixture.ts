/** One test file's setup: the built site served under /lab/, and Chromium. Read the fields inside tests. */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launch } from './browser';
import { serveDist, type StaticServer } from './server';

export function labFixture(): { server: StaticServer; browser: Browser } {
  const env = {} as { server: StaticServer; browser: Browser };
  beforeAll(async () => {
    env.server = await serveDist({ base: '/lab/' });
    env.browser = await launch();
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}
