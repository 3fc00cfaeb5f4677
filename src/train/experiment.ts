/**
 * An experiment as users write it (a JSON config file, the command line, and
 * the teaching link): one zod schema, with the limits every entry point
 * enforces. Pure TS + zod.
 */
import { z } from 'zod';
import { MODEL_PRESETS, type ModelPresetId } from '../model/config';
import { DATA_LIMITS, NOTEBOOK_PAIR } from './data';
import { LOSS_IDS, MAX_RUNS, OPTIMIZER_IDS } from './catalog';
import type { ComparisonConfig } from './trainer';

export const MAX_STEPS = 10_000;

const tokens = (max: number) => z.array(z.number().int().min(0).max(255)).min(1).max(max);

export const PairSchema = z.object({
  prompt: tokens(DATA_LIMITS.maxPromptLength),
  chosen: tokens(DATA_LIMITS.maxAnswerLength),
  rejected: tokens(DATA_LIMITS.maxAnswerLength),
});

export const RunSchema = z.object({
  label: z.string().max(60).default(''),
  loss: z.enum(LOSS_IDS),
  beta: z.number().gt(0).lte(1e4),
  lr: z.number().gt(0).lte(1e6),
  optimizer: z.enum(OPTIMIZER_IDS).default('sgd'),
  labelSmoothing: z.number().min(0).lt(0.5).optional(),
  dpopLambda: z.number().min(0).lte(1e4).optional(),
  simpoGamma: z.number().min(0).lte(100).optional(),
});

export const ExperimentSchema = z.object({
  model: z.enum(Object.keys(MODEL_PRESETS) as [ModelPresetId, ...ModelPresetId[]]).default('notebook'),
  seed: z.number().int().min(0).max(2 ** 32 - 1).default(42),
  steps: z.number().int().min(1).max(MAX_STEPS).default(100),
  scoring: z.enum(['next-token', 'same-position']).default('same-position'),
  granularity: z.enum(['token', 'sequence']).default('token'),
  data: z.array(PairSchema).min(1).max(DATA_LIMITS.maxPairs).default([NOTEBOOK_PAIR]),
  runs: z.array(RunSchema).min(1).max(MAX_RUNS),
});

export type ExperimentSpec = z.input<typeof ExperimentSchema>;
export type Experiment = z.output<typeof ExperimentSchema>;
export type RunSpec = z.input<typeof RunSchema>;

/** Readable one-line messages for every problem zod found. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'experiment'}: ${i.message}`);
}

/** Parses an experiment or throws one Error listing every problem. */
export function parseExperiment(input: unknown): Experiment {
  const r = ExperimentSchema.safeParse(input);
  if (!r.success) throw new Error(`invalid experiment: ${describeIssues(r.error).join('; ')}`);
  return r.data;
}

/** The trainer's view of an experiment. */
export function toComparisonConfig(e: Experiment): ComparisonConfig {
  return {
    model: MODEL_PRESETS[e.model],
    data: e.data,
    scoring: e.scoring,
    granularity: e.granularity,
    runs: e.runs.map((r, i) => ({
      label: r.label || `run ${i + 1}`,
      loss: r.loss,
      beta: r.beta,
      lr: r.lr,
      optimizer: r.optimizer,
      lossParams: {
        ...(r.labelSmoothing !== undefined && { labelSmoothing: r.labelSmoothing }),
        ...(r.dpopLambda !== undefined && { dpopLambda: r.dpopLambda }),
        ...(r.simpoGamma !== undefined && { simpoGamma: r.simpoGamma }),
      },
    })),
  };
}
