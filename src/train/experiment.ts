/**
 * An experiment as users write it (a JSON config file, the command line, and
 * the teaching link): one zod schema, with the limits of the catalogue
 * (limits.ts), checked where an experiment enters. Pure TS + zod.
 */
import { z } from 'zod';
import { maxAdapterRank } from '../model/adapters';
import { MODEL_PRESETS, type LlamaConfig, type ModelPresetId } from '../model/config';
import { ANSWER_LABELS, ktoDataProblem, NOTEBOOK_PAIR, validateData } from './data';
import { LOSS_CATALOG } from './catalog';
import { LIMITS } from './limits';
import { NOTEBOOK_FORWARD } from './packing';
import { describeIssues, numberIn, RunSchema, type Run } from './run';
import type { ComparisonConfig } from './trainer';

export { describeIssues } from './run';

const tokens = (max: number) => z.array(numberIn(LIMITS.token, 'a token id')).min(1).max(max);

export const PairSchema = z.object({
  prompt: tokens(LIMITS.promptLength.max),
  chosen: tokens(LIMITS.answerLength.max),
  rejected: tokens(LIMITS.answerLength.max),
  // KTO's labels (data.ts): absent means chosen desirable, rejected undesirable.
  chosenLabel: z.enum(ANSWER_LABELS).optional(),
  rejectedLabel: z.enum(ANSWER_LABELS).optional(),
});

export const MODEL_IDS = Object.keys(MODEL_PRESETS) as [ModelPresetId, ...ModelPresetId[]];

export const ExperimentSchema = z
  .object({
    model: z.enum(MODEL_IDS).default('notebook'),
    seed: numberIn(LIMITS.seed, 'seed').default(42),
    steps: numberIn(LIMITS.steps, 'steps').default(100),
    scoring: z.enum(['next-token', 'same-position']).default('same-position'),
    granularity: z.enum(['token', 'sequence']).default('token'),
    /**
     * Replay the MA-RLHF notebook exactly (SPEC 1b): PyTorch's initial weights for this seed (reference
     * = 1st LlamaForCausalLM build, policy = 4th), answer-only attention, the x_rejected quirk. Needs
     * the notebook's scoring and granularity.
     */
    notebookExact: z.boolean().default(false),
    data: z.array(PairSchema).min(LIMITS.pairs.min).max(LIMITS.pairs.max).default([NOTEBOOK_PAIR]),
    runs: z.array(RunSchema).min(LIMITS.runs.min).max(LIMITS.runs.max),
  })
  // What needs several fields at once: tokens inside this model's vocabulary, equal lengths at token level.
  .superRefine((e, ctx) => {
    for (const message of validateData(e.data, MODEL_PRESETS[e.model].vocabSize, e.granularity)) ctx.addIssue({ code: 'custom', path: ['data'], message });
    const kto = e.runs.some((r) => LOSS_CATALOG[r.loss].unpaired) ? ktoDataProblem(e.data) : null;
    if (kto) ctx.addIssue({ code: 'custom', path: ['data'], message: kto });
    e.runs.forEach((r, i) => {
      const message = adapterRankProblem(r, MODEL_PRESETS[e.model], e.model);
      if (message) ctx.addIssue({ code: 'custom', path: ['runs', i, 'loraRank'], message });
    });
    if (!e.notebookExact) return;
    const needs = 'replaying the notebook exactly needs its same-position scoring and token-level losses';
    if (e.scoring !== 'same-position' || e.granularity !== 'token') ctx.addIssue({ code: 'custom', path: ['notebookExact'], message: needs });
    e.data.forEach((p, i) => {
      // The x_rejected quirk scores the rejected answer on the chosen sequence's rows.
      if (p.rejected.length > p.chosen.length) ctx.addIssue({ code: 'custom', path: ['data', i], message: `pair ${i + 1}: the notebook's forward scores the rejected answer on the chosen one's rows, so it cannot be longer` });
    });
  });

/** A LoRA / DoRA rank above min(in, out) of an adapted projection of this model, said plainly; null when it fits. */
export function adapterRankProblem(r: Pick<Run, 'policy' | 'loraRank' | 'loraTargets'>, model: LlamaConfig, modelName: string): string | null {
  if (r.policy === 'full') return null;
  const { rank, target } = maxAdapterRank(model, r.loraTargets);
  return r.loraRank > rank ? `LoRA rank ${r.loraRank} is larger than ${target}_proj allows on the ${modelName} model: at most min(in, out) = ${rank}` : null;
}

export type ExperimentSpec = z.input<typeof ExperimentSchema>;
export type Experiment = z.output<typeof ExperimentSchema>;
export type { Run, RunSpec } from './run';

/** Parses an experiment or throws one Error listing every problem. */
export function parseExperiment(input: unknown): Experiment {
  const r = ExperimentSchema.safeParse(input);
  if (!r.success) throw new Error(`invalid experiment: ${describeIssues(r.error).join('; ')}`);
  return r.data;
}

/** The trainer's view of an experiment: the model's configuration instead of its name. */
export function comparisonConfig(e: Experiment): ComparisonConfig {
  return {
    model: MODEL_PRESETS[e.model], data: e.data, scoring: e.scoring, granularity: e.granularity, runs: e.runs.map((r): Run => ({ ...r })), seed: e.seed,
    ...(e.notebookExact && { forward: NOTEBOOK_FORWARD }),
  };
}
