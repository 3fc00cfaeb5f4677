// Regression #8: the built site ships a strict Content-Security-Policy, and everything runs under it:
// every backend, the workers, exports, weights import, KaTeX, the service worker and the embed.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { encodeLink } from '../../src/state/link';
import { defaultLinkState } from '../../src/state/linkState';
import { RunSchema } from '../../src/train/run';
import { watchErrors } from './helpers/browser';
import { watchCsp } from './helpers/csp';
import { labFixture } from './helpers/fixture';
import { waitForState } from './helpers/lab';

const env = labFixture();

function tinyLink(backend: string, flags = ''): string {
  const s = defaultLinkState();
  s.presetId = null;
  s.backend = backend as typeof s.backend;
  s.experiment = { ...s.experiment, model: 'tiny', steps: 3, runs: [RunSchema.parse({ label: 'DPO', loss: 'dpo', beta: 0.5, lr: 0.5, optimizer: 'sgd' })] };
  s.view.hidden = [false];
  return `${env.server.url}#${encodeLink(s)}${flags}`;
}

async function open(url: string): Promise<{ page: Page; errors: string[]; violations: () => Promise<string[]> }> {
  const page = await env.browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = watchErrors(page);
  const csp = await watchCsp(page);
  await page.goto(url);
  return { page, errors, violations: csp.violations };
}

const download = async (page: Page, selector: string) => {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return readFileSync((await d.path())!);
};

describe('regression #8: Content-Security-Policy', () => {
  it('is strict: no unsafe-eval, no remote origin, in both pages of the build', () => {
    for (const file of ['dist/index.html', 'dist/bench.html']) {
      const html = readFileSync(file, 'utf8');
      const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
      expect(policy, file).toBeDefined();
      expect(policy).toMatch(/default-src 'self'/);
      expect(policy).toMatch(/script-src 'self' 'wasm-unsafe-eval';/);
      expect(policy).toMatch(/object-src 'none'/);
      expect(policy!.replace(/'wasm-unsafe-eval'/g, '')).not.toMatch(/unsafe-eval|https?:|\*/);
    }
  });

  it('every backend starts and trains with no violation', async () => {
    for (const backend of ['wasm', 'cpu', 'webgl', 'webgpu']) {
      const { page, errors, violations } = await open(tinyLink(backend));
      await waitForState(page, ['idle']);
      expect(await page.getAttribute('[data-testid=backend]', 'data-backend'), backend).toBe(backend);
      await page.click('[data-testid=run]');
      await waitForState(page, ['done'], 180_000);
      expect(await violations(), backend).toEqual([]);
      expect(errors, backend).toEqual([]);
      await page.close();
    }
  });

  it('exports, weights import (its check worker), KaTeX, the service worker and the embed run with no violation', async () => {
    const { page, errors, violations } = await open(tinyLink('wasm'));
    await waitForState(page, ['idle']);
    await page.click('[data-testid=run]');
    await waitForState(page, ['done']);
    // KaTeX: its fonts are on this origin (or inlined) and its markup carries inline styles.
    await page.waitForSelector('.katex');
    await page.evaluate(() => document.fonts.ready);
    await page.locator('summary:has-text("Export and weights")').click();
    expect((await download(page, '[data-testid=export-csv]')).toString()).toMatch(/^run,label/);
    expect((await download(page, '#pi-rej .chart-png')).subarray(1, 4).toString()).toBe('PNG'); // blob: image drawn on a canvas
    await page.setInputFiles('[data-testid=import-policy]', { name: 'bad.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from('not weights at all') });
    await page.waitForSelector('[data-testid=notice]:has-text("bad.safetensors was not loaded")');
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    expect(await violations()).toEqual([]);
    expect(errors).toEqual([]);
    // The policy is in force: an injected inline script is refused, and reported.
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.injected = true';
      document.body.appendChild(s);
    });
    await page.waitForFunction(() => (window as unknown as { cspViolations: string[] }).cspViolations.length > 0);
    expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined();
    expect((await violations()).join()).toMatch(/script-src-elem inline/);
    await page.close();

    const embed = await open(tinyLink('wasm', '&embed=1&autoplay=1'));
    await waitForState(embed.page, ['done']);
    expect(await embed.violations()).toEqual([]);
    expect(embed.errors).toEqual([]);
    await embed.page.close();
  });
});
