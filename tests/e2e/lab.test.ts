// The lab in real Chromium (WebGPU and WebGL on the software adapter here), as a user drives it.
import { beforeAll, describe, expect, it } from 'vitest';
import { labFixture } from './helpers/fixture';
import { currentStep, openLab, pixelStats, plotted, screenshot, seriesOf, waitForState, type LabPage } from './helpers/lab';

const env = labFixture();

const IPO = (beta: string) => `IPO β=${beta} lr=0.0001`;
const DPO = (beta: string) => `DPO β=${beta} lr=0.01`;

describe('the lab page', () => {
  let lab: LabPage;

  beforeAll(async () => {
    lab = await openLab(env.browser, env.server.url);
  });

  it('loads with no console error and says which backend runs, truthfully', async () => {
    const { page, errors } = lab;
    expect(errors).toEqual([]);
    const active = await page.getAttribute('[data-testid=backend]', 'data-backend');
    const reason = (await page.textContent('[data-testid=backend-reason]'))!;
    // What this browser really offers, asked independently of the app.
    const gpu = await page.evaluate(async () => {
      const g = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ isFallbackAdapter?: boolean; info?: { isFallbackAdapter?: boolean; architecture?: string } } | null> } }).gpu;
      const a = g ? await g.requestAdapter() : null;
      return { present: a !== null, fallback: a ? a.isFallbackAdapter === true || a.info?.isFallbackAdapter === true || /swiftshader/i.test(a.info?.architecture ?? '') : false };
    });
    if (gpu.present && gpu.fallback) {
      expect(active).not.toBe('webgpu');
      expect(reason).toMatch(/WebGPU adapter is a software fallback/);
    }
    expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(active);
    expect(reason).toMatch(new RegExp(`using ${{ webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' }[active!]}|^${{ webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' }[active!]}`));
    expect(await page.textContent('[data-testid=look-for]')).toMatch(/What to look for/);
    expect(await page.locator('[data-testid=notice]').allTextContents()).toEqual([]); // a plain address is no broken link
  });

  it('switches backend on request and reports the one that really runs', async () => {
    const { page } = lab;
    await page.selectOption('select[aria-label=Backend]', 'cpu');
    await page.waitForFunction(() => document.querySelector('[data-testid=backend]')?.getAttribute('data-backend') === 'cpu');
    expect(await page.textContent('[data-testid=backend-reason]')).toMatch(/^CPU, as chosen/);
    await waitForState(page, ['idle']);
    await page.click('[data-testid=step]');
    await page.waitForFunction(() => document.querySelector('[data-testid=status]')?.getAttribute('data-step') === '1');
    await page.selectOption('select[aria-label=Backend]', 'auto');
    await page.waitForFunction(() => document.querySelector('[data-testid=backend]')?.getAttribute('data-backend') !== 'cpu', null, { timeout: 60_000 });
    await waitForState(page, ['idle']);
    expect(await currentStep(page)).toBe(0); // switching restarts on the new backend
  });

  it('runs the 6.3.1 preset to the end, and the charts show what SPEC 1 predicts', async () => {
    const { page } = lab;
    await page.click('[data-testid=preset-beta-sweep]');
    await waitForState(page, ['idle']);
    await page.click('[data-testid=run]');
    await waitForState(page, ['done'], 240_000);
    expect(await currentStep(page)).toBe(100);
    // How long main-thread tasks take while training is a speed target: `npm run bench` measures it.

    // Charts show the final step within a moment of the end.
    await page.waitForFunction(() => (window as unknown as { dpoLab: { plotted: Record<string, { rows: unknown[] }> } }).dpoLab.plotted['pi-rej']!.rows.length === 100, null, { timeout: 2000 });
    const piRej = await plotted(page, 'pi-rej');
    expect(piRej.scale).toBe('log');
    const last = (name: string) => seriesOf(piRej, name).at(-1)!;
    // IPO levels off, higher for larger beta; DPO falls far below, with no plateau.
    expect(last(IPO('1'))).toBeGreaterThan(last(IPO('0.5')));
    expect(last(IPO('0.5'))).toBeGreaterThan(last(IPO('0.1')));
    expect(last(IPO('0.1'))).toBeGreaterThan(last(DPO('0.1')));
    for (const b of ['0.1', '0.5']) {
      const s = seriesOf(piRej, DPO(b));
      expect(s).toHaveLength(100);
      expect(s[0]! - s[99]!).toBeGreaterThan(2); // fell by over 2 orders of magnitude (log10 units)
      expect(s[79]! - s[99]!).toBeGreaterThan(0.04); // still falling at the end
    }
    const ipo1 = seriesOf(piRej, IPO('1'));
    expect(Math.abs(ipo1[99]! - ipo1[89]!)).toBeLessThan(0.005); // IPO: a plateau

    const sigma = await plotted(page, 'sigma');
    for (const b of ['0.1', '0.5', '1']) expect(Math.abs(seriesOf(sigma, IPO(b)).at(-1)! - 0.6225)).toBeLessThan(0.002);
    expect(seriesOf(sigma, DPO('0.5')).at(-1)).toBeGreaterThan(0.95);

    const h = await plotted(page, 'h'); // the first run, IPO beta=0.1: every h_t -> 1/(2 beta) = 5
    for (const k of h.keys) expect(Math.abs(seriesOf(h, k.name).at(-1)! - 5)).toBeLessThan(0.1);

    // Each run is drawn: one unbroken path of 100 points per run, in the run's colour.
    const paths = await page.$$eval('[data-testid=chart-pi-rej] path.series-path', (ps) => ps.map((p) => ({ d: p.getAttribute('d') ?? '', stroke: p.getAttribute('stroke') })));
    expect(paths).toHaveLength(5);
    for (const p of paths) expect(p.d.match(/[ML]/g)!.join('')).toBe('M' + 'L'.repeat(99));
    expect(new Set(paths.map((p) => p.stroke)).size).toBe(5);
    // The table below the charts (off-screen while training) holds the final values, e.g. sigma(beta h) of IPO beta=1.
    await page.waitForFunction(() => document.querySelector('[data-testid=final-2] td:nth-child(5)')?.textContent !== '–', null, { timeout: 2000 });
    const row = await page.locator('[data-testid=final-2] td').allTextContents();
    expect(Number(row[4])).toBeCloseTo(0.6225, 2);

    const png = await screenshot(page, 'lab-6.3.1-done');
    const stats = pixelStats(png);
    expect(stats.inked).toBeGreaterThan(0.1);
    expect(stats.colours).toBeGreaterThan(50);
    expect(lab.errors).toEqual([]);
  });

  it('pauses: no step happens while paused; Step advances exactly one', async () => {
    const { page } = lab;
    await page.click('[data-testid=preset-dpo-overfits]');
    await waitForState(page, ['idle']);
    await page.click('[data-testid=run]');
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=status]')?.getAttribute('data-step')) >= 5);
    await page.click('[data-testid=run]'); // the same button pauses
    await waitForState(page, ['paused']);
    const at = await currentStep(page);
    await page.waitForTimeout(1000);
    expect(await currentStep(page)).toBe(at);
    await page.click('[data-testid=step]');
    await page.waitForFunction((s) => Number(document.querySelector('[data-testid=status]')?.getAttribute('data-step')) === s + 1, at);
    await page.waitForTimeout(500);
    expect(await currentStep(page)).toBe(at + 1);
  });

  it('runs and pauses with the space bar', async () => {
    const { page } = lab;
    await page.click('h1');
    await page.keyboard.press('Space');
    await waitForState(page, ['running']);
    await page.keyboard.press('Space');
    await waitForState(page, ['paused']);
  });

  it('refuses a bad learning rate with a message, and stops only a run that diverges', async () => {
    const { page } = lab;
    await page.click('[data-testid=preset-beta-sweep]');
    await waitForState(page, ['idle']);
    const lr = page.locator('[data-testid=run-0] input[inputmode=decimal]').nth(1);
    await lr.fill('fast');
    await lr.press('Enter');
    await expect(page.locator('[data-testid=run-0] .field-error').textContent()).resolves.toMatch(/not a number/);
    await lr.fill('-1');
    await lr.press('Enter');
    await expect(page.locator('[data-testid=run-0] .field-error').textContent()).resolves.toMatch(/^run 1: learning rate must be in \(0, 1e6\]; still 0\.0001 \(Esc shows it\)$/); // Run trains on the value still in use
    await lr.fill('1000000');
    await lr.press('Enter');
    await page.waitForTimeout(300);
    await page.click('[data-testid=run]');
    await page.waitForSelector('[data-testid=diverged-0]', { timeout: 60_000 });
    expect(await page.textContent('[data-testid=diverged-0]')).toMatch(/learning rate 1000000 is too large/);
    // What to look for names the changed run, its loss's expectation, and that this run stopped instead
    expect(await page.textContent('[data-testid=look-for-run-0]')).toMatch(/settles where every h_t = 1\/\(2β\).* This run stopped at step \d+ instead: .*learning rate 1000000 is too large for this run\.$/);
    // The others go on.
    await page.waitForFunction(() => {
      const p = (window as unknown as { dpoLab: { plotted: Record<string, { rows: unknown[] }> } }).dpoLab.plotted['pi-rej'];
      return (p?.rows.length ?? 0) > 10;
    }, null, { timeout: 120_000 }); // the notebook model's five runs, on a shared machine
    const piRej = await plotted(page, 'pi-rej');
    expect(seriesOf(piRej, DPO('0.1')).length).toBeGreaterThan(10);
    expect(seriesOf(piRej, IPO('1')).length).toBeGreaterThan(10);
    // Pause, unless the other runs already finished (a fast machine can get there first).
    if ((await page.getAttribute('[data-testid=status]', 'data-state')) === 'running') await page.click('[data-testid=run]');
    await waitForState(page, ['paused', 'done']);
    await expect(page.locator('[data-testid=notice]', { hasText: 'Run 1 stopped' }).count()).resolves.toBe(1);
    expect(lab.errors).toEqual([]);
  });

  it('edits the data as words, with validation messages', async () => {
    const { page } = lab;
    await page.click('summary:has-text("Data")');
    await page.check('input[name=text-mode] >> nth=1'); // words
    const chosen = page.locator('input[aria-label="Pair 1 chosen"]');
    await chosen.fill('I love zebras');
    await expect(page.locator('[data-testid=data-problems]').textContent()).resolves.toMatch(/"zebras" is not in the word vocabulary/);
    // Nothing to apply while a field is wrong, and the editor says its edits are not in use yet.
    expect(await page.isDisabled('[data-testid=apply-data]')).toBe(true);
    expect(await page.textContent('[data-testid=data-unapplied]')).toMatch(/not applied yet/);
    await chosen.fill('I love tea !');
    await page.locator('input[aria-label="Pair 1 rejected"]').fill('I hate tea .');
    await page.click('[data-testid=apply-data]');
    await waitForState(page, ['idle']);
    expect(await page.inputValue('input[aria-label="Pair 1 chosen"]')).toBe('I love tea !');
    expect(await page.locator('[data-testid=data-problems]').count()).toBe(0);
    await page.check('input[name=text-mode] >> nth=0'); // back to ids
    await page.waitForFunction(() => (document.querySelector('input[aria-label="Pair 1 chosen"]') as HTMLInputElement).value === '1, 8, 14, 31');
  });
});

