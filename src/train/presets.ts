/**
 * The notebook's three run sets (SPEC 1; seeds/003 sections 6.2-6.3) as
 * experiments, each with what a learner should look for, and the course's
 * other methods beside them: KTO (seeds/000) and DPO with LoRA adapters
 * (seeds 000, 002).
 */
import type { LossId } from './catalog';
import { NOTEBOOK_PAIR, type PreferencePair } from './data';
import type { ExperimentSpec, RunSpec } from './experiment';

export interface Preset {
  id: string;
  /** Section of the notebook post it reproduces. */
  section: string;
  title: string;
  /** What to look for, in one line (the embed shows it). */
  headline: string;
  lookFor: string;
  /** The notebook's run set, on the notebook's model. */
  spec: ExperimentSpec;
  /**
   * The same story on the tiny model (58x fewer parameters). Its gradients are
   * smaller, so its learning rates are 10-30x larger and it takes more steps
   * to tell the story: measured, and checked by tests/unit/outcomes.test.ts.
   */
  tiny: ExperimentSpec;
}

/** No label: a preset's runs are named after their settings (runName), so the name follows any edit. */
const run = (loss: LossId, beta: number, lr: number, optimizer: 'sgd' | 'adam' = 'sgd'): RunSpec => ({ loss, beta, lr, optimizer });

/**
 * A second prompt for the KTO preset: KTO's z0 is estimated from mismatched prompt/answer pairs, and with
 * one prompt those would only be its own two answers swapped.
 */
const SECOND_PAIR: PreferencePair = { prompt: [1, 2, 3, 4, 5, 6], chosen: [7, 8, 9, 10], rejected: [11, 12, 13, 14] };

const base = {
  model: 'notebook',
  seed: 42,
  steps: 100,
  scoring: 'same-position',
  granularity: 'token',
  data: [NOTEBOOK_PAIR],
} as const;

/** DPO with LoRA on PEFT's default targets (q, v) and α (8), the frozen base being the initial policy. */
const loraDpo = (rank: number, lr: number): RunSpec => ({ ...run('dpo', 0.1, lr), policy: 'lora', loraRank: rank });

