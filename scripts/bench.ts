/**
 * npm run bench: speed and memory of the lab in headless Chromium, per backend.
 *
 * Workloads: the 6.3.1 run set (5 runs, 100 steps) on the notebook model and
 * on the tiny model. For each available backend: steps/s of all runs together
 * (median of 3 repeats), ms/step, time to the first step, and memory at the
 * start and end of a 2,000-step run. Then the real app with the automatic
 * backend: main-thread long tasks while training (with the results table, the
 * squeeze view and both exports used meanwhile). Where PyTorch imports, the same
 * workload in PyTorch on the CPU, and the ratio. Per backend, the same run set
 * with every run LoRA (r 4 on q, v) and DoRA, against full runs: adapters must
 * not make a step slower. Then every core (scripts/bench-cores.ts): WASM on 1, 2
 * and every core's threads, the command line against PyTorch with start-up, and
 * the time to the first curve, cold and warm, isolated or not. Writes a JSON report.
 *
 *   npm run bench -- [--json file] [--backends webgpu,webgl,wasm,cpu] [--quick] [--isolation] [--no-build]
 *                    [--sections backends,exact,main,torch,cores] [--adapters-only]
 *
 * --adapters-only measures LoRA / DoRA against full runs and nothing else.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { exportSafetensors } from '../src/model/weights';
import { encodeLink } from '../src/state/link';
import { defaultLinkState } from '../src/state/linkState';
import { parseExperiment, type Experiment } from '../src/train/experiment';
import { findPreset } from '../src/train/presets';
import { seededWeights } from '../src/train/session';
import { launch } from '../tests/e2e/helpers/browser';
import { serveDist } from '../tests/e2e/helpers/server';
import { everyCore, load1 } from './bench-cores';

const { values: opts } = parseArgs({
  options: {
    json: { type: 'string', default: 'bench-results.json' },
    backends: { type: 'string', default: 'webgpu,webgl,wasm,cpu' },
    quick: { type: 'boolean', default: false },
    isolation: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    'adapters-only': { type: 'boolean', default: false },
    sections: { type: 'string', default: 'backends,exact,main,torch,cores' },
  },
});
const SECTIONS = new Set(opts.sections!.split(',').map((x) => x.trim()));
const QUICK = opts.quick!;
const REPEATS = 3;
const BUDGET_MS = QUICK ? 8_000 : 25_000; // per repeat: slow backends report the steps they reached
const MEMORY_STEPS = 2000;
const MEMORY_BUDGET_MS = QUICK ? 20_000 : 120_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function workload(model: 'notebook' | 'tiny', steps = 100, policy: 'full' | 'lora' | 'dora' = 'full'): Experiment {
  const spec = structuredClone(findPreset('beta-sweep')!.spec);
  return parseExperiment({ ...spec, model, steps, runs: spec.runs.map((r) => ({ ...r, policy, loraRank: 4 })) });
}

/**
 * LoRA / DoRA against full runs (issue: adapters must not make a step slower): the 6.3.1 run set
 * with every run full, then LoRA r 4 on q and v, then DoRA, steps/s of the comparison; the ratio
 * adapter / full (>= 1 is the target). Interleaved full, LoRA, DoRA per repeat round, so drift in
 * the machine's load hits all three alike.
 */
async function adapterSpeed(page: Page, backend: string) {
  const out: Record<string, unknown> = {};
  for (const model of ['notebook', 'tiny'] as const) {
    const sps: Record<'full' | 'lora' | 'dora', number[]> = { full: [], lora: [], dora: [] };
    for (let round = 0; round < REPEATS; round++) {
      for (const policy of ['full', 'lora', 'dora'] as const) {
        await call(page, 'load', workload(model, 100, policy));
        const x = await call<Awaited<ReturnType<Harness['run']>>>(page, 'run', BUDGET_MS);
        sps[policy].push(x.steps > 0 ? (1000 * x.steps) / x.steadyMs : 0);
      }
    }
    const m = { full: median(sps.full), lora: median(sps.lora), dora: median(sps.dora) };
    out[model] = { stepsPerSecond: { full: round(m.full, 2), lora: round(m.lora, 2), dora: round(m.dora, 2) }, loraOverFull: round(m.lora / m.full, 3), doraOverFull: round(m.dora / m.full, 3), repeats: sps };
    log(`  ${backend.padEnd(6)} ${model.padEnd(8)} full ${round(m.full, 1)}, LoRA r4 ${round(m.lora, 1)}, DoRA r4 ${round(m.dora, 1)} steps/s: LoRA/full ${round(m.lora / m.full, 2)}, DoRA/full ${round(m.dora / m.full, 2)}`);
  }
  return out;
}

