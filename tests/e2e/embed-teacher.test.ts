// The embed in a blog: it reports its content's height, so a host that resizes on the message gets the
// right height both ways; at 700 x 500 every chart is whole; it keeps the one-line guidance and, at the
// end, a verdict per run (in the page and in the done event).
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeLink } from '../../src/state/link';
import { defaultLinkState } from '../../src/state/linkState';
import { fillSlots } from '../../src/state/shades';
import { parseExperiment } from '../../src/train/experiment';
import { findPreset } from '../../src/train/presets';
import { launch } from './helpers/browser';
import { ARTIFACTS } from './helpers/lab';
import { serveDist, serveHtml, type StaticServer } from './helpers/server';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

let lab: StaticServer;
let browser: Browser;
const hosts: StaticServer[] = [];

beforeAll(async () => {
  lab = await serveDist({ base: '/lab/' });
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await lab?.close();
  for (const h of hosts) await h.close();
});

/** §6.3.1's tiny run set: two DPO and three IPO runs, 150 steps. */
function sweepHash(): string {
  const s = defaultLinkState();
  s.experiment = parseExperiment(structuredClone(findPreset('beta-sweep')!.tiny));
  s.view.hidden = s.experiment.runs.map(() => false);
  s.view.shades = fillSlots(s.experiment.runs, []);
  return `#${encodeLink(s)}&embed=1`;
}

/** A blog page: the lab's iframe at the snippet's size, resized (or not) on the lab's resize events. */
async function openHost(src: string, o: { width: number; height: number; follow: boolean }): Promise<{ page: Page; frame: Frame; errors: string[] }> {
  const host = await serveHtml(`<!doctype html><html><body style="margin:0">
<iframe id="lab" src="${src}" title="DPO/IPO Lab" style="width:${o.width}px;height:${o.height}px;border:0"></iframe>
<script>
  window.events = [];
  const frame = document.getElementById('lab');
  window.addEventListener('message', (e) => {
    if (e.source !== frame.contentWindow) return;
    window.events.push(e.data);
    if (${o.follow} && e.data && e.data.type === 'resize') frame.style.height = e.data.height + 'px';
  });
  window.send = (msg) => frame.contentWindow.postMessage(msg, '*');
</script></body></html>`);
  hosts.push(host);
  const page = await browser.newPage({ viewport: { width: 1100, height: 1200 } });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  const frame = page.frames().find((f) => f.url().startsWith(lab.origin))!;
  await frame.waitForFunction(() => document.querySelector('[data-testid=status]')?.getAttribute('data-state') === 'idle', null, { timeout: 120_000 });
  return { page, frame, errors };
}

const frameHeight = (page: Page) => page.evaluate(() => document.getElementById('lab')!.getBoundingClientRect().height);
const contentHeight = (frame: Frame) => frame.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
/** Waits until the host has followed the lab's last resize event to the content's height. */
async function settled(page: Page, frame: Frame): Promise<number> {
  let h = 0;
  for (let i = 0; i < 50; i++) {
    const [content, framed] = [await contentHeight(frame), await frameHeight(page)];
    if (Math.abs(content - framed) <= 1 && content === h) return content;
    h = content;
    await page.waitForTimeout(100);
  }
  throw new Error(`the frame (${await frameHeight(page)} px) never settled on its content (${await contentHeight(frame)} px)`);
}

function save(name: string, png: Buffer) {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(path.join(ARTIFACTS, `${name}.png`), png);
}

