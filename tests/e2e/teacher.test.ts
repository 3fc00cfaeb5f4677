// A teacher's ten seconds, on the desktop page: the tiny model tells the story, runs are coloured by loss
// family, log axes read in decades, every run ends with a verdict, the guidance survives a tweak, a run
// goes on from where it stopped, one name follows an edit everywhere, and the keyboard can tell focus
// from selection and get out of the Share panel.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAMILY_SHADES } from '../../src/charts/colors';
import { decodeLink, encodeLink } from '../../src/state/link';
import { defaultLinkState } from '../../src/state/linkState';
import { parseExperiment } from '../../src/train/experiment';
import { runName } from '../../src/train/run';
import { expectAllClose } from '../helpers/close';
import { labFixture } from './helpers/fixture';
import { currentStep, openLab, plotted, screenshot, waitForState, type LabPage } from './helpers/lab';

const env = labFixture();

interface Results { runs: { label: string; metrics: Record<string, number[]> }[] }

async function download(page: Page, click: () => Promise<void>): Promise<string> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFileSync((await d.path())!, 'utf8');
}

async function exportFile(page: Page, which: 'csv' | 'json'): Promise<string> {
  const summary = page.locator('summary:has-text("Export and weights")');
  if (!(await summary.evaluate((el) => (el.parentElement as HTMLDetailsElement).open))) await summary.click();
  return download(page, () => page.click(`[data-testid=export-${which}]`));
}

const legendTexts = (page: Page) => page.locator('.legend .legend-item').allTextContents();
/** Exponents of the y-axis tick labels of a log chart ("10⁻¹²" -> -12, "1" -> 0, "0" -> null). */
async function logTickExponents(page: Page, chart: string): Promise<(number | null)[]> {
  const labels = await page.locator(`#${chart} .recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value`).allTextContents();
  const SUP = '⁰¹²³⁴⁵⁶⁷⁸⁹';
  return labels.map((t) => {
    if (t === '0') return null;
    if (t === '1') return 0;
    if (t === '10') return 1;
    const m = /^10(⁻?)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/.exec(t);
    if (!m) throw new Error(`not a power of ten: ${t}`);
    const k = Number([...m[2]!].map((c) => SUP.indexOf(c)).join(''));
    return m[1] ? -k : k;
  });
}

