// A blog on another origin embeds the lab, drives it by postMessage, and tries to break it.
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeLink } from '../../src/state/link';
import { defaultLinkState } from '../../src/state/linkState';
import { parseExperiment } from '../../src/train/experiment';
import { launch } from './helpers/browser';
import { screenshot } from './helpers/lab';
import { serveDist, serveHtml, type StaticServer } from './helpers/server';

let lab: StaticServer;
let browser: Browser;
const hosts: StaticServer[] = [];

interface LabEvent {
  source: string;
  version: number;
  type: string;
  [k: string]: unknown;
}

/** The host page: an iframe of the lab, a sibling iframe that tries to command it, and an event log. */
function hostPage(src: string): string {
  return `<!doctype html><html><body style="margin:0">
<iframe id="lab" src="${src}" style="width:700px;height:500px;border:0"></iframe>
<iframe id="sibling" srcdoc="<script>window.attack = () => parent.frames[0].postMessage({ type: 'reset' }, '*');</script>"></iframe>
<script>
  window.events = [];
  const frame = document.getElementById('lab');
  window.addEventListener('message', (e) => {
    if (e.source !== frame.contentWindow) return;
    window.events.push(e.data);
    if (e.data && e.data.type === 'resize') frame.style.height = e.data.height + 'px';
  });
  window.send = (msg) => frame.contentWindow.postMessage(msg, '*');
</script></body></html>`;
}

