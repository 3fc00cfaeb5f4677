// The lab at 360 px: the first chart shows without scrolling, before the runs and the settings; no table
// is cut off or hides a column (each run is a card of label: value lines); anything that scrolls sideways
// says so and can be reached by keyboard. Every button is a 24 px target (icons 32), every select shows its choices whole.
import { describe, expect, it } from 'vitest';
import { labFixture } from './helpers/fixture';
import { cutSelects, openLab, screenshot, waitForState } from './helpers/lab';

const env = labFixture();
const PHONE = { width: 360, height: 780 };

describe('the lab on a 360 px phone', () => {
  it('shows the first chart without scrolling, above the runs and settings', async () => {
    const { page, errors } = await openLab(env.browser, env.server.url, PHONE);
    const box = (sel: string) => page.locator(sel).first().evaluate((e) => { const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, left: r.left, right: r.right }; });
    await screenshot(page, 'phone-first-screen', false);
    const chart = await box('#pi-rej .chart-body'); // the plot itself, axes included
    expect(chart.top).toBeGreaterThanOrEqual(0);
    expect(chart.bottom).toBeLessThanOrEqual(PHONE.height);
    expect(chart.top).toBeLessThan((await box('.runs')).top);
    expect(chart.top).toBeLessThan((await box('.settings')).top);
    expect(await page.textContent('[data-testid=look-for]')).toMatch(/^What to look for: DPO drives π\(rejected\) down/);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    // The Share panel fits the screen (anchored to its button it started 12-24 px left of it).
    await page.click('[data-testid=share]');
    const share = await box('[data-testid=share-panel]');
    expect(share.left).toBeGreaterThanOrEqual(0);
    expect(share.right).toBeLessThanOrEqual(PHONE.width);
    await page.keyboard.press('Escape');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows every column of the results table, and of the loss zoo, as label: value lines', async () => {
    const { page, errors } = await openLab(env.browser, env.server.url, PHONE);
    await page.selectOption('select[aria-label="Model size"]', 'tiny');
    await waitForState(page, ['idle']);
    await page.click('[data-testid=run]');
    await waitForState(page, ['done'], 240_000);
    await page.waitForFunction(() => document.querySelector('[data-testid=verdict-4]')?.getAttribute('data-kind'));
    await page.locator('[data-testid=final-table]').scrollIntoViewIfNeeded();
    for (const table of ['.final-table', '.loss-table']) {
      const cells = await page.locator(`${table} tbody td`).evaluateAll((tds) => tds.map((td) => {
        const r = td.getBoundingClientRect();
        const label = getComputedStyle(td, '::before').content;
        return { text: td.textContent, label, visible: r.width > 0 && r.height > 0, inside: r.left >= 0 && r.right <= document.documentElement.clientWidth };
      }));
      expect(cells.length, table).toBeGreaterThan(8);
      for (const c of cells) expect(c, `${table}: ${c.text}`).toMatchObject({ visible: true, inside: true });
      // Each value cell names its column (the run's or loss's own name cell needs none).
      expect(cells.filter((c) => c.label !== 'none').length, table).toBeGreaterThanOrEqual(cells.length - cells.length / (table === '.final-table' ? 8 : 4));
    }
    const verdict = await page.locator('[data-testid=verdict-0]').evaluate((td) => getComputedStyle(td, '::before').content);
    expect(verdict).toBe('"verdict"');
    // Nothing scrolls sideways unnoticed: a box that overflows is a named, focusable region.
    const hiddenScrolls = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('*')]
      .filter((e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1)
      .filter((e) => !(e.tabIndex >= 0 && e.getAttribute('aria-label')))
      .map((e) => e.className));
    expect(hiddenScrolls).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await screenshot(page, 'phone-results-cards', false);
    expect(errors).toEqual([]);
    await page.close();
  });

  for (const lang of ['en', 'zh'] as const) {
    it(`makes every button a 24 px target (icons 32) and shows every select's choices whole (${lang})`, async () => {
      const { page, errors } = await openLab(env.browser, `${env.server.url}#v=1&lang=${lang}`, PHONE);
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => ((d as HTMLDetailsElement).open = true)));
      // Was: each run's copy and delete icons and the theme button 22 x 22 px, the charts' PNG buttons 35 x 19, the legend's 23.5 high.
      const small = await page.locator('button').evaluateAll((bs) => bs.flatMap((b) => {
        const r = b.getBoundingClientRect();
        const min = b.classList.contains('icon') ? 32 : 24;
        return r.width > 0 && (r.width < min || r.height < min) ? [`${b.className} ${b.getAttribute('aria-label') ?? b.textContent}: ${r.width.toFixed(1)} x ${r.height.toFixed(1)}`] : [];
      }));
      expect(small).toEqual([]);
      // Each select at least as wide as its longest option (an unconstrained copy beside it measures it) and on the screen.
      // Was: the backend 143 px of 185 (zh, "自动（WASM，1 个"), each run's loss 90 of 169 and optimizer 64 of 71.
      const cut = await cutSelects(page, 'body', true);
      expect(cut).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
      await screenshot(page, `phone-targets-${lang}`, false);
      expect(errors).toEqual([]);
      await page.close();
    });
  }
});
