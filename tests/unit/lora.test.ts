// LoRA and DoRA policies (PEFT conventions) in the trainer, on the CPU backend: the base model at
// step 0, the merged export, trainable counts, the adapters' names, and no tensor leak.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectAllClose } from '../helpers/close';
import { adaptedModules, adapterParamCount, adapterSpecs, maxAdapterRank } from '../../src/model/adapters';
import { MODEL_PRESETS } from '../../src/model/config';
import { paramCount } from '../../src/model/params';
import { exportAdapters, exportSafetensors, importSafetensors } from '../../src/model/weights';
import { parseSafetensors } from '../../src/model/safetensors';
import { PER_RUN_MATRICES, STACKED } from '../../src/model/weightLayout';
import { parseExperiment, type ExperimentSpec } from '../../src/train/experiment';
import { hMetric, type RunLog } from '../../src/train/metrics';
import { applyRunPatch, RunSchema, runName, trainableParamCount, type RunSpec } from '../../src/train/run';
import { createComparison, seededWeights, trainFor } from '../../src/train/session';
import { connectEngine, onWorkerEvent, updateRun } from '../../src/state/actions';
import { initialState, labStore } from '../../src/state/store';
import { Runner } from '../../src/worker/runner';
import type { FromWorker, ToWorker } from '../../src/worker/protocol';

const dpo = (over: Partial<RunSpec> = {}): RunSpec => ({ loss: 'dpo', beta: 0.1, lr: 0.5, ...over });
const spec = (runs: RunSpec[], over: Partial<ExperimentSpec> = {}): ExperimentSpec => ({ model: 'tiny', seed: 3, steps: 6, runs, ...over });
/** Every metric but grad_norm, which covers different parameters (the adapters only) by design. */
const FORWARD_METRICS = ['loss', 'pi_rej', 'pi_chosen', 'sigma_margin', 'logps/chosen', 'logps/rejected', 'rewards/margins', hMetric(0), hMetric(3)];
const at = (log: RunLog, step: number) => FORWARD_METRICS.map((m) => log.metrics[m]![step]!);

describe('LoRA and DoRA at step 0', () => {
  for (const layout of [STACKED, PER_RUN_MATRICES]) {
    it(`start exactly at the base model: same step-0 metrics as the full run (${layout.name})`, async () => {
      const e = parseExperiment(spec([
        dpo(), dpo({ policy: 'lora', loraRank: 4, loraTargets: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] }), dpo({ policy: 'dora', loraRank: 2, loraAlpha: 16 }),
        dpo({ policy: 'lora', loraRank: 1, optimizer: 'adam', lr: 1e-2 }),
      ], { steps: 1 }));
      const cmp = createComparison(e, seededWeights(e), layout);
      await trainFor(cmp, 1);
      const full = at(cmp.logs[0]!, 0);
      // B = 0: the low-rank path adds exactly zero.
      expect(at(cmp.logs[1]!, 0)).toEqual(full);
      expect(at(cmp.logs[3]!, 0)).toEqual(full);
      // DoRA: m starts as ||W0||_row, computed by the kernel the forward divides by.
      expectAllClose(at(cmp.logs[2]!, 0), full, { rel: 1e-6, abs: 1e-7 }, 'DoRA step 0');
      cmp.dispose();
    });
  }
});

