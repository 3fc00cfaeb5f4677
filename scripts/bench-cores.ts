/**
 * npm run bench, "use every core": what threads bring, measured where it runs.
 *
 * - browser: 6.3.1 group steps/s on WASM with exactly 1, 2 and every core's threads (the benchmark page,
 *   cross-origin isolated), each the median of repeats, interleaved so the machine's load falls on all alike;
 * - command line: the 6.3.1 notebook workload (5 runs x 100 steps) as `npm run experiment` runs it, start-up
 *   included (wall time of the process), with --threads 1 and every core, against PyTorch eager
 *   (scripts/torch_reference.py, default threads, its start-up and import included too);
 * - time to first curve: from opening a teaching link to the first plotted point (the Run button clicked as
 *   soon as it is ready), cold (a fresh browser profile) and warm (the link opened again), on a plain static
 *   host where the service worker isolates the page, on a host that sends the headers itself, and with no
 *   isolation (service workers blocked).
 * Every figure carries the machine's load average when it was taken: on a shared machine threads suffer first.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { encodeLink } from '../src/state/link';
import { defaultLinkState } from '../src/state/linkState';
import { exportSafetensors } from '../src/model/weights';
import type { Experiment } from '../src/train/experiment';
import { seededWeights } from '../src/train/session';
import type { MemoryStats } from '../src/worker/protocol';

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
export const load1 = () => round(loadavg()[0]!, 2);

type Log = (line: string) => void;

const call = <T,>(page: Page, fn: string, ...args: unknown[]): Promise<T> =>
  page.evaluate(([f, a]) => (window as unknown as { labBench: Record<string, (...x: unknown[]) => Promise<unknown>> }).labBench[f as string]!(...(a as unknown[])), [fn, args] as const) as Promise<T>;

interface RunTiming { firstStepMs: number; steps: number; steadyMs: number; lastStep: number }

/**
 * 6.3.1 group steps/s on WASM with exactly n threads (or, `workers`, the runs split over exactly n Web
 * Workers, one thread each), per model: median of `repeats`, interleaved over counts.
 */
export async function threadSpeeds(browser: Browser, isolatedUrl: string, workloads: Record<string, Experiment>, counts: number[], repeats: number, budgetMs: number, log: Log, workers = false) {
  const what = workers ? 'worker' : 'thread';
  const out: Record<string, Record<number, { stepsPerSecond: number; repeats: number[]; load: number[] }>> = {};
  for (const [model, e] of Object.entries(workloads)) {
    const sps: Record<number, number[]> = {};
    const loads: Record<number, number[]> = {};
    for (let r = 0; r < repeats; r++) {
      for (const n of counts) {
        const page = await browser.newPage(); // a fresh worker each time: one WASM module, the count asked
        await page.goto(`${isolatedUrl}bench.html`);
        await page.waitForFunction(() => (window as unknown as { labBench?: unknown }).labBench !== undefined);
        const info = await call<{ threads?: { count: number } }>(page, 'setBackend', 'wasm', workers ? undefined : n, workers ? n : undefined);
        if (!workers && info.threads?.count !== n) throw new Error(`asked for ${n} threads, got ${JSON.stringify(info.threads)}`);
        await call(page, 'load', e);
        const split = (await call<{ threads?: { shards?: number } } | null>(page, 'backend'))?.threads?.shards ?? 1;
        if (workers && split !== n) throw new Error(`asked for ${n} workers, got ${split}`);
        const l0 = load1();
        const x = await call<RunTiming>(page, 'run', budgetMs);
        (sps[n] ??= []).push(x.steps > 0 ? (1000 * x.steps) / x.steadyMs : 0);
        (loads[n] ??= []).push(round((l0 + load1()) / 2, 2));
        await page.close();
      }
    }
    out[model] = {};
    for (const n of counts) {
      out[model][n] = { stepsPerSecond: round(median(sps[n]!), 2), repeats: sps[n]!.map((v) => round(v, 2)), load: loads[n]! };
      log(`  wasm ${String(n).padStart(2)} ${what}${n === 1 ? ' ' : 's'} ${model.padEnd(8)} ${String(round(median(sps[n]!), 2)).padStart(6)} steps/s  (repeats ${sps[n]!.map((v) => round(v, 2)).join(', ')}; load ${loads[n]!.join(', ')})`);
    }
    const one = out[model][1]?.stepsPerSecond;
    for (const n of counts.filter((c) => c > 1)) if (one) log(`  ratio ${model} ${n} ${what}s / 1 ${what} = ${round(out[model][n]!.stepsPerSecond / one, 2)}`);
  }
  return out;
}