describe('the lab as a teacher uses it', () => {
  let lab: LabPage;
  let page: Page;
  let before: Results;

  beforeAll(async () => {
    lab = await openLab(env.browser, env.server.url);
    page = lab.page;
  });

  it('on the tiny model §6.3.1 applies its tiny run set, and "What is going on" describes the tiny model', async () => {
    await page.selectOption('select[aria-label="Model size"]', 'tiny');
    await waitForState(page, ['idle']);
    expect(await page.textContent('[data-testid=status]')).toContain('step 0 / 150');
    expect(await legendTexts(page)).toEqual(['IPO β=0.1 lr=0.003', 'IPO β=0.5 lr=0.003', 'IPO β=1 lr=0.003', 'DPO β=0.1 lr=0.1', 'DPO β=0.5 lr=0.1']);
    expect(await page.getAttribute('[data-testid=preset-beta-sweep]', 'aria-pressed')).toBe('true');
    expect(await page.locator('[data-testid=look-for-modified]').count()).toBe(0);
    const explain = (await page.textContent('.explain'))!;
    expect(explain).toContain('the tiny one: 2 layers, hidden size 32, 22,688 parameters');
    expect(explain).not.toContain('the notebook\'s: 2 layers');
  });

  it('colours runs by loss family: one hue per family, a shade per run, the same on the curves', async () => {
    const colours = await page.locator('.legend .legend-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-color')!));
    const ipo = colours.slice(0, 3);
    const dpo = colours.slice(3);
    for (const c of ipo) expect(FAMILY_SHADES.light.ipo).toContain(c);
    for (const c of dpo) expect(FAMILY_SHADES.light.dpo).toContain(c);
    expect(new Set(colours).size).toBe(5);
    await page.click('[data-testid=step]');
    await page.waitForFunction(() => document.querySelectorAll('#pi-rej path.series-path').length === 5);
    const strokes = await page.locator('#pi-rej path.series-path').evaluateAll((ps) => ps.map((p) => [p.getAttribute('data-series'), p.getAttribute('stroke')]));
    expect(strokes).toEqual(colours.map((c, i) => [`r${i}`, c]));
  });

  it('runs to the end: log axes tick on whole decades, and every run gets a verdict', async () => {
    await page.click('[data-testid=run]');
    await waitForState(page, ['done'], 240_000);
    expect(await currentStep(page)).toBe(150);
    await page.waitForFunction(() => document.querySelector('[data-testid=verdict-4]')?.getAttribute('data-kind'));
    await page.waitForFunction(() => (window as unknown as { dpoLab: { plotted: Record<string, { rows: unknown[] }> } }).dpoLab.plotted.loss?.rows.length === 150);
    for (const chart of ['pi-rej', 'pi-chosen', 'loss']) {
      const k = await logTickExponents(page, chart);
      const decades = k.filter((x): x is number => x !== null);
      const steps = decades.slice(1).map((x, i) => x - decades[i]!);
      expect(decades.length, chart).toBeGreaterThanOrEqual(2);
      expect(new Set(steps).size, `${chart}: ${decades}`).toBe(1);
      expect(steps[0]! >= 1 && steps[0]! <= 3, `${chart}: every 1-3 decades`).toBe(true);
    }
    const verdicts = await page.locator('[data-testid^=verdict-]').allTextContents();
    ['5', '1', '0.5'].forEach((target, i) => expect(verdicts[i]).toMatch(new RegExp(`^settled: h = 1/\\(2β\\) = ${target} within 1% over the last \\d+ steps$`)));
    for (const v of verdicts.slice(3)) expect(v).toMatch(/^π\(rejected\) still falling: [\d.]+×10⁻[⁰-⁹]+ and dropping \([\d.]+ decades in the last 30 steps\), no plateau$/);
    before = JSON.parse(await exportFile(page, 'json')) as Results;
    await screenshot(page, 'teacher-631-tiny-done', false);
  });

  it('every chart has axis titles with units; the h chart has a legend; the σ chart\'s PNG button stays on the title\'s line', async () => {
    for (const id of ['pi-rej', 'sigma', 'loss', 'pi-chosen', 'rewards', 'h']) {
      const labels = await page.locator(`#${id} .recharts-label`).allTextContents();
      expect(labels, id).toContain('training step');
      expect(labels.some((l) => /\(.+\)/.test(l) && l !== 'training step'), `${id}: a y title with its unit, in ${labels}`).toBe(true);
    }
    expect(await page.locator('[data-testid=legend-h] li').allTextContents()).toEqual(['token 1', 'token 2', 'token 3', 'token 4']);
    const [title, png] = await Promise.all(['#sigma .chart-title', '#sigma .chart-png'].map((s) => page.locator(s).boundingBox()));
    expect(png!.y).toBeLessThan(title!.y + title!.height);
    expect(png!.x).toBeGreaterThan(title!.x + title!.width - 1);
  });

  it('after a tweak the guidance stays, marked modified, and says what the changed run is expected to do', async () => {
    const beta = page.locator('[data-testid=run-1] input[inputmode=decimal]').first();
    await beta.fill('0.25');
    await beta.press('Enter');
    await page.waitForSelector('[data-testid=look-for-modified]');
    expect(await page.textContent('[data-testid=look-for-modified]')).toContain('modified from §6.3.1');
    expect(await page.textContent('[data-testid=look-for]')).toContain('DPO drives π(rejected) down without a floor');
    expect(await page.textContent('[data-testid=look-for-run-1]')).toBe(
      'IPO β=0.25 lr=0.003 (changed β): settles where every h_t = 1/(2β) = 2, so σ(βh) stops at σ(1/2) ≈ 0.6225 and π(rejected) levels off.',
    );
    expect(await page.textContent('[data-testid=look-for-changes]')).toContain('The expectation above still holds for the 4 unchanged runs.');
    // Its curves are the old β's until it trains again: no verdict on them, but what to do.
    await page.waitForSelector('[data-testid=verdict-1][data-kind=untrained]');
    expect(await page.textContent('[data-testid=verdict-1]')).toBe('changed after step 150, not trained with its new settings yet: press +100 steps (or Reset)');
    expect(await page.getAttribute('[data-testid=verdict-0]', 'data-kind')).not.toBe('untrained');
  });

  it('+100 steps extends every run from where it stopped, and the change is marked on the charts', async () => {
    await page.click('[data-testid=more-steps]');
    await waitForState(page, ['running', 'done']);
    await waitForState(page, ['done'], 240_000);
    expect(await currentStep(page)).toBe(250);
    const after = JSON.parse(await exportFile(page, 'json')) as Results;
    after.runs.forEach((run, r) => {
      for (const m of ['loss', 'pi_rej', 'h/0']) {
        expect(run.metrics[m]).toHaveLength(250);
        expectAllClose(run.metrics[m]!.slice(0, 150), before.runs[r]!.metrics[m]!, { rel: 1e-12 }, `run ${r + 1} ${m}, steps 0..149`);
      }
    });
    // From where it stopped, not from the start: DPO's π(rejected) goes on from its last value.
    const pi = after.runs[3]!.metrics.pi_rej!;
    expect(Math.abs(Math.log10(pi[150]!) - Math.log10(pi[149]!))).toBeLessThan(0.1);
    expect(Math.log10(pi[0]!) - Math.log10(pi[150]!)).toBeGreaterThan(1);
    expect(await page.locator('#pi-rej .recharts-label', { hasText: 'changed: β 0.25' }).count()).toBe(1);
    // Trained with its new β now: a verdict again.
    expect(await page.getAttribute('[data-testid=verdict-1]', 'data-kind')).not.toBe('untrained');
    expect(await page.getAttribute('[data-testid=verdict-1]', 'data-kind')).toBeTruthy();
  });

  it('one name everywhere: an edit renames the run in the legend, the table, the CSV and the link', async () => {
    const check = async (name: string) => {
      expect((await legendTexts(page))[1]).toBe(name);
      expect((await page.locator('[data-testid=final-1] td').first().textContent())!.trim()).toBe(name);
      const csv = (await exportFile(page, 'csv')).trim().split('\n').slice(1).map((l) => l.split(','));
      expect(new Set(csv.filter((row) => row[0] === '2').map((row) => row[1]))).toEqual(new Set([name]));
      await page.click('[data-testid=share]');
      const link = await page.inputValue('[data-testid=share-link-text]');
      await page.keyboard.press('Escape');
      expect(runName(decodeLink(link).state.experiment.runs[1]!)).toBe(name);
    };
    await check('IPO β=0.25 lr=0.003');
    const label = page.getByLabel('Run 2 name');
    await label.fill('steep IPO');
    await label.press('Tab');
    await page.waitForFunction(() => document.querySelector('[data-testid=legend-1]')?.textContent === 'steep IPO');
    await check('steep IPO');
  });

  it('the Share panel takes focus, closes on Escape and on a click outside, and gives focus back', async () => {
    await page.click('[data-testid=share]');
    await page.waitForSelector('[data-testid=share-panel]');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('share-panel');
    await page.keyboard.press('Escape');
    expect(await page.locator('[data-testid=share-panel]').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('share');
    await page.click('[data-testid=share]');
    await page.waitForSelector('[data-testid=share-panel]');
    await page.mouse.click(700, 600); // on a chart, outside the panel
    await page.waitForFunction(() => !document.querySelector('[data-testid=share-panel]'));
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'share');
  });

  it('keyboard focus looks different from a selected run, and no unnamed element takes focus', async () => {
    const ring = (sel: string) => page.locator(sel).evaluate((e) => {
      const s = getComputedStyle(e);
      return { outline: `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`, shadow: s.boxShadow, border: s.borderColor };
    });
    const selected = await ring('[data-testid=legend-0]');
    await page.focus('[data-testid=legend-1]');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab'); // focus by keyboard, so :focus-visible applies
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('legend-1');
    const focused = await ring('[data-testid=legend-1]');
    expect(selected.outline).toMatch(/^none/);
    expect(focused.outline).toMatch(/^solid 3px/);
    expect(focused.outline).not.toContain(selected.border); // not the selection's accent
    const unnamed = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('a[href], button, input, select, textarea, summary, [tabindex]')]
      .filter((e) => e.tabIndex >= 0 && !(e as HTMLButtonElement).disabled && e.offsetParent !== null)
      .filter((e) => !(e.getAttribute('aria-label') || e.textContent?.trim() || e.getAttribute('title') || (e.id && document.querySelector(`label[for="${e.id}"]`)) || e.closest('label')))
      .map((e) => e.outerHTML.slice(0, 80)));
    expect(unnamed).toEqual([]);
    expect(await page.locator('svg[tabindex]').count()).toBe(0);
    expect(lab.errors).toEqual([]);
  });
});

