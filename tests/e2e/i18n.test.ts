// The lab in Chinese and in English. In Chinese (a zh-CN browser), every text node and every aria-label,
// title, placeholder and data-label of the page is checked for English left over (names and identifiers
// aside: tests/helpers/english.ts; formulas, code, a textarea's value are not prose, nor is text quoted as it is,
// marked lang="en" data-verbatim, which may only be a paper's title, a language's own name or the model's vocabulary) and for dictionary keys shown raw: at rest with every panel open, after training (verdicts, a run
// that stops, its notice), with refused input, at 360 px, and in the embed at 700 x 500. A link's lang=
// wins over the browser's language both ways; the header's switch changes the page, the address bar, and
// the Share panel's link and embed code. Chinese renders from this site's own font files under the
// page's Content-Security-Policy.
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { LANGUAGE_NAMES } from '../../src/i18n/languages';
import { encodeLink } from '../../src/state/link';
import { defaultLinkState } from '../../src/state/linkState';
import { CHARS, WORDS } from '../../src/state/vocab';
import { LOSS_CATALOG } from '../../src/train/catalog';
import { parseExperiment } from '../../src/train/experiment';
import { findPreset } from '../../src/train/presets';
import { englishWords } from '../helpers/english';
import { watchErrors } from './helpers/browser';
import { watchCsp } from './helpers/csp';
import { labFixture } from './helpers/fixture';
import { screenshot, waitForState } from './helpers/lab';

const env = labFixture();

/** The 6.3.1 tiny run set (150 steps, seconds to train) and a sixth run whose learning rate makes it stop. */
function tinyLink(extra = ''): string {
  const s = defaultLinkState();
  const preset = findPreset('beta-sweep')!;
  s.experiment = parseExperiment({ ...structuredClone(preset.tiny), runs: [...preset.tiny.runs, { loss: 'dpo', beta: 0.1, lr: 1e6 }] });
  s.presetId = null;
  s.view.hidden = s.experiment.runs.map(() => false);
  return `${env.server.url}#${encodeLink(s)}${extra}`;
}

interface Opened { ctx: BrowserContext; page: Page; errors: string[]; foreign: string[]; csp: () => Promise<string[]> }

async function open(locale: string, url: string, viewport = { width: 1400, height: 1000 }): Promise<Opened> {
  const ctx = await env.browser.newContext({ locale, viewport });
  const page = await ctx.newPage();
  const errors = watchErrors(page);
  const { violations } = await watchCsp(page);
  const foreign: string[] = [];
  page.on('request', (r) => {
    if (!/^(data|blob):/.test(r.url()) && !r.url().startsWith(env.server.origin)) foreign.push(r.url());
  });
  await page.goto(url);
  await waitForState(page, ['idle', 'running', 'done']);
  return { ctx, page, errors, foreign, csp: violations };
}

