// Every core: the built site, served by a plain static server (no isolation headers, like a Pages
// sub-path), becomes cross-origin isolated through its own service worker after one reload, and its WASM
// backend runs on threads; threads give the single thread's curves; an embed in a page that is not
// isolated stays single-threaded and says why.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAllClose } from '../helpers/close';
import { encodeLink } from '../../src/state/link';
import { defaultLinkState } from '../../src/state/linkState';
import { parseExperiment, type Experiment } from '../../src/train/experiment';
import type { BackendInfo } from '../../src/worker/protocol';
import { launch, watchErrors } from './helpers/browser';
import { watchCsp } from './helpers/csp';
import { waitForState } from './helpers/lab';
import { serveDist, serveHtml, type StaticServer } from './helpers/server';

let server: StaticServer;
let browser: Browser;
const hosts: StaticServer[] = [];

beforeAll(async () => {
  server = await serveDist({ base: '/lab/' }); // no COOP/COEP headers: only the service worker can isolate
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  for (const h of hosts) await h.close();
});

function tinyExperiment(steps: number): Experiment {
  return parseExperiment({
    ...defaultLinkState().experiment, model: 'tiny', steps,
    runs: [{ label: 'DPO', loss: 'dpo', beta: 0.5, lr: 0.5, optimizer: 'sgd' }, { label: 'IPO', loss: 'ipo', beta: 0.5, lr: 0.05, optimizer: 'adam' }],
  });
}

function tinyLink(flags = ''): string {
  const s = defaultLinkState();
  s.presetId = null;
  s.backend = 'wasm';
  s.experiment = tinyExperiment(3);
  s.view.hidden = [false, false];
  return `${server.url}#${encodeLink(s)}${flags}`;
}

type Bench = {
  setBackend(c: string, threads?: number, shards?: number): Promise<BackendInfo>;
  load(e: Experiment): Promise<number>;
  run(budgetMs: number): Promise<unknown>;
  metrics(): Record<string, number[]>[];
};

/** Trains `e` on WASM with exactly `threads` threads (or the runs over `shards` workers) in the benchmark page; every metric of every step. */
async function trainOn(page: Page, e: Experiment, threads?: number, shards?: number): Promise<{ info: BackendInfo; metrics: Record<string, number[]>[] }> {
  return page.evaluate(async ([exp, n, s]) => {
    const bench = (window as unknown as { labBench: Bench }).labBench;
    await bench.setBackend('wasm', n, s);
    await bench.load(exp);
    await bench.run(600_000);
    return { info: (bench as unknown as { backend(): BackendInfo }).backend(), metrics: bench.metrics() };
  }, [e, threads, shards] as const);
}