interface Harness {
  setBackend(choice: string): Promise<{ active: string; reason: string }>;
  load(e: Experiment): Promise<number>;
  run(budgetMs: number): Promise<{ firstStepMs: number; steps: number; steadyMs: number; lastStep: number }>;
  reset(): Promise<number>;
  stats(): Promise<{ numTensors: number; numBytes: number; wasmHeapBytes: number | null; jsHeapBytes: number | null }>;
}

const call = <T,>(page: Page, fn: string, ...args: unknown[]): Promise<T> =>
  page.evaluate(([f, a]) => (window as unknown as { labBench: Record<string, (...x: unknown[]) => Promise<unknown>> }).labBench[f as string]!(...(a as unknown[])), [fn, args] as const) as Promise<T>;

/** One backend, measured in a fresh page (a fresh worker: nothing left over from another backend). */
async function benchBackendInPage(browser: Browser, url: string, backend: string) {
  const page = await browser.newPage();
  page.on('pageerror', (e) => log(`  page error: ${e.message}`));
  await page.goto(`${url}bench.html`);
  await page.waitForFunction(() => (window as unknown as { labBench?: unknown }).labBench !== undefined);
  try {
    if (opts['adapters-only']) {
      const info = await call<{ active: string; reason: string }>(page, 'setBackend', backend);
      return info.active === backend ? { backend, available: true, adapters: await adapterSpeed(page, backend) } : { backend, available: false, reason: info.reason };
    }
    return await benchBackend(page, backend);
  } finally {
    await page.close();
  }
}

async function benchBackend(page: Page, backend: string) {
  const info = await call<Awaited<ReturnType<Harness['setBackend']>>>(page, 'setBackend', backend);
  if (info.active !== backend) return { backend, available: false, reason: info.reason };
  const result: Record<string, unknown> = { backend, available: true, reason: info.reason };
  for (const model of ['notebook', 'tiny'] as const) {
    await call(page, 'load', workload(model));
    const reps = [];
    for (let r = 0; r < REPEATS; r++) {
      if (r > 0) await call(page, 'reset');
      reps.push(await call<Awaited<ReturnType<Harness['run']>>>(page, 'run', BUDGET_MS));
    }
    const sps = reps.map((x) => (x.steps > 0 ? (1000 * x.steps) / x.steadyMs : 0));
    result[model] = {
      stepsPerSecond: round(median(sps), 2),
      msPerStep: round(1000 / median(sps), 1),
      firstStepMs: round(median(reps.map((x) => x.firstStepMs)), 0),
      repeats: sps.map((x) => round(x, 2)),
      stepsMeasured: reps.map((x) => x.steps + 1),
    };
    log(`  ${backend.padEnd(6)} ${model.padEnd(8)} ${String(round(median(sps), 1)).padStart(6)} steps/s  ${String(round(1000 / median(sps), 1)).padStart(7)} ms/step  first step ${round(median(reps.map((x) => x.firstStepMs)), 0)} ms  (repeats ${sps.map((x) => round(x, 1)).join(', ')})`);
  }
  result.adapters = await adapterSpeed(page, backend);
  // Memory over a 2,000-step run of the tiny workload (slow backends: as far as the budget goes).
  await call(page, 'load', workload('tiny', MEMORY_STEPS));
  await call(page, 'run', 1); // pauses right after the first step
  const start = await call<Awaited<ReturnType<Harness['stats']>>>(page, 'stats');
  const run = await call<Awaited<ReturnType<Harness['run']>>>(page, 'run', MEMORY_BUDGET_MS);
  const end = await call<Awaited<ReturnType<Harness['stats']>>>(page, 'stats');
  const steps = run.lastStep;
  result.memory = { steps, start, end };
  const mb = (b: number | null) => (b === null ? '–' : `${round(b / 2 ** 20, 2)} MB`);
  log(`  ${backend.padEnd(6)} memory over ${steps} steps: tensors ${start.numTensors} -> ${end.numTensors}, tfjs ${mb(start.numBytes)} -> ${mb(end.numBytes)}, wasm heap ${mb(start.wasmHeapBytes)} -> ${mb(end.wasmHeapBytes)}, JS heap ${mb(start.jsHeapBytes)} -> ${mb(end.jsHeapBytes)}`);
  return result;
}