describe('trainable parameters', () => {
  it('count r (in + out) per adapted matrix, plus out per DoRA magnitude', () => {
    const c = MODEL_PRESETS.notebook; // D 256, I 512, 2 layers
    const run = (over: Partial<RunSpec>) => RunSchema.parse(dpo(over));
    expect(trainableParamCount(c, run({}))).toBe(paramCount(c));
    expect(trainableParamCount(c, run({ policy: 'lora', loraRank: 4 }))).toBe(2 * 2 * 4 * (256 + 256)); // q, v in 2 layers
    expect(trainableParamCount(c, run({ policy: 'dora', loraRank: 4 }))).toBe(2 * 2 * (4 * (256 + 256) + 256));
    const all = run({ policy: 'lora', loraRank: 8, loraTargets: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] });
    expect(trainableParamCount(c, all)).toBe(2 * 8 * (4 * (256 + 256) + 3 * (256 + 512)));
    expect(trainableParamCount(c, { ...all, policy: 'dora' })).toBe(2 * (8 * (4 * 512 + 3 * 768) + 4 * 256 + 2 * 512 + 256));
  });

  it('are what the trainer differentiates and updates', async () => {
    const e = parseExperiment(spec([dpo({ policy: 'dora', loraRank: 3, loraTargets: ['k', 'up', 'down'] }), dpo({ policy: 'dora', loraRank: 3, loraTargets: ['k', 'up', 'down'], beta: 0.3 })]));
    const cmp = createComparison(e, seededWeights(e), STACKED);
    const groups = (cmp as unknown as { groups: { runs: number[]; weights: tf.Tensor[] }[] }).groups;
    expect(groups.map((g) => g.runs)).toEqual([[0, 1]]);
    const perRun = groups[0]!.weights.reduce((n, w) => n + w.size / 2, 0);
    expect(perRun).toBe(trainableParamCount(cmp.config.model, e.runs[0]!));
    expect(perRun).toBe(adapterParamCount(cmp.config.model, { kind: 'dora', rank: 3, targets: ['k', 'up', 'down'] }));
    cmp.dispose();
  });

  it('group by optimizer and adapter shape; α may differ inside a group', async () => {
    const e = parseExperiment(spec([
      dpo(), dpo({ policy: 'lora', loraRank: 2 }), dpo({ policy: 'lora', loraRank: 2, loraAlpha: 32 }), dpo({ policy: 'lora', loraRank: 4 }),
      dpo({ policy: 'dora', loraRank: 2 }), dpo({ policy: 'lora', loraRank: 2, optimizer: 'adam', lr: 1e-3 }), dpo({ beta: 0.2 }),
    ]));
    const cmp = createComparison(e, seededWeights(e), STACKED);
    expect((cmp as unknown as { groups: { runs: number[] }[] }).groups.map((g) => g.runs)).toEqual([[0, 6], [1, 2], [3], [4], [5]]);
    await trainFor(cmp, 3);
    // Within the rank-2 group, α is per run: α = 32 moves further than α = 8 from the same start.
    const moved = (r: number) => Math.abs(cmp.logs[r]!.metrics.loss![2]! - cmp.logs[r]!.metrics.loss![0]!);
    expect(moved(2)).toBeGreaterThan(moved(1));
    cmp.dispose();
  });
});

describe('exported weights', () => {
  for (const policy of ['lora', 'dora'] as const) {
    it(`${policy}: the merged export (HF names) gives the adapted forward's metrics`, async () => {
      const runs = [dpo({ policy, loraRank: 2, loraAlpha: 4, loraTargets: ['q', 'v', 'o', 'down'], lr: 2 }), dpo({ policy, loraRank: 2, loraAlpha: 4, loraTargets: ['q', 'v', 'o', 'down'], loss: 'ipo', beta: 0.5, lr: 0.5 })];
      const e = parseExperiment(spec(runs));
      const weights = seededWeights(e);
      const cmp = createComparison(e, weights, PER_RUN_MATRICES);
      await trainFor(cmp, 5);
      const merged = await cmp.policies();
      const adapters = await cmp.adapters(1);
      cmp.trainStep(); // step 5's forward runs on the weights after 5 updates
      await cmp.flush();
      for (const [r, set] of merged.entries()) {
        // Through a file and back, as a full model starting there.
        const file = importSafetensors(exportSafetensors(set, 'policy'), cmp.config.model);
        const replay = parseExperiment(spec([{ ...e.runs[r]!, policy: 'full' }], { steps: 1 }));
        const again = createComparison(replay, { policy: file, reference: weights.reference }, STACKED);
        await trainFor(again, 1);
        expectAllClose(at(again.logs[0]!, 0), at(cmp.logs[r]!, 5), { rel: 2e-4, abs: 1e-6 }, `${policy} run ${r + 1}`);
        expect(at(again.logs[0]!, 0)).not.toEqual(at(cmp.logs[r]!, 0)); // the adapters did move the model
        again.dispose();
      }
      // The adapters alone, under PEFT's names and shapes.
      const names = adapterSpecs(cmp.config.model, { kind: policy, rank: 2, targets: ['q', 'v', 'o', 'down'] });
      const parsed = parseSafetensors(exportAdapters(adapters!, { kind: policy, rank: 2, targets: ['q', 'v', 'o', 'down'] }, 4));
      expect([...parsed.tensors.keys()].sort()).toEqual(names.map((n) => n.name).sort());
      expect(parsed.tensors.get('base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight')!.shape).toEqual([2, 32]);
      expect(parsed.tensors.get('base_model.model.model.layers.1.mlp.down_proj.lora_B.weight')!.shape).toEqual([32, 2]);
      if (policy === 'dora') expect(parsed.tensors.get('base_model.model.model.layers.0.self_attn.o_proj.lora_magnitude_vector')!.shape).toEqual([32]);
      expect(JSON.parse(parsed.metadata.adapter_config!)).toMatchObject({ peft_type: 'LORA', r: 2, lora_alpha: 4, use_dora: policy === 'dora', target_modules: ['q_proj', 'v_proj', 'o_proj', 'down_proj'] });
      expect(await cmp.adapters(5)).toBeNull();
      cmp.dispose();
    });
  }

  it('a full run has no adapters', async () => {
    const e = parseExperiment(spec([dpo()], { steps: 1 }));
    const cmp = createComparison(e, seededWeights(e), STACKED);
    expect(await cmp.adapters(0)).toBeNull();
    cmp.dispose();
  });
});

