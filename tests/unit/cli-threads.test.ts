// The command line uses every core: --threads N runs tfjs's WASM backend on N threads (Node has
// SharedArrayBuffer), checked 1..cores, and gives the curves a single thread gives, to float32 tolerance.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../helpers/close';
import { parseCliArgs } from '../../src/cli/args';
import { availableCores } from '../../src/cli/node-backend';
import { planShards } from '../../src/train/shardPlan';

function experiment(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(path.resolve('node_modules/.bin/tsx'), ['src/cli/experiment.ts', ...args], { encoding: 'utf8', timeout: 180_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

type Results = { runs: { label: string; metrics: Record<string, number[]> }[] };

describe('--threads', () => {
  it('defaults to every core on WASM, one on the CPU backend, and takes 1..cores', () => {
    expect(parseCliArgs(['--preset', '6.2'], 4).threads).toBe(4);
    expect(parseCliArgs(['--preset', '6.2', '--backend', 'cpu'], 4).threads).toBe(1);
    expect(parseCliArgs(['--preset', '6.2', '--threads', '1'], 4).threads).toBe(1);
    expect(parseCliArgs(['--preset', '6.2', '--threads', '3'], 4).threads).toBe(3);
    expect(parseCliArgs(['--preset', '6.2', '--threads', '4'], 4).threads).toBe(4);
    expect(parseCliArgs(['--preset', '6.2', '--backend', 'cpu', '--threads', '1'], 4).threads).toBe(1);
  });

  const refused: [string, string[], RegExp][] = [
    ['zero', ['--threads', '0'], /--threads must be a whole number in 1\.\.4 \(the cores this machine has\), got "0"/],
    ['more than the cores', ['--threads', '5'], /--threads must be a whole number in 1\.\.4 .*got "5"/],
    ['a fraction', ['--threads', '1.5'], /--threads must be a whole number in 1\.\.4 .*got "1\.5"/],
    ['a word', ['--threads', 'all'], /--threads must be a whole number in 1\.\.4 .*got "all"/],
    ['a negative number', ['--threads=-2'], /--threads must be a whole number in 1\.\.4 .*got "-2"/],
    ['threads on the CPU backend', ['--backend', 'cpu', '--threads', '2'], /--threads applies to the wasm backend; the cpu backend runs on one thread/],
  ];
  for (const [what, args, message] of refused) {
    it(`refuses ${what}`, () => {
      expect(() => parseCliArgs(['--preset', '6.2', ...args], 4)).toThrow(message);
    });
  }

  it('exits 2 with a message for a count this machine does not have', () => {
    const cores = availableCores();
    for (const n of ['0', String(cores + 1)]) {
      const r = experiment('--preset', '6.2', '--model', 'tiny', '--steps', '1', '--threads', n);
      expect(r.code, n).toBe(2);
      expect(r.err).toMatch(new RegExp(`--threads must be a whole number in 1\\.\\.${cores} \\(the cores this machine has\\), got "${n}"`));
      expect(r.err).not.toMatch(/\n\s+at /); // a message, not a stack trace
    }
  });

  it('splits the runs over the cores, leftover cores going to XNNPACK threads', () => {
    expect(planShards(5, 1)).toEqual({ runs: [[0, 1, 2, 3, 4]], threads: [1] });
    expect(planShards(5, 2)).toEqual({ runs: [[0, 1, 2], [3, 4]], threads: [1, 1] });
    expect(planShards(5, 8)).toEqual({ runs: [[0], [1], [2], [3], [4]], threads: [2, 2, 2, 1, 1] });
    expect(planShards(1, 4)).toEqual({ runs: [[0]], threads: [4] });
    expect(planShards(2, 3)).toEqual({ runs: [[0], [1]], threads: [2, 1] });
  });

  /** Trains with --threads n; every metric of every run. */
  function trainWith(dir: string, n: number, args: string[], expectOut: RegExp): Results {
    const file = path.join(dir, `t${n}-${args.join('').replace(/[^\w.-]/g, '_')}.json`);
    const r = experiment(...args, '--threads', String(n), '--json', file);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(expectOut);
    return JSON.parse(readFileSync(file, 'utf8')) as Results;
  }

  function expectSameCurves(a: Results, b: Results, what: string): void {
    expect(a.runs.length).toBe(b.runs.length);
    a.runs.forEach((run, i) => {
      expect(run.label).toBe(b.runs[i]!.label);
      expect(Object.keys(run.metrics).sort(), `${what}, ${run.label}: the same metrics`).toEqual(Object.keys(b.runs[i]!.metrics).sort());
      for (const [metric, values] of Object.entries(run.metrics)) expectAllClose(values, b.runs[i]!.metrics[metric]!, { rel: 1e-4, abs: 1e-6 }, `${what}, ${run.label}, ${metric}`);
    });
  }

  it('trains the runs on every core, split over worker threads, with the curves of one thread (float32 tolerance)', () => {
    const cores = availableCores();
    const dir = mkdtempSync(path.join(tmpdir(), 'cli-threads-'));
    const args = ['--preset', 'beta-sweep', '--model', 'notebook', '--steps', '3'];
    const one = trainWith(dir, 1, args, /5 runs x 3 steps, notebook model, wasm backend \(1 thread\)/);
    if (cores < 2) return;
    const all = trainWith(dir, cores, args, new RegExp(`5 runs x 3 steps, notebook model, wasm backend \\(${cores} threads: the runs split over ${Math.min(cores, 5)} of them\\)`));
    expectSameCurves(all, one, `${cores} threads`);
  });

  it('scores each run of a shard as the whole comparison does: KTO\'s kl on every run, a reference-free run\'s h against the reference', () => {
    const cores = availableCores();
    if (cores < 2) return;
    const dir = mkdtempSync(path.join(tmpdir(), 'cli-threads-'));
    // KTO's preset splits [DPO, IPO] | [KTO]: the first shard has no KTO run, yet its runs log kl as they do together.
    const kto = ['--preset', 'kto-vs-dpo-ipo', '--model', 'tiny', '--steps', '3'];
    const ktoOne = trainWith(dir, 1, kto, /3 runs x 3 steps/);
    expect(ktoOne.runs.every((r) => 'kl' in r.metrics)).toBe(true);
    expectSameCurves(trainWith(dir, 2, kto, /3 runs x 3 steps, tiny model, wasm backend \(2 threads: the runs split over 2 of them\)/), ktoOne, 'KTO, 2 threads');
    // DPO beside SimPO and ORPO, split [DPO, SimPO] | [ORPO]: ORPO's shard alone would score no reference.
    const file = path.join(dir, 'mixed.json');
    writeFileSync(file, JSON.stringify({ model: 'tiny', steps: 3, runs: [{ loss: 'dpo', beta: 0.1, lr: 0.1 }, { loss: 'simpo', beta: 0.1, lr: 0.1 }, { loss: 'orpo', beta: 0.1, lr: 0.1 }] }));
    const cfg = ['--config', file];
    expectSameCurves(trainWith(dir, 2, cfg, /3 runs x 3 steps, tiny model, wasm backend \(2 threads: the runs split over 2 of them\)/), trainWith(dir, 1, cfg, /3 runs x 3 steps/), 'DPO, SimPO, ORPO, 2 threads');
  });

  it('gives a single run XNNPACK\'s threads, with the curves of one thread (float32 tolerance)', () => {
    const cores = availableCores();
    if (cores < 2) return;
    const dir = mkdtempSync(path.join(tmpdir(), 'cli-threads-'));
    const args = ['--preset', 'dpo-overfits', '--model', 'notebook', '--steps', '3'];
    const one = trainWith(dir, 1, args, /1 runs x 3 steps, notebook model, wasm backend \(1 thread\)/);
    const two = trainWith(dir, 2, args, /1 runs x 3 steps, notebook model, wasm backend \(2 threads\)/);
    expectSameCurves(two, one, '2 threads');
  });
});