describe('the embed\'s height', () => {
  it('shrinks a 640 px frame to its content, grows when the content grows, and shrinks back', async () => {
    const { page, frame, errors } = await openHost(`${lab.url}#v=1&embed=1`, { width: 700, height: 640, follow: true });
    const first = await settled(page, frame);
    expect(first).toBeLessThan(640); // was: 640 reported back, forever
    const resizes = () => page.evaluate(() => (window as unknown as { events: { type: string; height?: number }[] }).events.filter((e) => e.type === 'resize').map((e) => e.height!));
    expect((await resizes()).at(-1)).toBe(first);
    // Narrower: charts stack, the content grows, and the frame with it.
    await page.evaluate(() => (document.getElementById('lab')!.style.width = '360px'));
    const tall = await settled(page, frame);
    expect(tall).toBeGreaterThan(first + 200);
    // Wide again: back down.
    await page.evaluate(() => (document.getElementById('lab')!.style.width = '700px'));
    const again = await settled(page, frame);
    expect(Math.abs(again - first)).toBeLessThanOrEqual(1);
    expect(await frame.evaluate(() => document.documentElement.scrollHeight - document.documentElement.clientHeight)).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the embed at 700 x 500', () => {
  let page: Page;
  let frame: Frame;
  let errors: string[];

  beforeAll(async () => {
    ({ page, frame, errors } = await openHost(`${lab.url}${sweepHash()}`, { width: 700, height: 500, follow: false }));
  });

  const chartsInside = () => frame.evaluate(() => [...document.querySelectorAll<HTMLElement>('figure.chart')].map((f) => {
    const r = f.getBoundingClientRect();
    const svg = f.querySelector('svg.recharts-surface')!.getBoundingClientRect();
    return { id: f.id, inside: r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight, svgInside: svg.left >= r.left && svg.right <= r.right, overflow: f.scrollWidth - f.clientWidth };
  }));

  it('keeps the one-line guidance, and shows every chart whole', async () => {
    expect(await frame.textContent('[data-testid=look-for]')).toBe('What to look for: DPO drives π(rejected) down without a floor; each IPO run stops where h = 1/(2β), at σ(βh) ≈ 0.6225.');
    const charts = await chartsInside();
    expect(charts.map((c) => c.id)).toEqual(['pi-rej', 'sigma', 'loss']);
    for (const c of charts) expect(c, c.id).toMatchObject({ inside: true, svgInside: true, overflow: 0 });
  });

  it('ends with a verdict per run, in the frame and in the done event', async () => {
    await page.evaluate(() => (window as unknown as { send: (m: unknown) => void }).send({ type: 'run' }));
    await page.waitForFunction(() => (window as unknown as { events: { type: string }[] }).events.some((e) => e.type === 'done'), null, { timeout: 240_000 });
    const done = await page.evaluate(() => (window as unknown as { events: { type: string; runs: { label: string; verdict: string }[] }[] }).events.find((e) => e.type === 'done')!);
    const shown = (await frame.locator("[data-testid=run-verdicts] li").allTextContents()).map((t) => t.trim());
    expect(shown).toHaveLength(5);
    done.runs.forEach((r, i) => {
      expect(shown[i]).toBe(`${r.label}: ${r.verdict}`);
      if (r.label.startsWith('IPO')) expect(r.verdict).toMatch(/^settled: h = 1\/\(2β\) = (5|1|0\.5) within 1% over the last \d+ steps$/);
      else expect(r.verdict).toMatch(/^π\(rejected\) still falling: .+, no plateau$/);
    });
    await frame.evaluate(() => window.scrollTo(0, 0));
    for (const c of await chartsInside()) expect(c, c.id).toMatchObject({ inside: true, svgInside: true, overflow: 0 });
    save('embed-teacher-700x500-done', await (await page.$('#lab'))!.screenshot());
    expect(errors).toEqual([]);
  });
});

describe('the Share panel\'s embed snippet', () => {
  for (const controls of [false, true]) {
    it(`asks for a height that holds the trained embed at 700 px wide${controls ? ', with the run editor' : ''} (en and zh)`, async () => {
      for (const lang of ['en', 'zh']) {
        // The snippet as the Share panel writes it, for §6.3.1's five runs.
        const panel = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
        await panel.goto(`${lab.url}${sweepHash().replace('&embed=1', '')}&lang=${lang}`);
        await panel.click('[data-testid=share]');
        if (controls) await panel.locator('.share-options input[type=checkbox]').nth(1).check();
        const snippet = await panel.inputValue('[data-testid=embed-code-text]');
        await panel.close();
        expect(snippet).toContain(controls ? 'controls=1' : 'autoplay=1');
        const height = Number(/ height="(\d+)"/.exec(snippet)![1]);
        // Pasted into a blog's 700 px column that listens to no message; it autoplays.
        const host = await serveHtml(`<!doctype html><html><body style="margin:0;width:700px">${snippet}
<script>window.events = []; window.addEventListener('message', (e) => window.events.push(e.data));</script></body></html>`);
        hosts.push(host);
        const page = await browser.newPage({ viewport: { width: 760, height: 2200 } });
        await page.goto(host.url);
        await page.waitForSelector('iframe');
        let frame = page.frames().find((f) => f.url().startsWith(lab.origin));
        for (let i = 0; !frame && i < 100; i++) frame = (await page.waitForTimeout(100), page.frames().find((f) => f.url().startsWith(lab.origin)));
        if (!frame) throw new Error('the snippet\'s iframe never loaded the lab');
        await frame.waitForFunction(() => document.querySelector('[data-testid=status]')?.getAttribute('data-state') === 'done', null, { timeout: 240_000 });
        await frame.waitForFunction(() => [...document.querySelectorAll('[data-testid^=embed-verdict-]')].every((e) => e.getAttribute('data-kind')));
        await page.waitForTimeout(300); // the last resize message
        const content = await contentHeight(frame);
        const resized = await page.evaluate(() => (window as unknown as { events: { type: string; height: number }[] }).events.filter((e) => e.type === 'resize').at(-1)?.height);
        // Was: 900 with the run editor, against 1481 px of content (en and zh); 640 without, against 621.
        expect(await frame.evaluate(() => document.documentElement.scrollHeight - document.documentElement.clientHeight), `${lang}: ${content} px in ${height}`).toBeLessThanOrEqual(0);
        expect(content, lang).toBeLessThanOrEqual(height);
        expect(height - content, `${lang}: spare below the content`).toBeLessThanOrEqual(64);
        expect(resized, `${lang}: the resize message still reports the content`).toBe(content);
        save(`embed-snippet-${controls ? 'controls' : 'plain'}-${lang}`, await (await page.$('iframe'))!.screenshot());
        await page.close();
      }
    });
  }
});
