/** Driving the lab page the way a user does, and reading what it shows. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { watchErrors } from './browser';

export const ARTIFACTS = path.resolve('artifacts/screenshots');

export interface Plotted {
  scale: 'linear' | 'log';
  keys: { key: string; name: string }[];
  rows: Record<string, number | null>[];
}

export interface LabPage {
  page: Page;
  errors: string[];
}

/** Opens the lab and waits until the worker is ready. */
export async function openLab(browser: Browser, url: string, viewport = { width: 1400, height: 1000 }): Promise<LabPage> {
  const page = await browser.newPage({ viewport });
  const errors = watchErrors(page);
  await page.goto(url);
  await waitForState(page, ['idle']);
  return { page, errors };
}

export async function waitForState(page: Page, states: string[], timeout = 120_000): Promise<void> {
  await page.waitForFunction(
    (s) => s.includes(document.querySelector('[data-testid=status]')?.getAttribute('data-state') ?? ''),
    states,
    { timeout, polling: 100 },
  );
}

export async function currentStep(page: Page): Promise<number> {
  return Number(await page.getAttribute('[data-testid=status]', 'data-step'));
}

export async function plotted(page: Page, chart: string): Promise<Plotted> {
  return page.evaluate((id) => (window as unknown as { dpoLab: { plotted: Record<string, Plotted> } }).dpoLab.plotted[id]!, chart);
}

/** The plotted values of one series, in plot units (log10 on log charts). */
export function seriesOf(p: Plotted, name: string): number[] {
  const key = p.keys.find((k) => k.name === name)?.key;
  if (!key) throw new Error(`no series "${name}" in ${p.keys.map((k) => k.name).join(', ')}`);
  return p.rows.map((r) => r[key]).filter((v): v is number => v !== null && v !== undefined);
}

export async function screenshot(page: Page, name: string, fullPage = true): Promise<Buffer> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const png = await page.screenshot({ fullPage });
  writeFileSync(path.join(ARTIFACTS, `${name}.png`), png);
  return png;
}

/** How much of a screenshot is not the background colour, and how many colours it has. */
export function pixelStats(png: Buffer): { inked: number; colours: number } {
  const img = PNG.sync.read(png);
  const counts = new Map<number, number>();
  for (let i = 0; i < img.data.length; i += 4) {
    const key = ((img.data[i]! >> 3) << 10) | ((img.data[i + 1]! >> 3) << 5) | (img.data[i + 2]! >> 3);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const total = img.width * img.height;
  const background = Math.max(...counts.values());
  return { inked: 1 - background / total, colours: counts.size };
}

/**
 * Selects narrower than their longest option (an unconstrained copy beside each measures it), and with
 * `onScreen`, also those that reach past the screen's right edge: one message for each.
 */
export function cutSelects(page: Page, scope: string, onScreen = false): Promise<string[]> {
  return page.locator(`${scope} select`).evaluateAll((sels, checkScreen) => sels.flatMap((sel) => {
    const copy = sel.cloneNode(true) as HTMLSelectElement;
    copy.removeAttribute('aria-label');
    Object.assign(copy.style, { position: 'absolute', visibility: 'hidden', width: 'auto', maxWidth: 'none', minWidth: '0' });
    sel.parentElement!.append(copy);
    const needs = copy.getBoundingClientRect().width;
    copy.remove();
    const r = sel.getBoundingClientRect();
    const off = checkScreen && r.right > document.documentElement.clientWidth;
    return r.width + 0.5 < needs || off ? [`${sel.getAttribute('aria-label')}: ${Math.round(r.width)} px of ${Math.round(needs)}${checkScreen ? `, right ${Math.round(r.right)}` : ''}`] : [];
  }), onScreen);
}