/**
 * Replaying the notebook exactly (issue: under 150 ms for the notebook size, no slower training):
 * the worker's time to make the initial weights, the lab's generator against PyTorch's (median of 5
 * loads), and 6.3.1 steps/s with the switch off and on (median of 3), on the automatic backend.
 */
async function exactReplay(browser: Browser, url: string) {
  const page = await browser.newPage();
  await page.goto(`${url}bench.html`);
  await page.waitForFunction(() => (window as unknown as { labBench?: unknown }).labBench !== undefined);
  await call(page, 'setBackend', 'auto');
  const out: Record<string, { initMs: number; initRepeats: number[]; stepsPerSecond: number }> = {};
  try {
    for (const exact of [false, true]) {
      const e = parseExperiment({ ...workload('notebook'), notebookExact: exact });
      const inits = [await call<number>(page, 'load', e)];
      for (let r = 1; r < 5; r++) inits.push(await call<number>(page, 'reset'));
      const sps: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        if (r > 0) await call(page, 'reset');
        const x = await call<Awaited<ReturnType<Harness['run']>>>(page, 'run', BUDGET_MS);
        sps.push(x.steps > 0 ? (1000 * x.steps) / x.steadyMs : 0);
      }
      const name = exact ? 'exact' : 'lab';
      out[name] = { initMs: round(median(inits), 0), initRepeats: inits.map((x) => round(x, 0)), stepsPerSecond: round(median(sps), 2) };
      log(`  ${exact ? 'replay the notebook exactly (PyTorch generator, builds 1 and 4)' : 'the lab\'s own initialisation             '}: initial weights ${out[name].initMs} ms (median of 5: ${out[name].initRepeats.join(', ')}), 6.3.1 ${out[name].stepsPerSecond} steps/s`);
    }
  } finally {
    await page.close();
  }
  return out;
}