describe('a run whose loss reaches exactly 0', () => {
  it('stays visible on the log axis: drawn on a 0 line and marked, with the hinge\'s verdict', async () => {
    const s = defaultLinkState();
    s.presetId = null;
    s.basePresetId = null;
    s.experiment = parseExperiment({ ...s.experiment, model: 'tiny', steps: 60, runs: [{ loss: 'hinge', beta: 1, lr: 0.1 }, { loss: 'dpo', beta: 0.1, lr: 0.1 }] });
    s.view.hidden = [false, false];
    s.view.shades = [0, 0];
    const { page, errors } = await openLab(env.browser, `${env.server.url}#${encodeLink(s)}`);
    await page.click('[data-testid=run]');
    await waitForState(page, ['done'], 120_000);
    await page.waitForFunction(() => document.querySelector('[data-testid=verdict-0]')?.getAttribute('data-kind'));
    // The chart follows the last step a moment after the end.
    await page.waitForFunction(() => {
      const p = (window as unknown as { dpoLab: { plotted: Record<string, { rows: unknown[]; zeroFloor: number | null }> } }).dpoLab.plotted.loss;
      return p?.rows.length === 60 && p.zeroFloor !== null;
    });
    const loss = await plotted(page, 'loss');
    expect(loss.scale).toBe('log');
    const floor = (loss as unknown as { zeroFloor: number | null }).zeroFloor;
    expect(floor).not.toBeNull();
    const hinge = loss.rows.map((r) => r.r0);
    expect(hinge.at(-1)).toBe(floor); // drawn, at the 0 line: not a gap
    expect(hinge.every((v) => v !== null)).toBe(true);
    const ticks = await page.locator('#loss .recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value').allTextContents();
    expect(ticks[0]).toBe('0');
    const mark = await page.locator('#loss .zero-mark[data-series=r0] title').textContent();
    expect(mark).toMatch(/^Hinge \(SLiC\) β=1 lr=0\.1: exactly 0 from step \d+/);
    expect(await page.textContent('[data-testid=verdict-0]')).toMatch(/^stopped pushing: βh = [\d.]+ passed 1, so the loss is exactly 0$/);
    await screenshot(page, 'teacher-loss-zero', false);
    expect(errors).toEqual([]);
    await page.close();
  });
});