async function openHost(src: string): Promise<{ page: Page; frame: Frame; errors: string[] }> {
  const host = await serveHtml(hostPage(src));
  hosts.push(host);
  const page = await browser.newPage({ viewport: { width: 760, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  const frame = page.frames().find((f) => f.url().startsWith(lab.origin))!;
  return { page, frame, errors };
}

const events = (page: Page) => page.evaluate(() => (window as unknown as { events: LabEvent[] }).events);
const waitForEvent = (page: Page, type: string, after = 0) =>
  page.waitForFunction(([t, n]) => (window as unknown as { events: LabEvent[] }).events.slice(n as number).some((e) => e.type === t), [type, after] as const, { timeout: 120_000 });
const send = (page: Page, msg: unknown) => page.evaluate((m) => (window as unknown as { send: (m: unknown) => void }).send(m), msg);
const labStep = (frame: Frame) => frame.getAttribute('[data-testid=status]', 'data-step').then(Number);
const labState = (frame: Frame) => frame.getAttribute('[data-testid=status]', 'data-state');

beforeAll(async () => {
  lab = await serveDist({ base: '/lab/' });
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await lab?.close();
  for (const h of hosts) await h.close();
});

/** A quick experiment for the host to set: tiny model, two runs, 30 steps. */
function quickLink(): string {
  const s = defaultLinkState();
  s.presetId = null;
  s.experiment = parseExperiment({ ...s.experiment, model: 'tiny', steps: 30, runs: [{ label: 'DPO', loss: 'dpo', beta: 0.1, lr: 0.5, optimizer: 'sgd' }, { label: 'IPO', loss: 'ipo', beta: 0.5, lr: 0.05, optimizer: 'sgd' }] });
  s.view.hidden = [false, false];
  return `#${encodeLink(s)}`;
}

describe('embedded in a page on another origin', () => {
  let page: Page;
  let frame: Frame;
  let errors: string[];

  beforeAll(async () => {
    ({ page, frame, errors } = await openHost(`${lab.url}#v=1&embed=1`));
    await waitForEvent(page, 'ready');
  });

  it('says it is ready, and reports a height that fits its content', async () => {
    const ev = await events(page);
    const ready = ev.find((e) => e.type === 'ready')!;
    expect(ready).toMatchObject({ source: 'dpo-ipo-lab', version: 1, state: expect.stringMatching(/^v=1/) });
    await waitForEvent(page, 'resize');
    const height = (await events(page)).filter((e) => e.type === 'resize').at(-1)!.height as number;
    expect(height).toBeGreaterThan(300);
    expect(await frame.evaluate(() => document.documentElement.scrollHeight)).toBe(height);
    expect(await page.evaluate(() => document.getElementById('lab')!.style.height)).toBe(`${height}px`);
    expect(await frame.locator('[data-testid=embed]').count()).toBe(1);
    expect(await frame.locator('.runs').count()).toBe(0); // no controls unless asked
  });

  it('takes setState and run, and sends progress, then done with the final metrics', async () => {
    const n = (await events(page)).length;
    await send(page, { type: 'setState', link: quickLink() });
    await frame.waitForFunction(() => document.querySelectorAll('.legend-item').length === 2);
    await send(page, { type: 'run' });
    await waitForEvent(page, 'done', n);
    const ev = (await events(page)).slice(n);
    const progress = ev.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress[0]).toMatchObject({ steps: 30, runs: [{ label: 'DPO' }, { label: 'IPO' }] });
    const done = ev.find((e) => e.type === 'done') as unknown as { step: number; runs: { label: string; loss_type: string; final: Record<string, number> }[] };
    expect(done.step).toBe(30);
    expect(done.runs.map((r) => [r.label, r.loss_type])).toEqual([['DPO', 'dpo'], ['IPO', 'ipo']]);
    for (const r of done.runs) for (const m of ['loss', 'pi_rej', 'sigma_margin', 'rewards/margins', 'grad_norm', 'h/0']) expect(Number.isFinite(r.final[m]), m).toBe(true);
    expect(done.runs[0]!.final.pi_rej).toBeLessThan(done.runs[1]!.final.pi_rej!); // DPO pushes harder
  });

  it('pauses and resets on command', async () => {
    await send(page, { type: 'reset' });
    await frame.waitForFunction(() => document.querySelector('[data-testid=status]')?.getAttribute('data-step') === '0');
    await send(page, { type: 'setState', experiment: { model: 'tiny', steps: 5000, runs: [{ loss: 'dpo', beta: 0.1, lr: 0.1 }] } });
    await frame.waitForFunction(() => document.querySelector('[data-testid=status]')?.textContent?.includes('/ 5000'));
    await frame.waitForFunction(() => document.querySelector('[data-testid=status]')?.getAttribute('data-state') === 'idle');
    await send(page, { type: 'run' });
    await frame.waitForFunction(() => Number(document.querySelector('[data-testid=status]')?.getAttribute('data-step')) > 5);
    await send(page, { type: 'pause' });
    await frame.waitForFunction(() => document.querySelector('[data-testid=status]')?.getAttribute('data-state') === 'paused');
    const at = await labStep(frame);
    await page.waitForTimeout(500);
    expect(await labStep(frame)).toBe(at);
  });

  it('ignores hostile and malformed messages, and keeps working', async () => {
    const before = { step: await labStep(frame), state: await labState(frame) };
    const n = (await events(page)).length;
    const junk: unknown[] = [
      'run', 42, null, [], [{ type: 'run' }], { type: 'RUN' }, { type: 'eval', code: 'alert(1)' }, { kind: 'run' },
      { type: 'setState' }, { type: 'setState', link: 12 }, { type: 'setState', experiment: 'x' },
      { type: 'setState', link: 'x'.repeat(300_000) }, { type: { toString: 'run' } }, JSON.stringify({ type: 'reset' }),
    ];
    for (const m of junk) await send(page, m);
    // Own "__proto__" keys, as JSON.parse makes them: in an unknown command, and in an experiment (refused below).
    await page.evaluate(() => {
      const w = window as unknown as { send: (m: unknown) => void };
      w.send(JSON.parse('{"type":"resetAll","__proto__":{"polluted":true}}'));
      w.send(JSON.parse('{"type":"setState","experiment":{"__proto__":{"polluted":true},"runs":"x"}}'));
    });
    // A well-formed command with an invalid experiment is refused with an error event.
    await send(page, { type: 'setState', experiment: { runs: [{ loss: 'ppo', beta: -1, lr: 'fast' }] } });
    // A command from another frame on the page (not the parent) is ignored.
    await page.evaluate(() => (document.getElementById('sibling') as HTMLIFrameElement & { contentWindow: { attack(): void } }).contentWindow.attack());
    await waitForEvent(page, 'error', n);
    await page.waitForTimeout(500);
    expect({ step: await labStep(frame), state: await labState(frame) }).toEqual(before);
    const errorsSent = (await events(page)).slice(n).filter((e) => e.type === 'error');
    await page.waitForFunction((k) => (window as unknown as { events: LabEvent[] }).events.slice(k).filter((e) => e.type === 'error').length >= 2, n);
    expect(errorsSent.length).toBeGreaterThanOrEqual(1);
    const refusals = (await events(page)).slice(n).filter((e) => e.type === 'error').map((e) => e.message as string);
    expect(refusals).toHaveLength(2);
    expect(refusals.some((m) => /setState refused: run 1: loss: Invalid option/.test(m))).toBe(true);
    expect(refusals.every((m) => m.startsWith('setState refused'))).toBe(true);
    expect(await frame.evaluate(() => ({} as Record<string, unknown>).polluted)).toBeUndefined();
    await send(page, { type: 'reset' }); // still listening
    await frame.waitForFunction(() => document.querySelector('[data-testid=status]')?.getAttribute('data-step') === '0');
    expect(errors).toEqual([]);
  });

  it('looks right at 700 x 500', async () => {
    await frame.evaluate(() => window.scrollTo(0, 0));
    const el = await page.$('#lab');
    await page.evaluate(() => ((document.getElementById('lab') as HTMLIFrameElement).style.height = '500px'));
    await page.waitForTimeout(300);
    const png = await el!.screenshot();
    const { writeFileSync, mkdirSync } = await import('node:fs');
    mkdirSync('artifacts/screenshots', { recursive: true });
    writeFileSync('artifacts/screenshots/embed-700x500.png', png);
    await screenshot(page, 'embed-host-page');
  });
});

describe('embed options', () => {
  it('shows the run editor when the link asks, and autoplays', async () => {
    const { page, frame } = await openHost(`${lab.url}${quickLink()}&embed=1&controls=1&autoplay=1&charts=sigma,h`);
    await waitForEvent(page, 'done');
    expect(await frame.locator('.runs').count()).toBe(1);
    expect(await frame.locator('figure.chart').evaluateAll((els) => els.map((e) => e.id))).toEqual(['sigma', 'h']);
    await page.close();
  });

  it('talks only to the parent origin the link names', async () => {
    const { page, frame } = await openHost(`${lab.url}${quickLink()}&embed=1&origin=https://elsewhere.example`);
    await frame.waitForFunction(() => document.querySelector('[data-testid=status]')?.getAttribute('data-state') === 'idle');
    await send(page, { type: 'run' });
    await page.waitForTimeout(1000);
    expect(await labState(frame)).toBe('idle');
    expect(await events(page)).toEqual([]); // events go to https://elsewhere.example only
    await page.close();
  });
});
