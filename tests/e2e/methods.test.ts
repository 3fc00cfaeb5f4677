// The seeds' other methods in real Chromium: KTO and CPO picked in the run editor, a few steps on the tiny
// model, the GPO view's points moving; a bad λ and a KTO set of one kind refused at their fields.
import { describe, expect, it } from 'vitest';
import { labFixture } from './helpers/fixture';
import { currentStep, openLab, plotted, screenshot, seriesOf, waitForState } from './helpers/lab';

const env = labFixture();

interface GpoPoint { key: string; name: string; x: number; f: number; weight: number }
type Lab = { dpoLab: { gpo?: { step: number; points: GpoPoint[] } } };

describe('KTO, CPO and the GPO view', () => {
  it('picks KTO and CPO in the run editor, trains a few steps, and the GPO points move', async () => {
    const { page, errors } = await openLab(env.browser, env.server.url);
    await page.selectOption('select[aria-label="Model size"]', 'tiny');
    await waitForState(page, ['idle']);
    // The 6.3.1 preset: runs 1-3 IPO, 4-5 DPO. Run 1 becomes KTO, run 2 CPO.
    await page.selectOption('select[aria-label="Run 1 loss"]', 'kto');
    await waitForState(page, ['idle']);
    await page.selectOption('select[aria-label="Run 2 loss"]', 'cpo');
    await waitForState(page, ['idle']);
    await page.selectOption('select[aria-label="Run 2 CPO variant"]', 'hinge');
    await waitForState(page, ['idle']);
    await expect(page.locator('[data-testid=run-0]').textContent()).resolves.toMatch(/λ_D \(desirable\)[\s\S]*λ_U \(undesirable\)/);
    await expect(page.locator('[data-testid=run-1]').textContent()).resolves.toMatch(/α \(NLL weight\)/);
    await expect(page.locator('[data-testid=legend-1]').textContent()).resolves.toMatch(/^CPO-hinge β=0.5 lr=0.003/); // the tiny run set's learning rate;

    // A bad λ is refused at its field, with the range, and changes nothing.
    const lambdaD = page.getByLabel('λ_D (desirable)');
    await lambdaD.fill('0');
    await lambdaD.press('Enter');
    await expect(page.locator('[data-testid=run-0] .field-error').textContent()).resolves.toMatch(/KTO λ_D must be in \(0, 10\]/);
    await lambdaD.press('Escape');

    const gpo = () => page.evaluate(() => (window as unknown as Lab).dpoLab.gpo!);
    await page.locator('[data-testid=chart-gpo]').scrollIntoViewIfNeeded();
    await page.click('[data-testid=step]');
    await page.waitForFunction(() => ((window as unknown as Lab).dpoLab.gpo?.points.length ?? 0) > 0);
    const first = await gpo();
    // IPO beta=1 (square) and both DPO runs (logistic): 4 answer tokens each; KTO and CPO have no point.
    expect(first.points).toHaveLength(12);
    expect(first.points.map((p) => p.key.slice(0, 2)).sort()).toEqual([...Array(4).fill('r2'), ...Array(4).fill('r3'), ...Array(4).fill('r4')]);
    await expect(page.locator('[data-testid=chart-gpo] circle.gpo-point').count()).resolves.toBe(24); // on both panels
    const legend = (await page.locator('.gpo-legend').textContent())!;
    expect(legend).toMatch(/logistic \(DPO\)/);
    expect(legend).toMatch(/square \(IPO\)/);
    expect(legend).not.toMatch(/hinge \(SLiC\)/);

    await page.click('[data-testid=run]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=status]')?.getAttribute('data-step')) >= 20);
    await page.click('[data-testid=run]');
    await waitForState(page, ['paused', 'done']);
    await page.waitForFunction((s) => ((window as unknown as Lab).dpoLab.gpo?.step ?? 0) >= s, await currentStep(page));
    const later = await gpo();
    for (const p of first.points) {
      const q = later.points.find((o) => o.key === p.key)!;
      expect(Math.abs(q.x - p.x), p.name).toBeGreaterThan(1e-3); // every point moved
    }
    // DPO pushes βh up; the weight is -f'(βh) of each point's family.
    const dpo = later.points.filter((p) => p.key.startsWith('r4'));
    const dpoFirst = first.points.filter((p) => p.key.startsWith('r4'));
    expect(dpo.reduce((s, p) => s + p.x, 0)).toBeGreaterThan(dpoFirst.reduce((s, p) => s + p.x, 0));
    for (const p of dpo) expect(p.weight).toBeCloseTo(1 / (1 + Math.exp(p.x)), 6);

    // KTO's z0 is logged as kl for every run, and the rewards chart can show it.
    await page.selectOption('[data-testid=chart-rewards] select[aria-label=Metric]', 'kl');
    await page.waitForFunction(() => ((window as unknown as { dpoLab: { plotted: Record<string, { rows: unknown[] }> } }).dpoLab.plotted.rewards?.rows.length ?? 0) > 0);
    const kl = seriesOf(await plotted(page, 'rewards'), 'KTO β=0.1 lr=0.003');
    expect(kl.length).toBeGreaterThan(10);
    expect(kl.every((v) => v >= 0)).toBe(true);
    await screenshot(page, 'methods-kto-cpo-gpo');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('refuses marking every answer desirable while a run is KTO, at the data editor', async () => {
    const { page, errors } = await openLab(env.browser, env.server.url);
    await page.selectOption('select[aria-label="Run 1 loss"]', 'kto');
    await waitForState(page, ['idle']);
    await page.click('summary:has-text("Data")');
    await page.selectOption('select[aria-label="Pair 1 rejected label"]', 'desirable');
    await page.click('[data-testid=apply-data]');
    await expect(page.locator('[data-testid=data-problems]').textContent()).resolves.toMatch(/KTO needs at least one desirable and one undesirable answer, and every answer is marked desirable/);
    // Marking the chosen answer undesirable instead is fine: one of each kind, swapped.
    await page.selectOption('select[aria-label="Pair 1 chosen label"]', 'undesirable');
    await page.selectOption('select[aria-label="Pair 1 rejected label"]', 'desirable');
    await page.click('[data-testid=apply-data]');
    await waitForState(page, ['idle']);
    expect(await page.locator('[data-testid=data-problems]').count()).toBe(0);
    expect(await page.inputValue('select[aria-label="Pair 1 chosen label"]')).toBe('undesirable');
    expect(errors).toEqual([]);
    await page.close();
  });
});