function wall(cmd: string, args: string[]): { seconds: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-500)}`);
  return { seconds, stdout: r.stdout };
}

/**
 * The 6.3.1 notebook workload from the command line (start-up included) with 1 and `cores` threads, and
 * PyTorch eager on the same workload from the same initial weights (default threads), interleaved.
 */
export function cliVersusTorch(python: string | null, torchFiles: { policy: string; reference: string; runs: string } | null, cores: number, repeats: number, log: Log) {
  const tsx = path.resolve('node_modules/.bin/tsx');
  const counts = [...new Set([1, cores])];
  const cli: Record<number, number[]> = {};
  const cliTrain: Record<number, number[]> = {};
  const torchWall: number[] = [];
  const torchLoop: number[] = [];
  const loads: number[] = [];
  let torchThreads = 0;
  for (let r = 0; r < repeats; r++) {
    for (const n of counts) {
      loads.push(load1());
      const { seconds, stdout } = wall(tsx, ['src/cli/experiment.ts', '--preset', 'beta-sweep', '--threads', String(n)]);
      (cli[n] ??= []).push(seconds);
      const train = /, ([\d.]+) s \(/.exec(stdout);
      (cliTrain[n] ??= []).push(train ? Number(train[1]) : NaN);
    }
    if (python && torchFiles) {
      loads.push(load1());
      const { seconds, stdout } = wall(python, ['scripts/torch_reference.py', '--policy', torchFiles.policy, '--reference', torchFiles.reference, '--runs', torchFiles.runs, '--steps', '100']);
      torchWall.push(seconds);
      const m = /in ([\d.]+) s .*, (\d+) threads/.exec(stdout);
      torchLoop.push(m ? Number(m[1]) : NaN);
      torchThreads = m ? Number(m[2]) : 0;
    }
  }
  const out: Record<string, unknown> = { loads };
  for (const n of counts) {
    out[`threads${n}`] = { wallSeconds: round(median(cli[n]!), 2), trainSeconds: round(median(cliTrain[n]!), 2), repeats: cli[n]!.map((s) => round(s, 2)) };
    log(`  cli    ${String(n).padStart(2)} thread${n === 1 ? ' ' : 's'} 6.3.1 notebook, 100 steps: ${round(median(cli[n]!), 2)} s with start-up (${round(median(cliTrain[n]!), 2)} s training; repeats ${cli[n]!.map((s) => round(s, 1)).join(', ')})`);
  }
  if (torchWall.length) {
    out.torch = { wallSeconds: round(median(torchWall), 2), loopSeconds: round(median(torchLoop), 2), threads: torchThreads, repeats: torchWall.map((s) => round(s, 2)) };
    log(`  torch  ${torchThreads} thread${torchThreads === 1 ? ' ' : 's'} (default) same workload: ${round(median(torchWall), 2)} s with start-up (${round(median(torchLoop), 2)} s in its loop; repeats ${torchWall.map((s) => round(s, 1)).join(', ')})`);
  }
  log(`  load average during these runs: ${loads.join(', ')}`);
  return out;
}

type TtfcMode = 'service-worker' | 'headers' | 'none';

interface Ttfc { totalMs: number; readyMs: number; firstPointMs: number; loads: number; isolated: boolean; threads: string | null; load: number }

/** Opens `url` in `page`, clicks Run as soon as it can, and times the first plotted point. */
async function firstCurve(page: Page, url: string): Promise<Ttfc> {
  let loads = 0;
  const onLoad = () => loads++;
  page.on('load', onLoad);
  const l0 = load1();
  const t0 = performance.now();
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('[data-testid=status]')?.getAttribute('data-state') === 'idle', null, { timeout: 180_000, polling: 10 });
  const ready = performance.now();
  await page.click('[data-testid=run]');
  await page.waitForFunction(() => ((window as unknown as { dpoLab?: { plotted?: Record<string, { rows: unknown[] }> } }).dpoLab?.plotted?.['pi-rej']?.rows.length ?? 0) > 0, null, { timeout: 180_000, polling: 10 });
  const first = performance.now();
  page.off('load', onLoad);
  const isolated = await page.evaluate(() => crossOriginIsolated);
  const threads = await page.getAttribute('[data-testid=backend]', 'data-threads');
  await page.close();
  return { totalMs: round(first - t0, 0), readyMs: round(ready - t0, 0), firstPointMs: round(first - ready, 0), loads, isolated, threads, load: round((l0 + load1()) / 2, 2) };
}

/** Cold (fresh profile) and warm (opened again in a new tab) time to first curve, per way of being served. */
export async function timeToFirstCurve(browser: Browser, urls: Record<TtfcMode, string>, repeats: number, log: Log) {
  const link = `#${encodeLink(defaultLinkState())}`; // the default teaching link: 6.3.1 on the notebook model
  const out: Record<string, { cold: Ttfc[]; warm: Ttfc[] }> = {};
  for (let r = 0; r < repeats; r++) {
    for (const mode of ['service-worker', 'headers', 'none'] as const) {
      const ctx: BrowserContext = await browser.newContext({ viewport: { width: 1400, height: 1000 }, serviceWorkers: mode === 'none' ? 'block' : 'allow' });
      try {
        const cold = await firstCurve(await ctx.newPage(), urls[mode] + link);
        const warm = await firstCurve(await ctx.newPage(), urls[mode] + link);
        (out[mode] ??= { cold: [], warm: [] }).cold.push(cold);
        out[mode]!.warm.push(warm);
      } finally {
        await ctx.close();
      }
    }
  }
  const describe = (xs: Ttfc[]) => `${median(xs.map((x) => x.totalMs))} ms (ready ${median(xs.map((x) => x.readyMs))} + first point ${median(xs.map((x) => x.firstPointMs))}; ${xs[0]!.loads} document load${xs[0]!.loads === 1 ? '' : 's'}, isolated ${xs[0]!.isolated}, threads ${xs[0]!.threads}; repeats ${xs.map((x) => x.totalMs).join(', ')}; load ${xs.map((x) => x.load).join(', ')})`;
  for (const [mode, { cold, warm }] of Object.entries(out)) {
    log(`  ${mode.padEnd(14)} cold ${describe(cold)}`);
    log(`  ${''.padEnd(14)} warm ${describe(warm)}`);
  }
  return out;
}