describe('LoRA in the trainer', () => {
  it('leaks no tensors across steps, in both layouts, with a live change and a regrouping', async () => {
    const e = parseExperiment(spec([dpo({ policy: 'lora', loraRank: 2 }), dpo({ policy: 'dora', loraRank: 1, optimizer: 'adam', lr: 1e-2 }), dpo()], { steps: 60 }));
    for (const layout of [STACKED, PER_RUN_MATRICES]) {
      const cmp = createComparison(e, seededWeights(e), layout);
      await trainFor(cmp, 3, { readEvery: 1 });
      const before = tf.memory().numTensors;
      await trainFor(cmp, 20, { readEvery: 7 });
      expect(tf.memory().numTensors).toBe(before);
      // Moving the DoRA run to the SGD group and back keeps its adapters and leaks nothing.
      for (const optimizer of ['sgd', 'adam'] as const) {
        const next = applyRunPatch(cmp.config.runs[1]!, { optimizer });
        cmp.updateRun(1, next.run!);
      }
      await trainFor(cmp, 30, { readEvery: 5 });
      expect(tf.memory().numTensors).toBe(before);
      cmp.dispose();
    }
  });

  it('refuses to change what a run trains mid-training (the lab restarts instead)', () => {
    const e = parseExperiment(spec([dpo({ policy: 'lora', loraRank: 2 })], { steps: 2 }));
    const cmp = createComparison(e, seededWeights(e), STACKED);
    for (const patch of [{ policy: 'full' }, { loraRank: 3 }, { loraAlpha: 2 }, { loraTargets: ['q'] }] as const) {
      expect(() => cmp.updateRun(0, applyRunPatch(cmp.config.runs[0]!, patch).run!)).toThrow(/cannot change while the run trains/);
    }
    cmp.dispose();
  });
});

