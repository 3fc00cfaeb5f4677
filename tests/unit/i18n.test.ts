// The two dictionaries hold the same keys, none empty; the Chinese of train/'s texts covers every id of
// train/'s tables; the message table turns the messages the sources really make into Chinese with no
// English left (names and identifiers aside: tests/helpers/english.ts), and leaves unknown text as it is.
import { threadSupport } from '../../src/worker/wasmThreads';
import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import { zhSource } from '../../src/i18n/zh-source';
import { en } from '../../src/i18n/en';
import { zh } from '../../src/i18n/zh';
import { browserLanguage, i18n, languageOf, setLanguage, translateChange, translateMessage } from '../../src/i18n';
import { knowsMessage } from '../../src/i18n/messages';
import { decodeLink } from '../../src/state/link';
import { parseTokens } from '../../src/state/vocab';
import { CPO_VARIANTS, GPO_FAMILIES, LOSS_IDS, LOSS_PARAM_INFO } from '../../src/train/catalog';
import { describeCost, estimateCost } from '../../src/train/cost';
import { ktoDataProblem, validateData } from '../../src/train/data';
import { adapterRankProblem, describeIssues, ExperimentSchema, parseExperiment } from '../../src/train/experiment';
import { ADAPTER_TARGETS } from '../../src/model/adapters';
import { MODEL_PRESETS } from '../../src/model/config';
import { EXPECTATION_TEXT, expectationFor } from '../../src/train/guidance';
import { checkHealth, STOPPED_LABEL } from '../../src/train/health';
import { LIMITS } from '../../src/train/limits';
import { KL_METRIC, SCALAR_METRICS } from '../../src/train/metrics';
import { PRESETS } from '../../src/train/presets';
import { applyRunPatch, RunSchema } from '../../src/train/run';
import { VERDICT_TEXT, type Verdict } from '../../src/train/verdict';
import { tooLarge } from '../../src/model/weights';
import { decide } from '../../src/worker/autoselect';
import { expectationLabel, runLabel, verdictLabel } from '../../src/ui/sourceText';
import { englishWords } from '../helpers/english';
import { formatValue } from '../../src/charts/format';

type Tree = { readonly [k: string]: string | Tree };

/** Every key of a dictionary, dotted ('charts.piRej.title'), with its value. */
const flatten = (d: Tree, prefix = ''): [string, string][] =>
  Object.entries(d).flatMap(([k, v]) => (typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : flatten(v, `${prefix}${k}.`)));

/** What one dictionary has that the other lacks, and which values are empty. */
function compare(a: Tree, b: Tree): { onlyA: string[]; onlyB: string[]; empty: string[] } {
  const [ka, kb] = [new Map(flatten(a)), new Map(flatten(b))];
  return {
    onlyA: [...ka.keys()].filter((k) => !kb.has(k)),
    onlyB: [...kb.keys()].filter((k) => !ka.has(k)),
    empty: [...ka, ...kb].filter(([, v]) => v.trim() === '').map(([k]) => k),
  };
}

/** The {{values}}, {formulas} and <tags> of a text, sorted: a translation keeps them all. */
const slots = (v: string) => [...v.matchAll(/\{\{\w+\}\}|\{\w+\}|<\/?(?:b|code)>/g)].map((m) => m[0]).sort();

describe('the dictionaries', () => {
  it('have the same keys, and no empty value', () => {
    expect(compare(en, zh)).toEqual({ onlyA: [], onlyB: [], empty: [] });
    expect(flatten(en).length).toBeGreaterThan(250);
  });

  it('the check fails on a missing key and on an empty value (it is not vacuous)', () => {
    const broken = structuredClone(zh) as unknown as { charts: { piRej: Record<string, string> }; share: Record<string, string> };
    delete broken.charts.piRej.subtitle;
    broken.share.copy = ' ';
    const r = compare(en, broken as unknown as Tree);
    expect(r.onlyA).toEqual(['charts.piRej.subtitle']);
    expect(r.empty).toEqual(['share.copy']);
  });

  it('a translation keeps every value, formula and tag of the English', () => {
    const zhValues = new Map(flatten(zh));
    const differing = flatten(en).filter(([k, v]) => JSON.stringify(slots(v)) !== JSON.stringify(slots(zhValues.get(k)!))).map(([k]) => k);
    expect(differing).toEqual([]);
  });

  it('the Chinese UI text has no English left (names and identifiers aside)', () => {
    const left = flatten(zh).map(([k, v]) => [k, englishWords(v)] as const).filter(([, w]) => w.length > 0);
    expect(left).toEqual([]);
  });
});