/** Every piece of text the page shows or names: text nodes, and the attributes people read or hear. */
async function pageTexts(page: Page): Promise<{ where: string; text: string }[]> {
  return page.evaluate(() => {
    // lang="en" alone exempts nothing (a paper cell's English notes hid behind it): only text quoted as it is, data-verbatim.
    const notProse = (el: Element) => Boolean(el.closest('script, style, noscript, code, textarea, .katex, [lang^="en"][data-verbatim]'));
    const where = (el: Element) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''}`;
    const out: { where: string; text: string }[] = [{ where: 'title', text: document.title }];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = n.textContent?.trim();
      if (el && text && !notProse(el)) out.push({ where: where(el), text });
    }
    for (const el of document.body.querySelectorAll('*')) {
      if (notProse(el)) continue;
      for (const a of ['aria-label', 'title', 'placeholder', 'alt', 'data-label']) {
        const v = el.getAttribute(a)?.trim();
        if (v) out.push({ where: `${where(el)}[${a}]`, text: v });
      }
    }
    return out;
  });
}

/** A dictionary key shown as text ("charts.piRej.title"): i18next shows the key when it has no text for it. */
const RAW_KEY = /\b(?:common|app|language|header|notices|field|presets|transport|runs|settings|data|exporting|share|charts|chart|gpo|squeeze|final|embed|explain|verdict|expectation|loss|lossParam|cpoVariant|stopped|metric)\.[a-zA-Z][\w-]*\b/;

/**
 * What is left to translate on the page: English words, raw keys, missing keys. Papers' titles are cited as
 * they are (as the course's references do); what the user typed or the vocabulary shows comes in “quotes”.
 */
async function untranslated(page: Page): Promise<string[]> {
  const papers = Object.values(LOSS_CATALOG).map((l) => l.paper);
  // Only titles are left as they are: a note in brackets or after a semicolon is prose (it was, in three papers).
  expect(papers.filter((p) => /[(;]/.test(p))).toEqual([]);
  const left = (await pageTexts(page)).flatMap(({ where, text }) => {
    const prose = papers.reduce((t, p) => t.split(p).join(' '), text).replace(/“[^”]*”/g, ' ');
    const words = englishWords(prose);
    return words.length > 0 ? [`${where}: "${text}" (${words.join(', ')})`] : [];
  });
  return [...left, ...(await rawKeys(page)), ...(await notVerbatim(page))];
}

/** Text marked data-verbatim (left in English) that is not a paper's title, a language's name or the vocabulary. */
async function notVerbatim(page: Page): Promise<string[]> {
  const quoted = new Set([...Object.values(LOSS_CATALOG).map((l) => l.paper), ...Object.values(LANGUAGE_NAMES), WORDS.slice(1).join(' '), [...CHARS].map((c) => (c === ' ' ? '␣' : c)).join(' ')]);
  const texts = await page.locator('[data-verbatim]').evaluateAll((els) => els.map((e) => e.textContent ?? ''));
  return texts.filter((x) => !quoted.has(x)).map((x) => `data-verbatim on text that is not a title or a name: "${x}"`);
}

async function rawKeys(page: Page): Promise<string[]> {
  const raw = (await pageTexts(page)).filter(({ text }) => RAW_KEY.test(text)).map(({ where, text }) => `raw key at ${where}: ${text}`);
  const missing = await page.evaluate(() => (window as unknown as { dpoLab: { missingKeys: string[] } }).dpoLab.missingKeys);
  return [...raw, ...missing.map((k) => `missing key ${k}`)];
}

const openEverything = async (page: Page) => {
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => ((d as HTMLDetailsElement).open = true)));
};

const waitVerdicts = (page: Page, prefix: string, n: number) =>
  page.waitForFunction(([p, k]) => Array.from({ length: k as number }, (_, i) => document.querySelector(`[data-testid=${p}-${i}]`)?.getAttribute('data-kind')).every(Boolean), [prefix, n] as const, { timeout: 120_000 });

describe('the lab in Chinese', () => {
  it('has no English left and no raw key: at rest, after training, with refused input, and at 360 px', async () => {
    const { ctx, page, errors, foreign, csp } = await open('zh-CN', tinyLink());
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await page.textContent('h1')).toContain('DPO/IPO 实验室');
    await openEverything(page);
    await page.click('[data-testid=share]');
    await page.waitForSelector('[data-testid=share-panel]');
    expect(await untranslated(page)).toEqual([]);
    // Labels that say what they do (were "显示时开始训练", "+ 一对", "每单位的损失").
    expect(await page.textContent('[data-testid=share-panel]')).toContain('嵌入内容可见时自动开始训练');
    await page.keyboard.press('Escape');
    expect(await page.locator('.data-editor button', { hasText: '添加一对' }).textContent()).toBe('+ 添加一对');
    expect(await page.locator('.loss-table th').nth(1).textContent()).toBe('每个 token 的损失');
    // The loss zoo's paper cells: the title as it is, the note in Chinese (was all English, behind lang="en");
    // KTO's cases in the course's words (was "y desirable / y undesirable").
    const kto = page.locator('.loss-table tbody tr').filter({ hasText: 'Ethayarajh' });
    expect(await kto.locator('.paper').textContent()).toBe('Ethayarajh et al. 2024, KTO: Model Alignment as Prospect Theoretic Optimization（KTO 损失，即 TRL 的 KTOTrainer 所引用的式 7）');
    expect(await kto.locator('.katex-html').textContent()).toMatch(/y\s*期望[\s\S]*y\s*不期望/);
    expect(await kto.locator('.katex-html').textContent()).not.toMatch(/desirable/);

    // Trained: verdicts for every run, the stopped run's reason, its notice, the live numbers.
    await page.click('[data-testid=run]');
    await waitForState(page, ['done'], 240_000);
    await waitVerdicts(page, 'verdict', 6);
    expect(await page.textContent('[data-testid=verdict-5]')).toMatch(/^已停止：第 \d+ 步时/);
    expect(await page.textContent('[data-testid=diverged-5]')).toMatch(/^已停止：/);
    expect(await page.textContent('[data-testid=notice]')).toMatch(/^运行 6 已停止：/);
    expect(await page.textContent('[data-testid=verdict-0]')).toMatch(/收敛|接近|震荡/);
    expect(await page.textContent('[data-testid=verdict-3]')).toMatch(/^π\(rejected\) 仍在下降/);

    // Refused input, in the run editor, the settings and the data editor; and a tweak, so the guidance lists what changed.
    const lr = page.locator('[data-testid=run-0] input[inputmode=decimal]').nth(1);
    await lr.fill('0');
    await lr.press('Enter');
    await page.waitForSelector('[data-testid=run-0] .field-error');
    expect(await page.textContent('[data-testid=run-0] .field-error')).toMatch(/^运行 1：学习率必须在 \(0, 1e6\] 范围内；仍为 [\d.e-]+（按 Esc 显示）$/);
    const beta = page.locator('[data-testid=run-1] input[inputmode=decimal]').first();
    await beta.fill('abc');
    await beta.press('Enter');
    expect(await page.textContent('[data-testid=run-1] .field-error')).toMatch(/^“abc”不是数字；仍为 [\d.e-]+（按 Esc 显示）$/);
    const beta2 = page.locator('[data-testid=run-2] input[inputmode=decimal]').first();
    await beta2.fill('0.25');
    await beta2.press('Enter');
    await page.waitForSelector('[data-testid=look-for-changes]');
    await page.fill('[data-testid=pair-0] input >> nth=0', '5, x');
    await page.waitForSelector('[data-testid=data-problems]');
    expect(await page.textContent('[data-testid=data-problems]')).toContain('第 1 对的提示：“x”不是 token id');
    await openEverything(page);
    expect(await untranslated(page)).toEqual([]);
    await screenshot(page, 'i18n-zh-desktop');

    // LoRA runs: the policy, rank, α, targets and trainable count in the run editor, and a refused rank.
    await page.click('[data-testid=preset-lora-dpo]');
    await page.waitForSelector('[data-testid=trainable-1]');
    expect(await page.textContent('[data-testid=run-1]')).toContain('秩 r');
    await openEverything(page);
    expect(await untranslated(page)).toEqual([]);
    const rank = page.locator('[data-testid=run-1] input[inputmode=numeric]').first();
    await rank.fill('999');
    await rank.press('Enter');
    await page.waitForSelector('[data-testid=run-1] .field-error');
    expect(await page.textContent('[data-testid=run-1] .field-error')).toMatch(/LoRA 的秩/);
    expect(await untranslated(page)).toEqual([]);

    // The phone layout, fresh: nothing wider than the screen, the first chart on the first screen.
    await page.setViewportSize({ width: 360, height: 780 });
    await page.goto(`${env.server.url}#v=1`); // only the hash changes: the page stays until reloaded
    await page.reload();
    await waitForState(page, ['idle']);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    const chart = await page.locator('#pi-rej .chart-body').evaluate((e) => e.getBoundingClientRect().bottom);
    expect(chart).toBeLessThanOrEqual(780);
    await screenshot(page, 'i18n-zh-phone', false);
    expect(await untranslated(page)).toEqual([]);

    // Its glyphs came from this site: a Noto Sans SC subset was fetched, nothing from elsewhere, no policy violation.
    expect(env.server.requests.some((p) => /noto-sans-sc-.*\.woff2$/.test(p))).toBe(true);
    expect(await page.evaluate(() => document.fonts.check("15px 'Noto Sans SC'", '偏好回答'))).toBe(true);
    expect(foreign).toEqual([]);
    expect(await csp()).toEqual([]);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('the embed at 700 x 500, with its run editor, after training', async () => {
    const { ctx, page, errors, foreign, csp } = await open('zh-CN', tinyLink('&embed=1&controls=1&autoplay=1'), { width: 700, height: 500 });
    await waitForState(page, ['done'], 240_000);
    await waitVerdicts(page, 'embed-verdict', 6);
    expect(await page.textContent('[data-testid=embed-verdict-5]')).toMatch(/已停止：第 \d+ 步时/);
    expect(await untranslated(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
    await screenshot(page, 'i18n-zh-embed', false);
    expect(foreign).toEqual([]);
    expect(await csp()).toEqual([]);
    expect(errors).toEqual([]);
    await ctx.close();
  });
});

describe('the lab in Chinese, for assistive technology', () => {
  const AXE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
  interface Violation { id: string; nodes: { target: string[] }[] }
  it('axe-core finds no violation on the page (every panel open) and on the embed', async () => {
    for (const [url, viewport] of [[tinyLink(), { width: 1400, height: 1000 }], [tinyLink('&embed=1&controls=1'), { width: 700, height: 500 }]] as const) {
      // axe is injected as a script: this context bypasses the page's policy (csp.test.ts checks the policy itself).
      const ctx = await env.browser.newContext({ locale: 'zh-CN', viewport, bypassCSP: true });
      const page = await ctx.newPage();
      await page.goto(url);
      await waitForState(page, ['idle']);
      await openEverything(page);
      await page.addScriptTag({ content: AXE });
      const violations = await page.evaluate(async () => (await (window as unknown as { axe: { run(d: Document): Promise<{ violations: Violation[] }> } }).axe.run(document)).violations);
      expect(violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);
      await ctx.close();
    }
  });
});

describe('the language', () => {
  it('is English in an English browser, as before, with no raw key', async () => {
    const { ctx, page, errors } = await open('en-US', env.server.url);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.textContent('h1')).toBe('DPO/IPO Lab why DPO overfits a sure preference, and how IPO stops');
    expect(await page.textContent('[data-testid=run]')).toBe('▶ Run');
    expect(await page.textContent('[data-testid=look-for]')).toMatch(/^What to look for: DPO drives π\(rejected\) down/);
    await openEverything(page);
    expect(await rawKeys(page)).toEqual([]);
    // The check the Chinese page passes sees this page's English (it is not vacuous).
    expect((await untranslated(page)).length).toBeGreaterThan(100);
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('of a link wins over the browser\'s: lang=en in a Chinese browser, lang=zh in an English one', async () => {
    const en = await open('zh-CN', `${env.server.url}#v=1&lang=en`);
    expect(await en.page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await en.page.textContent('[data-testid=share]')).toBe('Share');
    await en.ctx.close();
    const zh = await open('en-US', `${env.server.url}#v=1&lang=zh`);
    expect(await zh.page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await zh.page.textContent('[data-testid=share]')).toBe('分享');
    expect(await untranslated(zh.page)).toEqual([]);
    await zh.ctx.close();
  });

  it('switches in the header, and the address bar, the Share link and the embed code keep it', async () => {
    const { ctx, page, errors } = await open('en-US', env.server.url);
    await page.click('[data-testid=language-zh]');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    expect(await page.getAttribute('[data-testid=language-zh]', 'aria-pressed')).toBe('true');
    await page.waitForFunction(() => window.location.hash.includes('lang=zh'));
    await page.click('[data-testid=share]');
    expect(await page.inputValue('[data-testid=share-link-text]')).toMatch(/[#&]lang=zh(&|$)/);
    expect(await page.inputValue('[data-testid=embed-code-text]')).toMatch(/&amp;lang=zh(&|")/);
    await openEverything(page);
    expect(await untranslated(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.click('[data-testid=language-en]');
    await page.waitForFunction(() => document.documentElement.lang === 'en' && window.location.hash.includes('lang=en'));
    expect(await page.textContent('[data-testid=share]')).toBe('Share');
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it('trains the tiny run set in each language (and takes the README\'s two screenshots, 1200 x 900)', async () => {
    for (const lang of ['en', 'zh'] as const) {
      const { ctx, page, errors } = await open(lang === 'zh' ? 'zh-CN' : 'en-US', `${env.server.url}#v=1&lang=${lang}`, { width: 1200, height: 900 });
      await page.selectOption(`select[aria-label="${lang === 'zh' ? '模型大小' : 'Model size'}"]`, 'tiny');
      await waitForState(page, ['idle']);
      await page.click('[data-testid=run]');
      await waitForState(page, ['done'], 240_000);
      await waitVerdicts(page, 'verdict', 5);
      expect(await rawKeys(page)).toEqual([]);
      if (lang === 'zh') expect(await untranslated(page)).toEqual([]);
      for (const dismiss of await page.$$('[data-testid=notice] button')) await dismiss.click();
      await page.evaluate(() => document.fonts.ready);
      await screenshot(page, `i18n-readme-${lang}`, false);
      expect(errors).toEqual([]);
      await ctx.close();
    }
  });
});