describe('LoRA settings', () => {
  it('are PEFT\'s defaults and are named after their settings', () => {
    const r = RunSchema.parse(dpo({ policy: 'lora' }));
    expect([r.loraRank, r.loraAlpha, r.loraTargets]).toEqual([8, 8, ['q', 'v']]);
    expect(runName(r)).toBe('DPO β=0.1 lr=0.5 LoRA r=8 α=8');
    expect(runName({ ...r, policy: 'dora', loraRank: 1, loraTargets: ['v', 'q', 'o'] })).toBe('DPO β=0.1 lr=0.5 DoRA r=1 α=8 on v,q,o');
    expect(runName({ ...r, policy: 'full' })).toBe('DPO β=0.1 lr=0.5');
    expect(RunSchema.parse(dpo({ loraTargets: ['down', 'q'] })).loraTargets).toEqual(['q', 'down']);
  });

  it('refuse bad values with a clear message and change nothing', () => {
    const r = RunSchema.parse(dpo({ policy: 'lora' }));
    const problems = (patch: object) => applyRunPatch(r, patch).problems.join('; ');
    expect(problems({ loraAlpha: 0 })).toMatch(/LoRA α must be in \(0, 10000\]/);
    expect(problems({ loraAlpha: -1 })).toMatch(/LoRA α must be in/);
    expect(problems({ loraRank: 0 })).toMatch(/LoRA rank r must be in 1\.\.256/);
    expect(problems({ loraRank: 2.5 })).toMatch(/LoRA rank r must be a whole number/);
    expect(problems({ loraTargets: ['q', 'x_proj'] })).toMatch(/unknown LoRA target "x_proj"; the targets are q, k, v, o, gate, up, down/);
    expect(problems({ loraTargets: [] })).toMatch(/LoRA needs at least one target/);
    expect(problems({ loraTargets: ['q', 'q'] })).toMatch(/name a projection twice/);
    expect(problems({ policy: 'qlora' })).toMatch(/policy/);
    expect(r).toEqual(RunSchema.parse(dpo({ policy: 'lora' })));
  });

  it('refuse a rank above min(in, out) of an adapted projection of the model', () => {
    expect(maxAdapterRank(MODEL_PRESETS.tiny, ['q', 'up'])).toEqual({ rank: 32, target: 'q' });
    expect(() => parseExperiment(spec([dpo({ policy: 'lora', loraRank: 33 })]))).toThrow(/run 1: LoRA rank 33 is larger than q_proj allows on the tiny model: at most min\(in, out\) = 32/);
    expect(() => parseExperiment(spec([dpo({ policy: 'dora', loraRank: 32 })]))).not.toThrow();
    expect(() => parseExperiment(spec([dpo({ policy: 'lora', loraRank: 33 })], { model: 'notebook' }))).not.toThrow();
    // A full run does not use its rank.
    expect(() => parseExperiment(spec([dpo({ loraRank: 200 })]))).not.toThrow();
    expect(adaptedModules(MODEL_PRESETS.tiny, ['down']).map((m) => [m.module, m.out, m.in])).toEqual([['model.layers.0.mlp.down_proj', 32, 64], ['model.layers.1.mlp.down_proj', 32, 64]]);
  });
});

describe('LoRA in the lab', () => {
  it('a policy change restarts the experiment (never a live patch); a rank the model cannot hold changes nothing', () => {
    labStore.setState(initialState(), true);
    const sent: ToWorker[] = [];
    connectEngine({ send: (m) => sent.push(m), restart: () => {}, dispose: () => {} });
    labStore.setState({ experiment: parseExperiment(spec([dpo(), dpo({ beta: 0.3 })])) });
    onWorkerEvent({ type: 'state', generation: 0, state: 'paused', step: 3 });
    sent.length = 0;
    expect(updateRun(1, { policy: 'dora', loraRank: 2 })).toEqual([]);
    expect(sent.map((m) => m.type)).toEqual(['load']);
    expect(labStore.getState().notices.at(-1)!.text).toMatch(/back at step 0: press Run/);
    const before = labStore.getState().experiment;
    expect(before.runs[1]!.policy).toBe('dora');
    expect(updateRun(1, { loraRank: 64 })).toEqual(['run 2: LoRA rank 64 is larger than q_proj allows on the tiny model: at most min(in, out) = 32']);
    expect(updateRun(1, { loraTargets: ['q', 'attn'] as never }).join()).toMatch(/unknown LoRA target "attn"/);
    expect(labStore.getState().experiment).toBe(before);
  });

  it('the worker exports a LoRA run merged (HF names, importable) or its adapters alone (PEFT names)', async () => {
    const events: FromWorker[] = [];
    const runner = new Runner((m) => events.push(m));
    await runner.handle({ type: 'setBackend', choice: 'cpu' });
    await runner.handle({ type: 'load', experiment: parseExperiment(spec([dpo({ policy: 'lora', loraRank: 2 }), dpo()], { steps: 3 })) });
    await runner.handle({ type: 'step' });
    const exported = async (which: Extract<ToWorker, { type: 'exportWeights' }>['which']) => {
      await runner.handle({ type: 'exportWeights', which });
      const last = events.at(-1)!;
      if (last.type === 'error') return last.message;
      return new Uint8Array((last as Extract<FromWorker, { type: 'weights' }>).bytes);
    };
    const merged = bytesOrThrow(await exported({ run: 0 }));
    expect(() => importSafetensors(merged, MODEL_PRESETS.tiny)).not.toThrow();
    const peft = parseSafetensors(bytesOrThrow(await exported({ run: 0, adapters: true })));
    expect([...peft.tensors.keys()]).toContain('base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight');
    expect(await exported({ run: 1, adapters: true })).toMatch(/run 2 trains the full model: it has no adapters/);
    await runner.handle({ type: 'reset' });
  });
});

function bytesOrThrow(x: Uint8Array | string): Uint8Array {
  if (typeof x === 'string') throw new Error(x);
  return x;
}
