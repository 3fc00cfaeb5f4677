// "Replay the notebook exactly" in real Chromium: the switch, the notebook's printed step-0 numbers on
// the 6.3.1 preset, the link that carries it, and the explanation of its three quirks.
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../helpers/close';
import { labFixture } from './helpers/fixture';
import { openLab, plotted, screenshot, seriesOf, waitForState } from './helpers/lab';

const env = labFixture();

describe('replaying the notebook exactly', () => {
  it('starts every 6.3.1 run at the notebook\'s printed pi_rej, and the link keeps the switch', async () => {
    const { page, errors } = await openLab(env.browser, env.server.url);
    await page.check('[data-testid=notebook-exact]');
    await waitForState(page, ['idle']);
    await page.click('[data-testid=step]');
    await page.waitForFunction(() => document.querySelector('[data-testid=status]')?.getAttribute('data-step') === '1');
    await page.waitForFunction(() => ((window as unknown as { dpoLab: { plotted: Record<string, { rows: unknown[] }> } }).dpoLab.plotted['pi-rej']?.rows.length ?? 0) >= 1);
    const piRej = await plotted(page, 'pi-rej');
    // seeds/003, 6.3.1: every run prints pi_rej 0.038977719843387604 at step 0 (plotted as log10).
    const first = piRej.keys.map((k) => seriesOf(piRej, k.name)[0]!);
    expect(first).toHaveLength(5);
    expectAllClose(first, first.map(() => Math.log10(0.038977719843387604)), { rel: 0, abs: 2e-6 }, 'log10 pi_rej at step 0');
    expect(await page.textContent('.explain')).toMatch(/Replaying the notebook exactly[\s\S]*x_rejected/);
    await screenshot(page, 'replay-switch');

    // The address bar carries the switch: a fresh page opens with it on.
    await page.waitForFunction(() => window.location.hash.includes('s='));
    const again = await openLab(env.browser, page.url());
    expect(await again.page.isChecked('[data-testid=notebook-exact]')).toBe(true);
    expect(await again.page.locator('[data-testid=notice]').allTextContents()).toEqual([]);
    expect([...errors, ...again.errors]).toEqual([]);
    await page.close();
    await again.page.close();
  });
});
