/**
 * The notebook's three run sets (SPEC 1; seeds/003 sections 6.2-6.3) as
 * experiments, each with what a learner should look for; and one from the
 * course's other methods (seeds 000, 002): DPO with LoRA adapters.
 */
import { NOTEBOOK_PAIR } from './data';
import type { ExperimentSpec, RunSpec } from './experiment';

export interface Preset {
  id: string;
  /** Section of the notebook post it reproduces. */
  section: string;
  title: string;
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
const run = (loss: 'dpo' | 'ipo', beta: number, lr: number, optimizer: 'sgd' | 'adam' = 'sgd'): RunSpec => ({ loss, beta, lr, optimizer });

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
    lookFor:
      'The rejected token\'s probability falls by many orders of magnitude and never levels off, ' +
      'while sigmoid(βh) climbs towards 1 and the loss towards 0: with a deterministic preference, ' +
      'DPO\'s optimum pushes π(rejected) to 0 whatever β is. Raise the steps to 1000 to see it pass 1e-20.',
    spec: { ...base, data: [...base.data], runs: [run('dpo', 0.1, 0.1)] },
    tiny: { ...base, model: 'tiny', steps: 300, data: [...base.data], runs: [run('dpo', 0.1, 0.1)] },
  },
  {
    id: 'beta-sweep',
    section: '6.3.1',
    title: 'DPO vs IPO across β',
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
    lookFor:
      'With a large learning rate IPO overshoots its target and oscillates before settling; with a small one it ' +
      'creeps up smoothly. Adam keeps fluctuating around the target instead of settling. DPO at the same β ' +
      'keeps pushing π(rejected) down.',
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
    id: 'lora-dpo',
    section: 'LoRA',
    title: 'Does LoRA rein in DPO\'s overfitting?',
    lookFor:
      'Measured here: full DPO takes π(rejected) from 0.033 to about 3e-15 in 100 steps, still falling. With LoRA on q and v ' +
      '(PEFT\'s defaults, α 8, same β and learning rate) it falls to about 2.5e-3 within 50 steps and stays there, rank 1 and ' +
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
