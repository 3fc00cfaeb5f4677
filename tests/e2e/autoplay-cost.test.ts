// Hostile input 3: a link within every limit but hours long does not autoplay; it says what it would cost.
import { describe, expect, it } from 'vitest';
import { encodeLink } from '../../src/state/link';
import { defaultLinkState } from '../../src/state/linkState';
import { parseExperiment } from '../../src/train/experiment';
import { labFixture } from './helpers/fixture';
import { openLab, screenshot } from './helpers/lab';

const env = labFixture();

describe('autoplay of an expensive link', () => {
  it('waits for Run, shows the estimate, and keeps the experiment', async () => {
    const s = defaultLinkState();
    s.presetId = null;
    const pair = { prompt: Array.from({ length: 32 }, (_, i) => i), chosen: Array.from({ length: 16 }, (_, i) => i), rejected: Array.from({ length: 16 }, (_, i) => 31 - i) };
    s.experiment = parseExperiment({ ...s.experiment, steps: 10_000, granularity: 'sequence', data: Array(8).fill(pair), runs: Array(8).fill(s.experiment.runs[0]) });
    s.view.hidden = Array(8).fill(false);
    s.embed = { ...s.embed, on: true, autoplay: true };
    const { page, errors } = await openLab(env.browser, `${env.server.url}#${encodeLink(s)}`, { width: 700, height: 500 });
    await page.waitForSelector('[data-testid=notice]');
    expect((await page.locator('[data-testid=notice]').allTextContents()).join()).toMatch(/would take about \d+(\.\d)? h and 1\.\d GB.*press Run/);
    await page.waitForTimeout(500);
    expect(await page.getAttribute('[data-testid=status]', 'data-state')).toBe('idle');
    expect(await page.getAttribute('[data-testid=status]', 'data-step')).toBe('0');
    expect(await page.textContent('[data-testid=cost]')).toMatch(/h and 1\.\d GB/);
    await screenshot(page, 'embed-autoplay-expensive', false);
    expect(errors).toEqual([]);
    await page.close();
  });
});