describe('the lab at full load', () => {
  it('stays live at 8 runs x 1000 steps: every run drawn, hover readout for every run', async () => {
    const lab = await openLab(env.browser, env.server.url);
    const { page } = lab;
    await page.selectOption('select[aria-label="Model size"]', 'tiny');
    await waitForState(page, ['idle']);
    for (let i = 0; i < 3; i++) {
      await page.click('[data-testid=add-run]');
      await waitForState(page, ['idle']);
    }
    const steps = page.getByLabel('steps', { exact: true });
    await steps.fill('1000');
    await steps.press('Enter');
    await page.waitForTimeout(200);
    await page.click('[data-testid=run]');
    // No speed is asserted: a busy machine only takes longer to get there.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=status]')?.getAttribute('data-step')) >= 300, null, { timeout: 240_000 });
    // Hovering a chart mid-run shows a readout for every run.
    await page.hover('[data-testid=chart-loss] .recharts-wrapper', { position: { x: 200, y: 100 } });
    await page.waitForSelector('.tooltip');
    expect(await page.locator('.tooltip .tooltip-row').count()).toBe(8);
    await page.mouse.move(5, 5);
    await waitForState(page, ['done'], 300_000);
    await page.waitForTimeout(300);
    const loss = await plotted(page, 'loss');
    expect(loss.keys).toHaveLength(8);
    expect(loss.rows.length).toBeLessThanOrEqual(300); // drawn from min-max buckets, not 1000 points
    expect(loss.rows.at(-1)!.x).toBe(999);
    await screenshot(page, 'lab-8x1000', false);
    expect(lab.errors).toEqual([]);
    await page.close();
  });
});

describe('the lab on a phone', () => {
  it('fits 360 px without sideways scrolling, in dark mode', async () => {
    const lab = await openLab(env.browser, env.server.url, { width: 360, height: 780 });
    const { page } = lab;
    await page.click('button[aria-label="Switch to dark mode"]');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.click('[data-testid=step]');
    await page.waitForFunction(() => document.querySelector('[data-testid=status]')?.getAttribute('data-step') === '1');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'lab-phone-dark');
    expect(lab.errors).toEqual([]);
    await page.close();
  });
});