/** The real app, automatic backend: long main-thread tasks while an experiment trains to its end. */
async function mainThread(browser: Browser, url: string, hash: string) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.addInitScript(() => {
    const w = window as unknown as { __long: number[] };
    w.__long = [];
    new PerformanceObserver((l) => l.getEntries().forEach((e) => w.__long.push(e.duration))).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(url + hash);
  await page.waitForFunction(() => document.querySelector('[data-testid=status]')?.getAttribute('data-state') === 'idle', null, { timeout: 120_000 });
  const backend = await page.getAttribute('[data-testid=backend]', 'data-backend');
  const steps = Number((await page.textContent('[data-testid=status]'))!.match(/\/ (\d+)/)![1]);
  await page.evaluate(() => ((window as unknown as { __long: number[] }).__long = []));
  const t0 = Date.now();
  await page.click('[data-testid=run]');
  // While it trains, what a reader does: the results table, the squeeze view (another run), both exports.
  await page.waitForTimeout(1500);
  const training = async () => (await page.getAttribute('[data-testid=status]', 'data-state')) === 'running';
  if (await training()) {
    await page.locator('[data-testid=final-table]').scrollIntoViewIfNeeded();
    await page.locator('.squeeze-panel').scrollIntoViewIfNeeded();
    await page.selectOption('select[aria-label="Run inspected"]', '1');
    await page.waitForTimeout(700);
    await page.locator('summary:has-text("Export and weights")').click();
    for (const id of ['export-csv', 'export-json']) {
      if (!(await training())) break;
      await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${id}]`)]);
      await page.waitForTimeout(400);
    }
  }
  await page.waitForFunction(() => document.querySelector('[data-testid=status]')?.getAttribute('data-state') === 'done', null, { timeout: 600_000 });
  const seconds = (Date.now() - t0) / 1000;
  const tasks = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
  await page.close();
  return { backend, steps, seconds: round(seconds, 1), stepsPerSecond: round(steps / seconds, 1), longTasks: tasks.length, maxTaskMs: round(Math.max(0, ...tasks), 0), tasksOver50: tasks.map((t) => round(t, 0)) };
}

function torchPython(): string | null {
  for (const py of ['python3', '/usr/bin/python3']) if (spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return py;
  return null;
}

/** The same workload in PyTorch on the CPU (scripts/torch_reference.py), from the same initial weights. */
function torchBench(python: string) {
  const out: Record<string, unknown> = {};
  for (const model of ['notebook', 'tiny'] as const) {
    const e = workload(model);
    const w = seededWeights(e);
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-torch-'));
    writeFileSync(path.join(dir, 'p.safetensors'), exportSafetensors(w.policy, 'policy'));
    writeFileSync(path.join(dir, 'r.safetensors'), exportSafetensors(w.reference, 'reference'));
    writeFileSync(path.join(dir, 'runs.json'), JSON.stringify(e.runs));
    const sps: number[] = [];
    let threads = 0;
    for (let r = 0; r < REPEATS; r++) {
      execFileSync(python, ['scripts/torch_reference.py', '--policy', path.join(dir, 'p.safetensors'), '--reference', path.join(dir, 'r.safetensors'),
        '--runs', path.join(dir, 'runs.json'), '--steps', '100', '--heads', String(w.policy.config.numHeads), '--threads', String(cpus().length), '--json', path.join(dir, 'out.json')]);
      const res = JSON.parse(execFileSync('cat', [path.join(dir, 'out.json')]).toString()) as { seconds: number; threads: number; torch: string };
      sps.push(100 / res.seconds);
      threads = res.threads;
      out.version = res.torch;
    }
    out[model] = { stepsPerSecond: round(median(sps), 2), repeats: sps.map((x) => round(x, 2)), threads };
    log(`  torch  ${model.padEnd(8)} ${String(round(median(sps), 1)).padStart(6)} steps/s  (${threads} threads, repeats ${sps.map((x) => round(x, 1)).join(', ')})`);
  }
  return out;
}

/** The issues' targets, checked against this run (2-core CPU-only machine), for the sections that ran. */
function summarize(report: Record<string, unknown>, auto: string) {
  const mark = (ok: boolean) => (ok ? 'met ' : 'NOT met');
  const targets: Record<string, unknown> = {};
  log(`targets (automatic backend: ${auto}; load average now ${load1()}):`);
  const row = (report.backends as Record<string, unknown>[]).find((b) => b.backend === auto) as
    | { notebook?: { stepsPerSecond: number }; tiny?: { stepsPerSecond: number }; memory?: { start: { numBytes: number; numTensors: number; wasmHeapBytes: number | null }; end: { numBytes: number; numTensors: number; wasmHeapBytes: number | null }; steps: number } }
    | undefined;
  if (row) {
    const nb = row.notebook?.stepsPerSecond ?? 0;
    const tiny = row.tiny?.stepsPerSecond ?? 0;
    const mem = row.memory;
    const flat = mem ? mem.end.numTensors === mem.start.numTensors && mem.end.numBytes === mem.start.numBytes && mem.end.wasmHeapBytes === mem.start.wasmHeapBytes : false;
    log(`  ${mark(nb >= 14)} notebook 6.3.1 >= 14 steps/s: ${nb}`);
    log(`  ${mark(tiny >= 150)} tiny 6.3.1 >= 150 steps/s: ${tiny}`);
    log(`  ${mark(flat)} memory flat over ${mem?.steps ?? 0} steps: tensors ${mem?.start.numTensors} -> ${mem?.end.numTensors}, wasm heap ${mem?.start.wasmHeapBytes} -> ${mem?.end.wasmHeapBytes} bytes`);
    Object.assign(targets, { notebook: nb, tiny, memoryFlat: flat });
  }
  const mt = report.mainThread as { longTasks: number; maxTaskMs: number }[] | undefined;
  if (mt) {
    const over = mt.reduce((n, m) => n + m.longTasks, 0);
    const longest = Math.max(0, ...mt.map((m) => m.maxTaskMs));
    log(`  ${mark(over === 0)} no main-thread task over 50 ms while training (results table, squeeze view, exports used): ${over} over (longest ${longest} ms)`);
    Object.assign(targets, { tasksOver50: over, longestTaskMs: longest });
  }
  const exact = report.exactReplay as Record<'lab' | 'exact', { initMs: number; stepsPerSecond: number }> | undefined;
  if (exact) {
    const slowdown = exact.exact.stepsPerSecond / exact.lab.stepsPerSecond;
    log(`  ${mark(exact.exact.initMs < 150)} exact replay's initial weights (notebook size) < 150 ms: ${exact.exact.initMs} ms`);
    log(`  ${mark(slowdown >= 0.95)} the exact replay does not slow training (within 5%): ${round(slowdown, 3)}x the lab's steps/s`);
    Object.assign(targets, { exactInitMs: exact.exact.initMs, exactSpeedRatio: round(slowdown, 3) });
  }
  const cores = report.cores as undefined | {
    browser: Record<string, Record<number, { stepsPerSecond: number }>>;
    browserWorkers?: Record<string, Record<number, { stepsPerSecond: number }>>;
    memory: { steps: number; start: { numTensors: number; numBytes: number; wasmHeapBytes: number | null }; end: { numTensors: number; numBytes: number; wasmHeapBytes: number | null } };
    cli: Record<string, { wallSeconds: number } | undefined>;
  };
  if (cores) {
    const n = cpus().length;
    for (const model of ['notebook', 'tiny']) {
      const b = cores.browser[model];
      const ratio = b?.[n] && b[1] ? b[n]!.stepsPerSecond / b[1]!.stepsPerSecond : 0;
      log(`  ${mark(ratio >= 1.6)} browser ${model} 6.3.1 group steps/s on ${n} threads >= 1.6x one thread: ${round(ratio, 2)}x (${b?.[n]?.stepsPerSecond} vs ${b?.[1]?.stepsPerSecond})`);
      targets[`browserThreads_${model}`] = round(ratio, 2);
      const w = cores.browserWorkers?.[model];
      const k = Math.min(n, 5);
      const byRuns = w?.[k] && w[1] ? w[k]!.stepsPerSecond / w[1]!.stepsPerSecond : 0;
      log(`  ${mark(byRuns >= 1.6)} browser ${model} 6.3.1 group steps/s, runs over ${k} workers >= 1.6x one: ${round(byRuns, 2)}x (${w?.[k]?.stepsPerSecond} vs ${w?.[1]?.stepsPerSecond})`);
      targets[`browserWorkers_${model}`] = round(byRuns, 2);
    }
    const m = cores.memory;
    const flat = m.end.numTensors === m.start.numTensors && m.end.numBytes === m.start.numBytes && m.end.wasmHeapBytes === m.start.wasmHeapBytes;
    log(`  ${mark(flat)} memory flat over ${m.steps} steps on ${n} threads: tensors ${m.start.numTensors} -> ${m.end.numTensors}, wasm heap ${m.start.wasmHeapBytes} -> ${m.end.wasmHeapBytes} bytes`);
    const one = cores.cli.threads1?.wallSeconds;
    const all = cores.cli[`threads${n}`]?.wallSeconds;
    const torch = cores.cli.torch?.wallSeconds;
    if (one && all) log(`  ${mark(one / all >= 1.6)} command line, start-up included, ${n} threads >= 1.6x one thread: ${round(one / all, 2)}x (${all} s vs ${one} s)`);
    if (torch && all) log(`  ${mark(torch / all >= 4)} command line, start-up included, >= 4x PyTorch eager: ${round(torch / all, 2)}x (${all} s vs ${torch} s)`);
    Object.assign(targets, { threadedMemoryFlat: flat, cliThreadsRatio: one && all ? round(one / all, 2) : null, cliTorchRatio: torch && all ? round(torch / all, 2) : null });
  }
  const adapters = (row as { adapters?: Record<'notebook' | 'tiny', { loraOverFull: number; doraOverFull: number }> } | undefined)?.adapters;
  if (adapters) {
    const loraRatio = Math.min(adapters.notebook.loraOverFull, adapters.tiny.loraOverFull);
    log(`  ${mark(loraRatio >= 0.95)} LoRA runs no slower per step than full runs (within 5%): LoRA/full ${adapters.notebook.loraOverFull} (notebook), ${adapters.tiny.loraOverFull} (tiny); DoRA/full ${adapters.notebook.doraOverFull}, ${adapters.tiny.doraOverFull}`);
    Object.assign(targets, { loraOverFull: loraRatio });
  }
  report.targets = targets;
}

function log(line: string) {
  console.log(line);
}

async function main() {
  if (!opts['no-build']) execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  const isolate = opts.isolation!;
  // A plain static host (the service worker isolates the app's pages), and one that sends COOP/COEP itself.
  const plain = await serveDist({ base: '/lab/' });
  const isolated = await serveDist({ base: '/lab/', isolate: true });
  const server = isolate ? isolated : plain;
  const browser = await launch();
  const report: Record<string, unknown> = {
    date: new Date().toISOString(), cpus: cpus().length, cpuModel: cpus()[0]?.model, crossOriginIsolated: isolate, quick: QUICK,
    chromium: browser.version(), backends: [] as unknown[], loadAtStart: load1(),
  };
  try {
    log(`DPO/IPO Lab benchmark: ${cpus().length} CPUs, Chromium ${browser.version()}, bench page ${isolate ? 'served cross-origin isolated' : 'served as a plain static site'}, load average ${load1()}`);
    log('workloads: the 6.3.1 run set (5 runs, 100 steps) on the notebook and tiny models; steps/s count all runs together');
    const page = await browser.newPage();
    page.on('pageerror', (e) => log(`  page error: ${e.message}`));
    await page.goto(`${server.url}bench.html`);
    await page.waitForFunction(() => (window as unknown as { labBench?: unknown }).labBench !== undefined);
    const auto = await call<{ active: string; reason: string }>(page, 'setBackend', 'auto');
    report.auto = auto;
    log(`auto-selected backend: ${auto.active} (${auto.reason})`);
    await page.close();
    if (opts['adapters-only']) log('LoRA and DoRA (rank 4 on q, v) against full runs, the 6.3.1 run set:');
    if (SECTIONS.has('backends') || opts['adapters-only']) for (const b of opts.backends!.split(',')) (report.backends as unknown[]).push(await benchBackendInPage(browser, server.url, b.trim()));
    if (opts['adapters-only']) return;
    if (SECTIONS.has('exact')) {
      log('replaying the notebook exactly (notebook model, automatic backend, in the worker):');
      report.exactReplay = await exactReplay(browser, server.url);
    }
    if (SECTIONS.has('main')) {
      log('the app\'s main thread while training, with the results table, the squeeze view and both exports used (plain static host, 1400x1000 window):');
      const tiny8 = defaultLinkState();
      tiny8.presetId = null;
      tiny8.experiment = { ...tiny8.experiment, model: 'tiny', steps: 1000, runs: [...tiny8.experiment.runs, ...tiny8.experiment.runs.slice(0, 3)] };
      tiny8.view.hidden = tiny8.experiment.runs.map(() => false);
      const scenarios = [['notebook 6.3.1, 5 runs x 100 steps', ''], ['tiny, 8 runs x 1000 steps', `#${encodeLink(tiny8)}`]] as const;
      report.mainThread = [];
      for (const [name, hash] of scenarios) {
        const mt = await mainThread(browser, plain.url, hash);
        (report.mainThread as unknown[]).push({ scenario: name, ...mt });
        log(`  ${name}: ${mt.backend}, ${mt.stepsPerSecond} steps/s in the app, ${mt.longTasks} tasks over 50 ms${mt.longTasks ? ` (${mt.tasksOver50.join(', ')} ms)` : ''}`);
      }
    }
    const py = torchPython();
    if (SECTIONS.has('torch')) {
      if (py) {
        log('PyTorch (eager, CPU), same workloads from the same initial weights:');
        report.torch = torchBench(py);
        const autoRow = (report.backends as Record<string, unknown>[]).find((b) => b.backend === auto.active);
        for (const model of ['notebook', 'tiny'] as const) {
          const ours = (autoRow?.[model] as { stepsPerSecond: number } | undefined)?.stepsPerSecond;
          const theirs = ((report.torch as Record<string, { stepsPerSecond: number }>)[model])?.stepsPerSecond;
          if (ours && theirs) log(`  ratio ${model}: lab (${auto.active}) / PyTorch = ${round(ours / theirs, 2)}`);
        }
      } else log('PyTorch is not importable here (python3 -c "import torch"): no comparison');
    }
    if (SECTIONS.has('cores')) report.cores = await everyCore(browser, { plain: plain.url, isolated: isolated.url }, py, { workload, repeats: REPEATS, budgetMs: BUDGET_MS, memorySteps: MEMORY_STEPS, memoryBudgetMs: MEMORY_BUDGET_MS, quick: QUICK }, log);
    summarize(report, auto.active);
  } finally {
    await browser.close();
    await plain.close();
    await isolated.close();
    writeFileSync(opts.json!, JSON.stringify(report, null, 2));
    log(`wrote ${opts.json}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