describe('the Chinese of train/\'s texts, keyed by id', () => {
  const keys = (o: object) => Object.keys(o).sort();
  it('covers every preset, verdict, expectation, loss, loss parameter, CPO variant, GPO family, metric and stop label', () => {
    expect(keys(zhSource.presets)).toEqual(PRESETS.map((p) => p.id).sort());
    for (const p of Object.values(zhSource.presets)) expect(keys(p)).toEqual(['headline', 'lookFor', 'title']);
    // 'falling' has a second wording when π(rejected) is below the smallest float64.
    expect(keys(zhSource.verdict)).toEqual([...keys(VERDICT_TEXT), 'fallingUnderflow'].sort());
    expect(keys(zhSource.expectation)).toEqual(keys(EXPECTATION_TEXT));
    expect(keys(zhSource.loss)).toEqual([...LOSS_IDS].sort());
    for (const l of Object.values(zhSource.loss)) expect(keys(l)).toEqual(['betaMeaning', 'label', 'summary']);
    expect(keys(zhSource.lossParam)).toEqual(keys(LOSS_PARAM_INFO));
    expect(keys(zhSource.cpoVariant)).toEqual([...CPO_VARIANTS].sort());
    expect(keys(zhSource.gpo)).toEqual([...GPO_FAMILIES].sort());
    expect(keys(zhSource.metric)).toEqual([...SCALAR_METRICS, KL_METRIC].sort());
    expect(keys(zhSource.stopped)).toEqual(keys(STOPPED_LABEL));
    const left = flatten(zhSource as unknown as Tree).map(([k, v]) => [k, englishWords(v)] as const).filter(([, w]) => w.length > 0);
    expect(left).toEqual([]);
    expect(flatten(zhSource as unknown as Tree).filter(([, v]) => v.trim() === '')).toEqual([]);
  });

  it('verdicts and expectations read in Chinese with the English numbers, and in English exactly as train/ writes them', () => {
    const target = { name: '1/(2β)', value: 5 };
    const verdicts: Verdict[] = [
      { kind: 'diverged', step: 6, reason: 'the loss became NaN at step 7; learning rate 1000 is too large for this run' },
      { kind: 'falling', piRej: 4.487e-22, decades: 1.234, window: 50 },
      { kind: 'falling', piRej: 0, decades: Number.POSITIVE_INFINITY, window: 50 },
      { kind: 'levelled', piRej: 0.0123, window: 20 },
      { kind: 'rising', piRej: 0.2 },
      { kind: 'settled', target, h: 5.01, error: 0.002, window: 20 },
      { kind: 'oscillating', target, h: 5.3, error: 0.0612, window: 20 },
      { kind: 'approaching', target, h: 3.2, error: 0.36, window: 20 },
      { kind: 'hinge-done', betaH: 1.02 },
    ] as Verdict[];
    const expectations = [expectationFor({ loss: 'dpo', beta: 0.1, labelSmoothing: 0.1 }), expectationFor({ loss: 'ipo', beta: 0.1, labelSmoothing: 0.1 }),
      expectationFor({ loss: 'cdpo', beta: 0.5, labelSmoothing: 0.2 }), expectationFor({ loss: 'hinge', beta: 2, labelSmoothing: 0.1 })];
    setLanguage('en', undefined);
    const english = verdicts.map((v) => verdictLabel(v, formatValue));
    expect(english).toEqual(verdicts.map((v) => VERDICT_TEXT[v.kind](v as never, formatValue)));
    expect(expectations.map((e) => expectationLabel(e, formatValue))).toEqual(expectations.map((e) => EXPECTATION_TEXT[e.kind](e as never, formatValue)));
    setLanguage('zh', undefined);
    try {
      const chinese = verdicts.map((v) => verdictLabel(v, formatValue));
      chinese.forEach((text, i) => {
        expect(text, english[i]).not.toMatch(/\{\{/);
        expect(englishWords(text), text).toEqual([]);
        // Every number of the English is in the Chinese.
        for (const n of english[i]!.match(/[\d.]+(?:×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?/g) ?? []) if (n !== '.') expect(text, english[i]).toContain(n);
      });
      expect(chinese[0]).toBe('已停止：第 7 步时损失变为 NaN；学习率 1000 对这个运行来说太大');
      for (const e of expectations) expect(englishWords(expectationLabel(e, formatValue))).toEqual([]);
      expect(expectationLabel(expectations[1]!, formatValue)).toContain('= 5');
      // A run named from its settings names its loss in Chinese; a user's name stays.
      expect(runLabel({ label: '', loss: 'ipo_mean', beta: 0.1, lr: 0.01, optimizer: 'adam' })).toBe('IPO（长度平均，TRL） β=0.1 lr=0.01 Adam');
      expect(runLabel({ label: 'mine', loss: 'ipo_mean', beta: 0.1, lr: 0.01, optimizer: 'adam' })).toBe('mine');
    } finally {
      setLanguage('en', undefined);
    }
  });
});

/** Messages the sources make, as the page would show them. */
function realMessages(): string[] {
  const out: string[] = [];
  // Every range and whole-number message of a run and of an experiment, with the "run N: " a field adds.
  const run = RunSchema.parse({ loss: 'dpo', beta: 0.1, lr: 0.01 });
  for (const [key, bad] of [['beta', 0], ['lr', 2e6], ['labelSmoothing', 0.5], ['dpopLambda', -1], ['simpoGamma', 101], ['cpoAlpha', -1], ['ktoLambdaD', 0], ['ktoLambdaU', 11],
    ['loraRank', 0], ['loraRank', 1.5], ['loraAlpha', -1]] as const) {
    out.push(...applyRunPatch(run, { [key]: bad }, 'run 2: ').problems);
  }
  // LoRA targets and a rank the model cannot hold (train/run.ts, train/experiment.ts).
  for (const loraTargets of [[], ['q', 'q'], ['zz'], [...ADAPTER_TARGETS, 'q']]) {
    out.push(...applyRunPatch(run, { policy: 'lora', loraTargets } as never, 'run 2: ').problems);
  }
  out.push(adapterRankProblem({ policy: 'dora', loraRank: 999, loraTargets: ['q', 'v'] }, MODEL_PRESETS.tiny, 'tiny')!);
  const e = parseExperiment(structuredClone(PRESETS[0]!.spec));
  for (const patch of [{ steps: 0 }, { steps: 1.5 }, { seed: -1 }, { seed: 0.5 }, { notebookExact: true, scoring: 'next-token' }]) {
    const r = ExperimentSchema.safeParse({ ...e, ...patch });
    if (!r.success) out.push(...describeIssues(r.error));
  }
  // Data (train/data.ts, the editor's parser).
  out.push(...validateData([], 32, 'token'));
  out.push(...validateData(Array.from({ length: 9 }, () => e.data[0]!), 32, 'token'));
  out.push(...validateData([{ prompt: [], chosen: Array(17).fill(1), rejected: [40] }], 32, 'token'));
  out.push(...validateData([{ prompt: [1], chosen: [2, 3], rejected: [2, 3] }], 32, 'token'));
  out.push(ktoDataProblem([{ ...e.data[0]!, rejectedLabel: 'desirable' }])!);
  for (const [text, mode] of [['', 'ids'], ['1, x', 'ids'], ['99', 'ids'], ['cat zebra', 'words'], ['ab#', 'chars']] as const) {
    const r = parseTokens(text, mode, 32);
    if ('error' in r) out.push(r.error);
  }
  // Why a run stopped (train/health.ts).
  const h = { step: 7, loss: Number.NaN, gradNorm: 1, piChosen: 0.5, piRej: 0.1, h: [1] };
  const cfg = { loss: 'ipo' as const, beta: 1e-9, lr: 1000 };
  for (const r of [h, { ...h, step: 0 }, { ...h, loss: 1, h: [2e4] }, { ...h, loss: 1, gradNorm: 0, piChosen: 1e-35 }, { ...h, loss: 1, gradNorm: 0, piChosen: 1 / 32, piRej: 1 / 32 }]) {
    const s = checkHealth(r, cfg, 32);
    if (s.state !== 'ok') out.push(s.reason, `Run 3 stopped: ${s.reason}. It stays stopped until Reset trains it again from step 0.`);
  }
  // Notices the store makes (state/actions.ts, state/autoplay.ts), links' notices (state/link.ts), the backend's reason.
  out.push('The experiment changed, so it is back at step 0: press Run to train it.', 'A comparison holds at most 8 runs.', 'A comparison needs at least one run.',
    'Replaying the notebook exactly is now off: it needs the notebook\'s granularity.',
    'On the tiny model, §6.3.1 uses its tiny run set (larger learning rates, 150 steps): the same story in seconds.',
    'KTO needs mismatched prompt/answer pairs scored, which the running comparison did not do, so training restarted from step 0.',
    'Imported weights replace the notebook\'s: replaying the notebook exactly is now off.',
    `This experiment would take ${describeCost(estimateCost({ ...e, steps: 10_000, runs: Array(8).fill(run) }))} on a machine like ours, so it does not start by itself: press Run to train it anyway.`);
  const payload = (o: object) => `v=1&s=${LZString.compressToEncodedURIComponent(JSON.stringify(o))}`;
  const links = ['v=7', 'v=1&embed=yes', 'v=1&lang=fr', 'v=1&s=not-lz-at-all!!', `v=1&s=${'A'.repeat(20_001)}`, 'v=1&zz=1&yy=2', `v=1&origin=${'x'.repeat(300)}`,
    ...[{ st: 'abc' }, { m: 'huge' }, { r: [] }, { r: Array(9).fill({ l: 'dpo', b: 0.1, r: 0.1 }) }, { r: [{ l: 'dpo', b: 'x', r: 0.1 }] }, { p: 'nope' }, { fr: 99 },
      { r: [{ l: 'dpo', b: 0.1, r: 0.1, n: 'x'.repeat(70) }] }, { d: [[[1], [2, 3], [4]]] },
      // one bad run left out, every problem named; all runs bad: each named, the default runs
      { st: 0, r: [{ l: 'ipo', b: 0.1, r: 1e99 }, { l: 'ipo', b: -1, r: 0.1, ld: 0 }, { l: 'dpo', b: 0.1, r: 0.1 }] }, { r: [{ l: 'ipo', b: 0.1, r: 1e99 }, { l: 'x', b: -1, r: 0.1 }] }].map(payload)];
  for (const link of links) {
    out.push(...decodeLink(link).notices.map((n) => `Link: ${n}.`));
  }
  out.push(decide({}).reason, decide({ webgpu: 3.2, wasm: 41 }).reason, 'WebGPU: this browser has no WebGPU; WebGL renderer is a software fallback: using WASM',
    'WebGPU adapter is a software fallback; WebGL: no WebGL 2 context: using WASM', 'WASM, as chosen', 'WASM: WebAssembly with SIMD', 'CPU: plain JavaScript');
  // WASM on threads (worker/threadChoice.ts describe): the count in the name, and why one, or what was measured.
  const whys = [threadSupport(false, {}), threadSupport(true, {}), threadSupport(false, {}, true), threadSupport(false, { crossOriginIsolated: true, navigator: { hardwareConcurrency: 1 } })].map((s) => s.why!);
  expect(new Set(whys).size).toBe(4);
  for (const why of [...whys, 'threads did not start (RangeError: out of memory)']) {
    out.push(`WebGPU adapter is a software fallback; WebGL renderer is a software fallback: using WASM, 1 thread (${why})`, `WASM, 1 thread: WebAssembly with SIMD (${why})`);
  }
  out.push('WebGPU adapter is a software fallback; WebGL renderer is a software fallback: using WASM, 2 threads (measured: 1 thread 10.2, 2 threads 14.5 steps/s)',
    'WASM, 2 threads: WebAssembly with SIMD (measured on an earlier visit: 1 thread 10.2, 2 threads 14.5 steps/s)', 'WASM, 2 threads, as chosen (2 threads as asked)',
    // The runs split over workers (worker/shardChoice.ts, threadChoice.ts describe).
    'WASM, 1 thread, as chosen (the runs split over 2 workers)', 'WebGPU adapter is a software fallback; WebGL renderer is a software fallback: using WASM, 1 thread (the runs split over 5 workers)',
    'the runs could not be split over workers, so they train in one: a training worker failed: out of memory',
    'measured WebGPU 3.2 steps/s, WASM 41 steps/s: using WASM, 2 threads (measured: 1 thread 30, 2 threads 41 steps/s)');
  // Why a weights file was refused.
  out.push(tooLarge(9e9), 'not a safetensors file: the header is not valid UTF-8 JSON');
  return out;
}

describe('the message table (notices, validation, stop reasons, the backend\'s reason)', () => {
  const messages = realMessages();

  it('knows every message the sources make, and leaves no English in its Chinese', () => {
    expect(messages.length).toBeGreaterThan(45);
    expect(messages.filter((m) => !knowsMessage(m))).toEqual([]);
    // Names the user or the machine supplied (in quotes) are kept as they are.
    const left = messages.map((m) => [m, englishWords(translateMessage(m, 'zh').replace(/[“"][^”"]*[”"]/g, ''))] as const).filter(([, w]) => w.length > 0);
    expect(left).toEqual([]);
  });

  it('keeps English as it is, and unknown text as it is in Chinese', () => {
    for (const m of messages) expect(translateMessage(m, 'en')).toBe(m);
    expect(translateMessage('something nobody wrote a pattern for', 'zh')).toBe('something nobody wrote a pattern for');
    // One unknown part keeps the whole message English: no half-translated sentence.
    expect(translateMessage('steps must be in 1..10000; something new', 'zh')).toBe('steps must be in 1..10000; something new');
    expect(translateMessage('run 2: learning rate must be in (0, 1e6]', 'zh')).toBe('运行 2：学习率必须在 (0, 1e6] 范围内');
    expect(translateMessage('run 1: beta: β must be in (0, 10000]', 'zh')).toBe('运行 1：β 必须在 (0, 10000] 范围内');
    expect(translateMessage('pair 2: rejected: a token id must be in 0..31', 'zh')).toBe('第 2 对：token id 必须在 0..31 范围内');
    expect(translateMessage('run 1: loss: Invalid option: expected one of "dpo"|"ipo"', 'zh')).toBe('运行 1：无效的选项：应为 "dpo"|"ipo" 之一');
    expect(translateMessage(`steps must be in ${'1..' + LIMITS.steps.max}`, 'zh')).toBe('步数必须在 1..10000 范围内');
    expect(translateMessage('Link: run 2 in the link is not valid (β must be in (0, 10000]; KTO λ_D must be in (0, 10]); it is left out.', 'zh'))
      .toBe('链接：运行 2 无效（β 必须在 (0, 10000] 范围内；KTO λ_D 必须在 (0, 10] 范围内），已略去。');
    expect(translateMessage('Link: ignored unknown settings “zz”, “yy”.', 'zh')).toBe('链接：忽略了未知的设置 “zz”、“yy”。');
  });

  it('writes a change marked on the charts in Chinese', () => {
    expect(translateChange('loss ipo, β 0.5, lr 0.1, adam', 'zh')).toBe('损失 ipo，β 0.5，学习率 0.1，Adam');
    expect(translateChange('loss ipo, β 0.5', 'en')).toBe('loss ipo, β 0.5');
  });
});

describe('the language', () => {
  it('comes from the browser\'s preferred languages, Chinese for any zh tag', () => {
    expect(browserLanguage({ languages: ['zh-CN', 'en'] })).toBe('zh');
    expect(browserLanguage({ languages: ['fr-FR', 'zh-TW', 'en'] })).toBe('zh');
    expect(browserLanguage({ languages: ['de', 'en-GB'] })).toBe('en');
    expect(browserLanguage({ language: 'ja' })).toBe('en');
    expect(languageOf('zh-Hans-SG')).toBe('zh');
  });

  it('sets the page\'s lang attribute', () => {
    const doc = { documentElement: { lang: '' } } as unknown as Document;
    setLanguage('zh', doc);
    expect([doc.documentElement.lang, i18n.language]).toEqual(['zh-CN', 'zh']);
    setLanguage('en', doc);
    expect([doc.documentElement.lang, i18n.language]).toEqual(['en', 'en']);
  });
});