/** Every core: WASM threads in the browser, the command line against PyTorch, the time to the first curve. */
export interface CoreOptions {
  workload(model: 'notebook' | 'tiny', steps?: number): Experiment;
  repeats: number;
  budgetMs: number;
  memorySteps: number;
  memoryBudgetMs: number;
  quick: boolean;
}

export async function everyCore(browser: Browser, urls: { plain: string; isolated: string }, python: string | null, o: CoreOptions, log: Log) {
  const { workload, repeats: REPEATS, budgetMs: BUDGET_MS, quick: QUICK } = o;
  const cores = cpus().length;
  const counts = [...new Set([1, 2, cores])].filter((n) => n <= cores);
  const out: Record<string, unknown> = {};
  log(`every core: WASM on ${counts.join(', ')} threads (bench page served with COOP/COEP; ${REPEATS} repeats, interleaved):`);
  out.browser = await threadSpeeds(browser, urls.isolated, { notebook: workload('notebook'), tiny: workload('tiny') }, counts, REPEATS, BUDGET_MS, log);
  const workerCounts = [...new Set([1, Math.min(cores, 5)])];
  log(`every core, by runs: the 5 runs split over ${workerCounts.join(', ')} Web Workers, one thread each (the plain page: no isolation needed):`);
  out.browserWorkers = await threadSpeeds(browser, urls.plain, { notebook: workload('notebook'), tiny: workload('tiny') }, workerCounts, REPEATS, BUDGET_MS, log, true);
  const memory = await threadedMemory(browser, urls.isolated, cores, o);
  out.memory = memory;
  log(`  wasm ${cores} threads memory over ${memory.steps} steps (tiny): tensors ${memory.start.numTensors} -> ${memory.end.numTensors}, wasm heap ${memory.start.wasmHeapBytes} -> ${memory.end.wasmHeapBytes} bytes`);
  log(`the 6.3.1 notebook workload from the command line, start-up included, against PyTorch eager (${REPEATS} repeats, interleaved):`);
  const e = workload('notebook');
  const w = seededWeights(e);
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-cores-'));
  const files = { policy: path.join(dir, 'p.safetensors'), reference: path.join(dir, 'r.safetensors'), runs: path.join(dir, 'runs.json') };
  writeFileSync(files.policy, exportSafetensors(w.policy, 'policy'));
  writeFileSync(files.reference, exportSafetensors(w.reference, 'reference'));
  writeFileSync(files.runs, JSON.stringify(e.runs));
  out.cli = cliVersusTorch(python, python ? files : null, cores, REPEATS, log);
  log('time to the first curve (the default teaching link, 6.3.1 on the notebook model; Run clicked when ready):');
  out.firstCurve = await timeToFirstCurve(browser, { 'service-worker': urls.plain, headers: urls.isolated, none: urls.plain }, QUICK ? 1 : REPEATS, log);
  return out;
}

/** Memory at the start and end of a 2,000-step tiny run on WASM with `threads` threads. */
async function threadedMemory(browser: Browser, url: string, threads: number, o: CoreOptions) {
  const page = await browser.newPage();
  try {
    await page.goto(`${url}bench.html`);
    await page.waitForFunction(() => (window as unknown as { labBench?: unknown }).labBench !== undefined);
    await call(page, 'setBackend', 'wasm', threads);
    await call(page, 'load', o.workload('tiny', o.memorySteps));
    await call(page, 'run', 1);
    const start = await call<MemoryStats>(page, 'stats');
    const run = await call<RunTiming>(page, 'run', o.memoryBudgetMs);
    const end = await call<MemoryStats>(page, 'stats');
    return { steps: run.lastStep, start, end };
  } finally {
    await page.close();
  }
}
