// axe-core in real Chromium: no violation on the lab page (after a run and a tweak, with the Share panel
// open too), on the embed at 700 x 500 (after a run, verdicts shown), and on the phone layout in dark mode.
// axe is injected from node_modules (no network); the pages' Content-Security-Policy refuses inline
// scripts, so these contexts bypass it (the policy itself is checked in csp.test.ts).
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { labFixture } from './helpers/fixture';
import { screenshot, waitForState } from './helpers/lab';
import { watchErrors } from './helpers/browser';

const env = labFixture();
const AXE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');

interface Violation { id: string; help: string; nodes: { target: string[]; failureSummary?: string }[] }

async function open(url: string, viewport: { width: number; height: number }): Promise<{ page: Page; errors: string[] }> {
  const ctx = await env.browser.newContext({ viewport, bypassCSP: true });
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  await page.goto(url);
  await waitForState(page, ['idle']);
  return { page, errors };
}

/** axe's violations, each as 'rule: first offending nodes', so a failure says what to fix. */
async function axe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => (await (window as unknown as { axe: { run(c: Document): Promise<{ violations: Violation[] }> } }).axe.run(document)).violations);
  return violations.map((v) => `${v.id} (${v.help}): ${v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')} ${n.failureSummary?.split('\n')[1] ?? ''}`).join(' | ')}`);
}

async function trainTiny(page: Page, verdict = '[data-testid=verdict-4]') {
  await page.selectOption('select[aria-label="Model size"]', 'tiny');
  await waitForState(page, ['idle']);
  await page.click('[data-testid=run]');
  await waitForState(page, ['done'], 240_000);
  await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-kind'), verdict);
}

describe('axe-core finds no violation', () => {
  it('on the lab page: at rest, after a run and a tweak, and with the Share panel open', async () => {
    const { page, errors } = await open(env.server.url, { width: 1400, height: 1000 });
    expect(await axe(page)).toEqual([]);
    await trainTiny(page);
    const beta = page.locator('[data-testid=run-1] input[inputmode=decimal]').first();
    await beta.fill('0.25');
    await beta.press('Enter');
    await page.waitForSelector('[data-testid=look-for-modified]');
    expect(await axe(page)).toEqual([]);
    await page.click('[data-testid=share]');
    await page.waitForSelector('[data-testid=share-panel]');
    expect(await axe(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('on the embed at 700 x 500, before and after a run', async () => {
    const { page, errors } = await open(`${env.server.url}#v=1&embed=1`, { width: 700, height: 500 });
    expect(await axe(page)).toEqual([]);
    await page.click('[data-testid=run]');
    await page.click('[data-testid=run]'); // pause: the notebook-size run takes long; a few steps are enough
    await waitForState(page, ['paused']);
    expect(await axe(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('on the embed with its verdicts shown', async () => {
    const { page, errors } = await open(`${env.server.url}#v=1&embed=1&controls=1`, { width: 700, height: 500 });
    await trainTiny(page, '[data-testid=embed-verdict-4]');
    expect(await axe(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('on the phone layout, in dark mode, after a run', async () => {
    const { page, errors } = await open(env.server.url, { width: 360, height: 780 });
    await page.click('button[aria-label="Switch to dark mode"]');
    await trainTiny(page);
    expect(await axe(page)).toEqual([]);
    await screenshot(page, 'a11y-phone-dark', false);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
