// LoRA and DoRA in the run editor, in real Chromium: the preset, each run's trainable parameters,
// a refused rank at its field, and training with adapters.
import { describe, expect, it } from 'vitest';
import { labFixture } from './helpers/fixture';
import { openLab, plotted, screenshot, seriesOf, waitForState } from './helpers/lab';

const env = labFixture();

describe('LoRA and DoRA runs', () => {
  it('the LoRA preset shows each run\'s trainable parameters, refuses a bad rank at its field, and trains', async () => {
    const { page, errors } = await openLab(env.browser, env.server.url);
    await page.click('[data-testid=preset-lora-dpo]');
    await waitForState(page, ['idle']);
    expect(await page.textContent('[data-testid=look-for]')).toMatch(/LoRA on q and v/);
    // The notes under π(rejected) and σ say adapters get less far: DPO with LoRA has a floor here
    for (const chart of ['pi-rej', 'sigma']) expect(await page.textContent(`[data-testid=chart-${chart}] .chart-note`)).toMatch(/LoRA and DoRA runs train small adapters on a frozen model/);
    const trainable = async (i: number) => (await page.textContent(`[data-testid=trainable-${i}]`))!.replace(/\D/g, '');
    // Notebook model: full 1,328,384; LoRA on q, v of 2 layers: r (256 + 256) each.
    expect([await trainable(0), await trainable(1), await trainable(2)]).toEqual(['1328384', String(4 * 512), String(4 * 4 * 512)]);

    await page.selectOption('select[aria-label="Run 1 policy"]', 'dora');
    await waitForState(page, ['idle']);
    expect(await trainable(0)).toBe(String(4 * (8 * 512 + 256))); // PEFT's default r 8, plus the magnitudes
    const rank = page.locator('[data-testid=run-0] input[inputmode=numeric]').first();
    await rank.fill('300');
    await rank.press('Enter');
    await expect(page.locator('[data-testid=run-0] .field-error').textContent()).resolves.toMatch(/LoRA rank r must be in 1\.\.256/);
    await screenshot(page, 'lora-runs');
    // Unticking the last target is refused where the targets are.
    await page.uncheck('input[aria-label="Run 1 LoRA on q_proj"]');
    await waitForState(page, ['idle']);
    await page.click('input[aria-label="Run 1 LoRA on v_proj"]');
    await expect(page.locator('[data-testid=run-0] [role=alert]', { hasText: 'at least one target' }).count()).resolves.toBe(1);
    expect(await page.isChecked('input[aria-label="Run 1 LoRA on v_proj"]')).toBe(true);
    expect(await trainable(0)).toBe(String(2 * (8 * 512 + 256)));

    await page.click('[data-testid=run]');
    await page.waitForFunction(() => ((window as unknown as { dpoLab: { plotted: Record<string, { rows: unknown[] }> } }).dpoLab.plotted['pi-rej']?.rows.length ?? 0) > 10, null, { timeout: 120_000 });
    // Pause it, unless it finished first (a run of a few seconds can, on an idle machine).
    if ((await page.getAttribute('[data-testid=status]', 'data-state')) === 'running') await page.click('[data-testid=run]');
    await waitForState(page, ['paused', 'done']);
    const piRej = await plotted(page, 'pi-rej');
    expect(seriesOf(piRej, 'DPO β=0.1 lr=0.1 LoRA r=4 α=8').length).toBeGreaterThan(10);
    expect(seriesOf(piRej, 'DPO β=0.1 lr=0.1 DoRA r=8 α=8 on v').length).toBeGreaterThan(10);
    expect(errors).toEqual([]);
  });
});
