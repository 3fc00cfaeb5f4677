/**
 * From an experiment to a running comparison: initial weights (seeded, or
 * imported), the layout for the backend, and a loop that steps and reads
 * metrics back every few steps. Used by the command line and the worker.
 */
import * as tf from '@tensorflow/tfjs';
import { initParams, POLICY_STREAM, REFERENCE_STREAM, type ParamSet } from '../model/params';
import { torchInitBuilds } from '../model/torchInit';
import type { ComparisonNeeds } from './catalog';
import { comparisonConfig, type Experiment } from './experiment';
import { chooseLayout } from './layout';
import { Comparison } from './trainer';
import type { WeightLayout } from '../model/weightLayout';

export interface InitialWeights {
  policy: ParamSet;
  reference: ParamSet;
}

/**
 * Seeded initial weights: the policy and the reference are independent draws (SPEC 1). Replaying
 * the notebook, they are what PyTorch builds after torch.manual_seed(seed): the reference is the
 * notebook's first LlamaForCausalLM, the policy its fourth (SPEC 1b).
 */
export function seededWeights(e: Experiment): InitialWeights {
  const { model } = comparisonConfig(e);
  if (e.notebookExact) {
    const [reference, policy] = torchInitBuilds(model, e.seed, [NOTEBOOK_BUILDS.reference, NOTEBOOK_BUILDS.policy]) as [ParamSet, ParamSet];
    return { policy, reference };
  }
  return { policy: initParams(model, e.seed, POLICY_STREAM), reference: initParams(model, e.seed, REFERENCE_STREAM) };
}

/** Which LlamaForCausalLM builds after the notebook's one torch.manual_seed are its reference and its trained policy. */
export const NOTEBOOK_BUILDS = { reference: 1, policy: 4 } as const;

/** `needs`: the whole comparison's, when `e` holds a shard of its runs (trainer.ts ComparisonConfig). */
export function createComparison(e: Experiment, weights: InitialWeights = seededWeights(e), layout?: WeightLayout, needs?: ComparisonNeeds): Comparison {
  const config = { ...comparisonConfig(e), ...(needs && { needs }) };
  return new Comparison(config, weights.policy, weights.reference, layout ?? chooseLayout(tf.getBackend(), config.model));
}

/** Steps until `steps` are done, reading metrics back every `readEvery` steps. */
export async function trainFor(
  cmp: Comparison, steps: number, opts: { readEvery?: number; onRead?: (done: number) => void } = {},
): Promise<void> {
  const readEvery = opts.readEvery ?? 10;
  while (cmp.step < steps && cmp.activeRuns().length > 0) {
    cmp.trainStep();
    if (cmp.step % readEvery === 0 || cmp.step === steps) {
      await cmp.flush();
      opts.onRead?.(cmp.step);
    }
  }
  await cmp.flush();
}
