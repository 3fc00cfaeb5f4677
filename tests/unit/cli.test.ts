import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { expectAllClose } from '../helpers/close';
import { MODEL_PRESETS } from '../../src/model/config';
import { exportSafetensors, importSafetensors } from '../../src/model/weights';
import { initParams } from '../../src/model/params';
import { SCALAR_METRICS } from '../../src/train/metrics';
import { encodeLink } from '../../src/state/link';
import { defaultLinkState } from '../../src/state/linkState';
import { parseExperiment } from '../../src/train/experiment';

/** Each test writes into its own folder: no test reads what another one wrote. */
let dir = '';
const tmp = (name: string) => path.join(dir, name);
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'cli-'));
});

function experiment(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(path.resolve('node_modules/.bin/tsx'), ['src/cli/experiment.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

interface Results {
  runs: { label: string; loss_type: string; beta: number; lr: number; optimizer: string; status: { state: string }; metrics: Record<string, number[]> }[];
}
const readResults = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Results;
const writeConfig = (name: string, value: unknown) => {
  writeFileSync(tmp(name), JSON.stringify(value));
  return tmp(name);
};

describe('npm run experiment', () => {
  it('runs a preset, prints a table and writes every metric of every step', () => {
    const r = experiment('--preset', '6.3.1', '--model', 'tiny', '--steps', '5', '--backend', 'cpu', '--json', tmp('a.json'), '--export-init', tmp('init'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/5 runs x 5 steps, tiny model, cpu backend/);
    expect(r.out).toMatch(/IPO β=0.1 lr=0.0001 .* ok/);
    const json = readResults(tmp('a.json'));
    expect(json.runs.map((x) => [x.loss_type, x.beta, x.lr, x.optimizer])).toEqual([
      ['ipo', 0.1, 1e-4, 'sgd'], ['ipo', 0.5, 1e-4, 'sgd'], ['ipo', 1, 1e-4, 'sgd'], ['dpo', 0.1, 1e-2, 'sgd'], ['dpo', 0.5, 1e-2, 'sgd'],
    ]);
    for (const run of json.runs) for (const m of [...SCALAR_METRICS, 'h/0', 'h/3']) expect(run.metrics[m], m).toHaveLength(5);
    for (const f of ['policy', 'reference']) {
      expect(existsSync(tmp(`init/${f}.safetensors`))).toBe(true);
      expect(() => importSafetensors(new Uint8Array(readFileSync(tmp(`init/${f}.safetensors`))), MODEL_PRESETS.tiny)).not.toThrow();
    }

    // The exported initial weights reproduce the run exactly, whatever the seed.
    const r2 = experiment('--preset', 'beta-sweep', '--model', 'tiny', '--steps', '5', '--backend', 'cpu', '--seed', '999',
      '--policy-weights', tmp('init/policy.safetensors'), '--ref-weights', tmp('init/reference.safetensors'), '--json', tmp('b.json'));
    expect(r2.code).toBe(0);
    expect(readResults(tmp('b.json')).runs.map((x) => x.metrics)).toEqual(readResults(tmp('a.json')).runs.map((x) => x.metrics));
  });

  it('takes a JSON config: other losses, sequence level, next-token scoring, WASM', () => {
    writeFileSync(tmp('config.json'), JSON.stringify({
      model: 'tiny', steps: 3, granularity: 'sequence', scoring: 'next-token',
      data: [{ prompt: [1, 2, 3], chosen: [4, 5], rejected: [6, 7, 8] }],
      runs: [{ loss: 'simpo', beta: 2, lr: 0.01, simpoGamma: 0.5 }, { loss: 'orpo', beta: 0.1, lr: 0.01, optimizer: 'adam' }],
    }));
    const r = experiment('--config', tmp('config.json'), '--json', tmp('c.json'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/2 runs x 3 steps, tiny model, wasm backend/);
    const json = readResults(tmp('c.json'));
    expect(json.runs.map((x) => x.loss_type)).toEqual(['simpo', 'orpo']);
    expect(json.runs[1]!.metrics.loss!.every(Number.isFinite)).toBe(true);
  });

  it('reproduces a teaching link headlessly', () => {
    const state = defaultLinkState();
    state.experiment = parseExperiment({ ...state.experiment, model: 'tiny', steps: 4, seed: 5, runs: [{ label: 'from the link', loss: 'hinge', beta: 0.5, lr: 0.05, optimizer: 'sgd' }] });
    const link = `https://someone.github.io/lab/#${encodeLink(state)}`;
    const a = experiment('--link', link, '--backend', 'cpu', '--json', tmp('link.json'));
    expect(a.code).toBe(0);
    expect(a.err).toBe('');
    expect(a.out).toMatch(/1 runs x 4 steps, tiny model, cpu backend/);
    const viaConfig = experiment('--config', writeConfig('link-config.json', state.experiment), '--backend', 'cpu', '--json', tmp('link2.json'));
    expect(viaConfig.code).toBe(0);
    const runs = readResults(tmp('link.json')).runs;
    expect(runs[0]!.label).toBe('from the link');
    expect(runs[0]!.metrics).toEqual(readResults(tmp('link2.json')).runs[0]!.metrics);
    // a damaged link still runs (the default experiment), with a warning
    const bad = experiment('--link', 'https://x/#v=1&s=garbage', '--model', 'tiny', '--steps', '1', '--backend', 'cpu');
    expect(bad.code).toBe(0);
    expect(bad.err).toMatch(/warning: link: the link's experiment is damaged/);
  });

  const failures: [string, string[], RegExp][] = [
    ['no experiment', [], /give --preset, --link or --config/],
    ['an unknown preset', ['--preset', 'nope'], /unknown preset "nope"; choose one of dpo-overfits \(6.2\), beta-sweep \(6.3.1\), lr-sweep \(6.3.2\)/],
    ['a non-numeric step count', ['--preset', '6.2', '--steps', 'ten'], /--steps must be a whole number, got "ten"/],
    ['zero steps', ['--preset', '6.2', '--steps', '0'], /: steps must be in 1\.\.10000\n/],
    ['a --run edit out of range', ['--preset', '6.2', '--run', '1.lr=-1'], /--run 1: learning rate must be in \(0, 1e6\]/],
    ['a --run edit of a run that does not exist', ['--preset', '6.2', '--run', '2.beta=0.5'], /--run 2\.beta: the experiment has 1 run/],
    ['a --run edit of an unknown setting', ['--preset', '6.2', '--run', '1.betta=0.5'], /--run 1: a run has no setting “betta”/],
    ['a negative seed', ['--preset', '6.2', '--notebook-exact', '--seed=-1'], /--seed must be a whole number, got "-1"/],
    ['a fractional seed', ['--preset', '6.2', '--notebook-exact', '--seed', '4.2'], /--seed must be a whole number, got "4.2"/],
    ['a seed torch.manual_seed would refuse', ['--preset', '6.2', '--notebook-exact', '--seed', '18446744073709551616'], /--seed must be in 0\.\.2\^64 - 1/],
    ['the exact replay with another scoring', ['--preset', '6.2', '--config', 'NEXT_TOKEN'], /invalid experiment: replaying the notebook exactly needs its same-position scoring/],
    ['a malformed --run edit', ['--preset', '6.2', '--run', 'beta=0.5'], /--run takes <run>\.<key>=<value>/],
    ['an unknown backend', ['--preset', '6.2', '--backend', 'webgpu'], /--backend must be one of cpu, wasm/],
    ['an unknown flag', ['--preset', '6.2', '--bogus'], /Unknown option '--bogus'/],
    ['a config that is not JSON', ['--config', 'src/cli/args.ts'], /--config src\/cli\/args.ts: .*JSON/],
    ['a weights file that is not safetensors', ['--preset', '6.2', '--model', 'tiny', '--policy-weights', 'package.json'], /package.json: not a safetensors file/],
    ['weights of the wrong model size', ['--preset', '6.2', '--model', 'notebook', '--ref-weights', 'TINY_WEIGHTS'], /do not fit this model/],
    ['a LoRA rank above the model\'s min(in, out)', ['--preset', '6.2', '--model', 'tiny', '--run', '1.policy=lora', '--run', '1.loraRank=64'], /run 1: LoRA rank 64 is larger than q_proj allows on the tiny model: at most min\(in, out\) = 32/],
    ['a LoRA α of 0', ['--preset', '6.2', '--run', '1.policy=lora', '--run', '1.loraAlpha=0'], /--run 1: LoRA α must be in \(0, 10000\]/],
    ['an unknown LoRA target', ['--preset', '6.2', '--run', '1.loraTargets=q,lm_head'], /--run 1: loraTargets: unknown LoRA target "lm_head"; the targets are q, k, v, o, gate, up, down/],
    ['a LoRA rank too large in a config file', ['--config', 'LORA_CONFIG'], /run 1: LoRA rank 33 is larger than q_proj allows on the tiny model/],
  ];
  for (const [what, args, message] of failures) {
    it(`exits 2 with a clear message on ${what}`, () => {
      writeFileSync(tmp('tiny.safetensors'), exportSafetensors(initParams(MODEL_PRESETS.tiny, 1, 0), 'reference'));
      writeFileSync(tmp('next-token.json'), JSON.stringify({ scoring: 'next-token', notebookExact: true }));
      writeFileSync(tmp('lora.json'), JSON.stringify({ model: 'tiny', runs: [{ loss: 'dpo', beta: 0.1, lr: 0.1, policy: 'lora', loraRank: 33 }] }));
      const files: Record<string, string> = { TINY_WEIGHTS: tmp('tiny.safetensors'), NEXT_TOKEN: tmp('next-token.json'), LORA_CONFIG: tmp('lora.json') };
      const r = experiment(...args.map((a) => files[a] ?? a));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /); // a message, not a stack trace
    });
  }

  it('rejects an invalid config listing every problem', () => {
    writeFileSync(tmp('bad.json'), JSON.stringify({ steps: -1, runs: [{ loss: 'ppo', beta: 0, lr: 'fast' }] }));
    const r = experiment('--config', tmp('bad.json'));
    expect(r.code).toBe(2);
    // each problem once, where it is, the field named once
    expect(r.err).toMatch(/steps must be in 1\.\.10000/);
    expect(r.err).toMatch(/run 1: loss: Invalid option/);
    expect(r.err).toMatch(/run 1: β must be in \(0, 10000\]/);
    expect(r.err).toMatch(/run 1: lr: Invalid input: expected number, received string/);
    expect(r.err).not.toMatch(/steps: steps|runs\.0/);
  });
});

describe('npm run experiment --run', () => {
  it('changes one setting of one run through the same patch as the app', () => {
    const r = experiment('--preset', '6.3.1', '--model', 'tiny', '--steps', '2', '--backend', 'cpu', '--run', '4.beta=0.3', '--run', '4.loss=cdpo', '--run', '4.labelSmoothing=0.2', '--json', tmp('edit.json'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const runs = readResults(tmp('edit.json')).runs;
    expect(runs.map((x) => [x.loss_type, x.beta])).toEqual([['ipo', 0.1], ['ipo', 0.5], ['ipo', 1], ['cdpo', 0.3], ['dpo', 0.5]]);
    expect(runs[3]!.label).toBe('cDPO β=0.3 lr=0.01'); // named after its new settings
    expect((JSON.parse(readFileSync(tmp('edit.json'), 'utf8')) as { experiment: { runs: { labelSmoothing: number }[] } }).experiment.runs[3]!.labelSmoothing).toBe(0.2);
  });
});

describe('npm run experiment --notebook-exact', () => {
  it('prints the notebook\'s own step-0 numbers (seeds/003, §6.2), and turns off with imported weights, saying so', () => {
    const r = experiment('--preset', '6.2', '--notebook-exact', '--steps', '1', '--json', tmp('exact.json'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const m = readResults(tmp('exact.json')).runs[0]!.metrics;
    expectAllClose([m.loss![0]!, m.pi_rej![0]!, m.sigma_margin![0]!], [0.6998180150985718, 0.038977719843387604, 0.4686339199542999], { rel: 5e-6 });

    writeFileSync(tmp('tiny.safetensors'), exportSafetensors(initParams(MODEL_PRESETS.tiny, 1, 0), 'policy'));
    const imported = experiment('--preset', '6.2', '--model', 'tiny', '--notebook-exact', '--steps', '1', '--backend', 'cpu', '--policy-weights', tmp('tiny.safetensors'));
    expect(imported.code).toBe(0);
    expect(imported.err).toMatch(/warning: imported weights replace the notebook's initial weights: replaying the notebook exactly is off/);
  });
});

describe('npm run experiment with LoRA and DoRA runs', () => {
  it('takes the policy, rank, α and a comma list of targets through --run, and a link carries them', () => {
    const r = experiment('--preset', '6.2', '--model', 'tiny', '--steps', '2', '--backend', 'cpu', '--run', '1.policy=dora', '--run', '1.loraRank=2',
      '--run', '1.loraAlpha=4', '--run', '1.loraTargets=o, q,k,v', '--json', tmp('lora.json'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/DPO β=0\.1 lr=0\.1 DoRA r=2 α=4 on q,k,v,o .* ok/);
    const written = JSON.parse(readFileSync(tmp('lora.json'), 'utf8')) as { experiment: { runs: Record<string, unknown>[] }; runs: { metrics: Record<string, number[]> }[] };
    expect(written.experiment.runs[0]).toMatchObject({ policy: 'dora', loraRank: 2, loraAlpha: 4, loraTargets: ['q', 'k', 'v', 'o'] });

    // The same experiment from a teaching link: the same run, the same curves.
    const state = defaultLinkState();
    state.presetId = null;
    state.experiment = parseExperiment(written.experiment);
    state.view.hidden = [false];
    const viaLink = experiment('--link', `https://x.example/#${encodeLink(state)}`, '--backend', 'cpu', '--json', tmp('lora-link.json'));
    expect(viaLink.err).toBe('');
    expect(viaLink.code).toBe(0);
    const again = readResults(tmp('lora-link.json'));
    expect(again.runs[0]!.label).toBe('DPO β=0.1 lr=0.1 DoRA r=2 α=4 on q,k,v,o');
    expect(again.runs[0]!.metrics).toEqual(written.runs[0]!.metrics);
  });
});
