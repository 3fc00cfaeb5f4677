// Regressions #1 and #2 in a real browser: Chromium's postMessage throws on a bad target origin,
// and a same-site host shares its main thread with the embed.
import type { Frame, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { labFixture } from './helpers/fixture';
import { serveHtml, type StaticServer } from './helpers/server';

const env = labFixture();

/** A host page with the lab in an iframe; it logs the lab's events. Reloads the lab asks of its worker are counted. */
async function host(src: string): Promise<{ page: Page; frame: Frame; errors: string[]; server: StaticServer }> {
  const server = await serveHtml(`<!doctype html><body><iframe id="lab" src="${src}" style="width:700px;height:500px;border:0"></iframe><script>
    window.events = [];
    const frame = document.getElementById('lab');
    addEventListener('message', (e) => { if (e.source === frame.contentWindow) window.events.push(e.data); });
  </script></body>`);
  const page = await env.browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.addInitScript(() => {
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (this: Worker, ...args: Parameters<Worker['postMessage']>) {
      const w = window as unknown as { loads?: number };
      if ((args[0] as { type?: string })?.type === 'load') w.loads = (w.loads ?? 0) + 1;
      return (post as (...a: unknown[]) => void).apply(this, args);
    } as typeof Worker.prototype.postMessage;
  });
  await page.goto(server.url);
  const frame = page.frames().find((f) => f.url().startsWith(env.server.origin))!;
  return { page, frame, errors, server };
}

const events = (page: Page) => page.evaluate(() => (window as unknown as { events: { type: string; message?: string }[] }).events);
const status = (frame: Frame, attr: string) => frame.getAttribute('[data-testid=status]', attr);

describe('a hostile host page, in Chromium', () => {
  it('regression #1: origin=http://a.example:99999 no longer hangs the embed at "starting…"; it shows a notice and talks to nobody', async () => {
    const { page, frame, errors, server } = await host(`${env.server.url}#v=1&embed=1&origin=${encodeURIComponent('http://a.example:99999')}`);
    await frame.waitForFunction(() => document.querySelector('[data-testid=status]')?.getAttribute('data-state') === 'idle', null, { timeout: 120_000 });
    expect(await frame.getAttribute('[data-testid=backend]', 'data-backend')).not.toBe('');
    expect(await frame.textContent('[data-testid=embed]')).not.toMatch(/starting…/);
    expect(await frame.locator('[data-testid=notice]', { hasText: 'sends no messages to its page' }).count()).toBe(1);
    await page.evaluate(() => (document.getElementById('lab') as HTMLIFrameElement).contentWindow!.postMessage({ type: 'run' }, '*'));
    await page.waitForTimeout(1000);
    expect(await status(frame, 'data-state')).toBe('idle'); // no command taken
    expect(await events(page)).toEqual([]); // no event posted
    expect(errors).toEqual([]);
    await page.close();
    await server.close();
  });

  it('regression #2: 1,000 setState messages coalesce into a few reloads and end on the last state', async () => {
    const { page, frame, errors, server } = await host(`${env.server.url}#v=1&embed=1`);
    await page.waitForFunction(() => (window as unknown as { events: { type: string }[] }).events.some((e) => e.type === 'ready'), null, { timeout: 120_000 });
    const loadsBefore = await frame.evaluate(() => (window as unknown as { loads?: number }).loads ?? 0);
    await page.evaluate(() => {
      const lab = (document.getElementById('lab') as HTMLIFrameElement).contentWindow!;
      for (let i = 1; i <= 1000; i++) lab.postMessage({ type: 'setState', experiment: { model: 'tiny', steps: i, runs: [{ loss: 'dpo', beta: 0.1, lr: 0.1 }] } }, '*');
    });
    await frame.waitForFunction(() => document.querySelector('[data-testid=status]')?.textContent?.includes('/ 1000'), null, { timeout: 30_000 });
    const reloads = (await frame.evaluate(() => (window as unknown as { loads?: number }).loads ?? 0)) - loadsBefore;
    expect(reloads).toBeGreaterThanOrEqual(1);
    expect(reloads).toBeLessThanOrEqual(6); // one per frame at most, 4 a second: not 1,000
    expect((await events(page)).filter((e) => e.type === 'error').map((e) => e.message).join('\n')).toMatch(/beyond 200 a second|coalesced/);
    expect(errors).toEqual([]);
    await page.close();
    await server.close();
  });
});