describe('cross-origin isolation from the service worker', () => {
  let ctx: BrowserContext;
  afterAll(async () => ctx?.close());

  it('isolates every visit after the first on a host that sends no headers, with no CSP violation; WASM gets threads', async () => {
    ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    const csp = await watchCsp(page);
    let navigations = 0; // documents loaded (a same-document address change is not one)
    page.on('load', () => navigations++);
    // The first visit starts at once, single-threaded, and says why: it does not wait for the service worker.
    await page.goto(tinyLink());
    await waitForState(page, ['idle']);
    expect(navigations).toBe(1);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    expect(await page.getAttribute('[data-testid=backend]', 'data-threads')).toBe('1');
    expect(await page.textContent('[data-testid=backend-reason]')).toMatch(/WASM, 1 thread.*\(a first visit is not cross-origin isolated: the service worker isolates the next one\)/);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 60_000 });
    // The next visit is isolated from its first byte.
    navigations = 0;
    await page.reload();
    await waitForState(page, ['idle']);
    expect(navigations).toBe(1);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    // The document itself came through the service worker, with its headers (the server sent none).
    const entry = await page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).workerStart);
    expect(entry).toBeGreaterThan(0);
    expect(server.requests.length).toBeGreaterThan(0);
    // Threads are allowed here; how many run was measured on this experiment (1, 2 and every core).
    const threads = Number(await page.getAttribute('[data-testid=backend]', 'data-threads'));
    const reason = (await page.textContent('[data-testid=backend-reason]'))!;
    expect(threads).toBeGreaterThanOrEqual(1);
    expect(reason).toMatch(new RegExp(`WASM, ${threads} threads?`));
    expect(reason).toMatch(/\(measured: 1 thread [\d.]+, 2 threads [\d.]+ steps\/s\)/);
    expect(await page.locator('select[aria-label=Backend] option:checked').textContent()).toMatch(new RegExp(`WASM, ${threads} threads?`));
    // It trains, and nothing the isolation adds breaks the strict CSP or anything else.
    await page.click('[data-testid=run]');
    await waitForState(page, ['done']);
    expect(await csp.violations()).toEqual([]);
    expect(errors).toEqual([]);
    // The thread count measured on this visit is kept for the next, which does not measure again.
    navigations = 0;
    await page.reload();
    await waitForState(page, ['idle']);
    expect(navigations).toBe(1);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.getAttribute('[data-testid=backend]', 'data-threads')).toBe(String(threads));
    expect(await page.textContent('[data-testid=backend-reason]')).toMatch(/\(measured on an earlier visit: 1 thread [\d.]+, 2 threads [\d.]+ steps\/s\)/);
    await page.close();
  });

  it('runs split over workers give the curves of one worker (float32 tolerance), on any page', async () => {
    const page = await browser.newPage(); // not isolated: workers need no SharedArrayBuffer
    const errors = watchErrors(page);
    await page.goto(`${server.url}bench.html`);
    await page.waitForFunction(() => (window as unknown as { labBench?: unknown }).labBench !== undefined);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    const base = tinyExperiment(6);
    const e = { ...base, runs: [...base.runs, { ...base.runs[0]!, label: 'KTO', loss: 'kto' as const }] };
    const one = await trainOn(page, e, undefined, 1);
    const split = await trainOn(page, e, undefined, 2);
    expect(one.info.threads?.shards).toBeUndefined();
    expect(split.info.threads).toMatchObject({ count: 1, shards: 2 });
    expect(split.info.reason).toMatch(/WASM, 1 thread.*\(the runs split over 2 workers\)$/);
    expect(one.metrics).toHaveLength(3);
    one.metrics.forEach((run, r) => {
      expect(Object.keys(split.metrics[r]!).sort()).toEqual(Object.keys(run).sort()); // KTO's kl on every run
      for (const [metric, values] of Object.entries(run)) {
        expect(values, metric).toHaveLength(6);
        expectAllClose(split.metrics[r]![metric]!, values, { rel: 1e-4, abs: 1e-6 }, `run ${r + 1} ${metric}`);
      }
    });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('threaded WASM gives the single-threaded curves (float32 tolerance)', async () => {
    const page = await ctx.newPage(); // the same context: the service worker serves bench.html isolated
    const errors = watchErrors(page);
    await page.goto(`${server.url}bench.html`);
    await page.waitForFunction(() => (window as unknown as { labBench?: unknown }).labBench !== undefined);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const e = tinyExperiment(6);
    const one = await trainOn(page, e, 1);
    const two = await trainOn(page, e, 2);
    expect(one.info.threads).toMatchObject({ count: 1 });
    expect(two.info.threads).toMatchObject({ count: 2 });
    expect(two.info.reason).toMatch(/WASM, 2 threads/);
    expect(one.metrics).toHaveLength(2);
    one.metrics.forEach((run, r) => {
      for (const metric of ['loss', 'pi_rej', 'sigma_margin', 'logps/chosen', 'rewards/margins', 'grad_norm']) {
        expect(run[metric], metric).toHaveLength(6);
        expectAllClose(two.metrics[r]![metric]!, run[metric]!, { rel: 1e-4, abs: 1e-7 }, `run ${r + 1} ${metric}`);
      }
    });
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('an embed in a page that is not cross-origin isolated', () => {
  it('trains single-threaded and says why', async () => {
    const host = await serveHtml(`<!doctype html><html><body style="margin:0">
<iframe id="lab" src="${tinyLink('&embed=1&autoplay=1')}" style="width:700px;height:500px;border:0"></iframe></body></html>`);
    hosts.push(host);
    const page = await browser.newPage({ viewport: { width: 760, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(host.url);
    const frame = page.frames().find((f) => f.url().startsWith(server.origin))!;
    await waitForState(frame as unknown as Page, ['done']);
    expect(await frame.evaluate(() => crossOriginIsolated)).toBe(false);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    const footer = (await frame.textContent('[data-testid=backend]'))!;
    expect(footer).toMatch(/WASM, 1 thread.* \(the page embedding this lab is not cross-origin isolated, and an iframe can use threads only when its host page is\)/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