export const PRESETS: Preset[] = [
  {
    id: 'dpo-overfits',
    section: '6.2',
    title: 'DPO overfits',
    headline: 'DPO pushes π(rejected) down by orders of magnitude with no plateau, while σ(βh) climbs to 1.',
    lookFor:
      'The rejected token\'s probability falls by many orders of magnitude and never levels off, ' +
      'while sigmoid(βh) climbs towards 1 and the loss towards 0: with a deterministic preference, ' +
      'DPO\'s optimum pushes π(rejected) to 0 whatever β is. Raise the steps to 1000 to see it pass 10⁻²⁰.',
    spec: { ...base, data: [...base.data], runs: [run('dpo', 0.1, 0.1)] },
    tiny: { ...base, model: 'tiny', steps: 300, data: [...base.data], runs: [run('dpo', 0.1, 0.1)] },
  },
  {
    id: 'beta-sweep',
    section: '6.3.1',
    title: 'DPO vs IPO across β',
    headline: 'DPO drives π(rejected) down without a floor; each IPO run stops where h = 1/(2β), at σ(βh) ≈ 0.6225.',
    lookFor:
      'Both DPO runs drive π(rejected) down without a floor. Each IPO run settles where every h_t = 1/(2β) ' +
      '(5, 1 and 0.5), so sigmoid(βh) stops at sigmoid(0.5) ≈ 0.6225 for every β, and a larger β leaves ' +
      'π(rejected) higher: β now controls how far the policy moves.',
    spec: {
      ...base,
      data: [...base.data],
      runs: [run('ipo', 0.1, 1e-4), run('ipo', 0.5, 1e-4), run('ipo', 1.0, 1e-4), run('dpo', 0.1, 1e-2), run('dpo', 0.5, 1e-2)],
    },
    tiny: {
      ...base, model: 'tiny', steps: 150, data: [...base.data],
      runs: [run('ipo', 0.1, 3e-3), run('ipo', 0.5, 3e-3), run('ipo', 1.0, 3e-3), run('dpo', 0.1, 0.1), run('dpo', 0.5, 0.1)],
    },
  },
  {
    id: 'lr-sweep',
    section: '6.3.2',
    title: 'IPO across learning rates and optimizers',
    headline: 'A large learning rate makes IPO overshoot and oscillate before it settles; Adam keeps fluctuating longer than SGD.',
    lookFor:
      'With a large learning rate IPO overshoots its target and oscillates before settling; with a small one it ' +
      'creeps up smoothly. Adam keeps fluctuating around the target where SGD has settled (on the notebook model for all ' +
      '100 steps; on the tiny model for about 60, then it settles too). DPO at the same β keeps pushing π(rejected) down.',
    spec: {
      ...base,
      data: [...base.data],
      runs: [run('ipo', 0.5, 1e-2), run('ipo', 0.5, 1e-3), run('dpo', 0.5, 1e-3), run('ipo', 0.5, 1e-3, 'adam')],
    },
    tiny: {
      ...base, model: 'tiny', steps: 150, data: [...base.data],
      runs: [run('ipo', 0.5, 0.1), run('ipo', 0.5, 1e-2), run('dpo', 0.5, 1e-2), run('ipo', 0.5, 1e-3, 'adam')],
    },
  },
  {
    id: 'kto-vs-dpo-ipo',
    section: 'KTO',
    title: 'KTO beside DPO and IPO',
    // Measured (tests/unit/outcomes.test.ts checks the tiny variant; the notebook-size run, 200 steps, gives
    // pi_rej 3.3e-2 -> DPO 3.2e-5, KTO 3.6e-5, IPO 1.1e-2 from step 25 on; pi_chosen DPO 0.58, KTO 0.73).
    headline: 'KTO has no floor either: it drives π(rejected) down like DPO, while IPO stops where its target says.',
    lookFor:
      'Whole answers (sequence level, as TRL computes KTO), two pairs. KTO has no floor either: like DPO it keeps driving ' +
      'π(rejected) down (it starts slower, its loss is a sigmoid where DPO\'s is a log-sigmoid, but ends within a factor of ' +
      'two of DPO\'s), while IPO stops where its target says. KTO lifts π(chosen) higher than DPO does. Its reference point ' +
      'z0 (the kl metric, under rewards) falls to 0 within the first dozen steps: the KL estimate from the mismatched pairs turns ' +
      'negative and is clamped, so from then on KTO pushes each desirable answer up and each undesirable one down on its ' +
      'own, and nothing stops π(rejected).',
    spec: {
      ...base, steps: 200, granularity: 'sequence', data: [NOTEBOOK_PAIR, SECOND_PAIR],
      runs: [run('dpo', 0.1, 1e-2), run('ipo', 0.1, 1e-4), run('kto', 0.1, 1e-2)],
    },
    tiny: {
      ...base, model: 'tiny', steps: 300, granularity: 'sequence', data: [NOTEBOOK_PAIR, SECOND_PAIR],
      runs: [run('dpo', 0.1, 0.1), run('ipo', 0.1, 3e-3), run('kto', 0.1, 0.1)],
    },
  },
  {
    id: 'lora-dpo',
    section: 'LoRA',
    title: 'Does LoRA rein in DPO\'s overfitting?',
    headline: 'LoRA holds DPO back, but not as IPO does: π(rejected) stops near 2.5e-3 because the frozen head bounds the logits.',
    lookFor:
      'Measured here: full DPO takes π(rejected) from 0.033 to about 3e-15 in 100 steps, still falling. With LoRA on q and v ' +
      '(PEFT\'s defaults, α = 8, same β and learning rate) it falls to about 2.5e-3 within 50 steps and stays there, rank 1 and ' +
      'rank 4 alike, next to IPO\'s plateau (1.5e-3); σ(βh) stops near 0.6 and the DPO loss near 0.53. So yes, but not as IPO ' +
      'does: IPO\'s loss has its minimum at h = 1/(2β), while DPO\'s keeps pushing (its weight σ(-βh) stays near 0.4) and the ' +
      'adapters cannot follow. With lm_head and the final norm frozen the logits are bounded (π(rejected) ≥ 1e-5 on this ' +
      'model, 1e-2 on the tiny one, where the adapters barely move it); a stronger optimizer gets closer (Adam, lr 1e-2, ' +
      'rank 4: 1.7e-4 by step 300).',
    spec: { ...base, data: [...base.data], runs: [run('dpo', 0.1, 0.1), loraDpo(1, 0.1), loraDpo(4, 0.1), run('ipo', 0.1, 1e-4)] },
    // The tiny model's adapters get 10x the learning rate: their gradients are smaller still.
    tiny: { ...base, model: 'tiny', steps: 300, data: [...base.data], runs: [run('dpo', 0.1, 0.1), loraDpo(1, 1), loraDpo(4, 1), run('ipo', 0.1, 3e-3)] },
  },
];

/** Accepts a preset id or its notebook section ("6.3.1"). */
export function findPreset(idOrSection: string): Preset | undefined {
  return PRESETS.find((p) => p.id === idOrSection || p.section === idOrSection);
}
