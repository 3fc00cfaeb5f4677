// The command line uses every core: --threads N runs tfjs's WASM backend on N threads (Node has
// SharedArrayBuffer), checked 1..cores, and gives the curves a single thread gives, to float32 tolerance.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../helpers/close';
import { parseCliArgs } from '../../src/cli/args';
import { availableCores } from '../../src/cli/node-backend';

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

  it('runs on the threads asked for, with the curves of one thread (float32 tolerance)', () => {
    const cores = availableCores();
    const dir = mkdtempSync(path.join(tmpdir(), 'cli-threads-'));
    const counts = [...new Set([1, Math.min(2, cores), cores])];
    const results = new Map<number, Results>();
    for (const n of counts) {
      const file = path.join(dir, `t${n}.json`);
      const r = experiment('--preset', 'beta-sweep', '--model', 'notebook', '--steps', '3', '--threads', String(n), '--json', file);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`5 runs x 3 steps, notebook model, wasm backend \\(${n} threads?\\)`));
      results.set(n, JSON.parse(readFileSync(file, 'utf8')) as Results);
    }
    const one = results.get(1)!;
    for (const [n, res] of results) {
      res.runs.forEach((run, i) => {
        for (const [metric, values] of Object.entries(run.metrics)) {
          expectAllClose(values, one.runs[i]!.metrics[metric]!, { rel: 1e-4, abs: 1e-6 }, `${n} threads, ${run.label}, ${metric}`);
        }
      });
    }
  });
});
