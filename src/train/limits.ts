/**
 * Every limit of the lab, in one catalogue: the schema (experiment.ts,
 * run.ts), the link codec, the UI and the command line's help all read it.
 * Pure TS.
 */
import { ADAPTER_TARGETS, maxAdapterRank } from '../model/adapters';
import { MODEL_PRESETS } from '../model/config';

/** A numeric range. Open ends are stated, so a message can say "(0, 10000]". */
export interface Range {
  min: number;
  max: number;
  /** How to write the maximum when the number itself reads badly (2^64 - 1). */
  maxText?: string;
  minOpen?: boolean;
  maxOpen?: boolean;
  integer?: boolean;
}

/** The largest vocabulary of any model size: token ids run 0..VOCABULARY_MAX-1 in any data set. */
export const VOCABULARY_MAX = Math.max(...Object.values(MODEL_PRESETS).map((m) => m.vocabSize));

/** The largest LoRA rank any model size allows on some projection (min(in, out)); the model's own bound is checked in experiment.ts. */
export const ADAPTER_RANK_MAX = Math.max(...Object.values(MODEL_PRESETS).flatMap((m) => ADAPTER_TARGETS.map((t) => maxAdapterRank(m, [t]).rank)));

export const LIMITS = {
  /** Runs in one comparison (each is a full model copy on the device). */
  runs: { min: 1, max: 8, integer: true },
  steps: { min: 1, max: 10_000, integer: true },
  /**
   * Initialisation seed: what torch.manual_seed takes (a whole number below 2^64). Both generators,
   * the lab's own and PyTorch's MT19937, use its low 32 bits.
   */
  seed: { min: 0, max: 2 ** 64, maxOpen: true, maxText: '2^64 - 1', integer: true },
  pairs: { min: 1, max: 8, integer: true },
  promptLength: { min: 1, max: 32, integer: true },
  answerLength: { min: 1, max: 16, integer: true },
  token: { min: 0, max: VOCABULARY_MAX - 1, integer: true },
  /** Characters in a run's name. */
  label: { min: 0, max: 60, integer: true },
  beta: { min: 0, max: 1e4, minOpen: true },
  lr: { min: 0, max: 1e6, minOpen: true },
  /** cDPO / robust DPO label noise ε: at 0.5 the labels carry no information (robust DPO divides by 1 - 2ε). */
  labelSmoothing: { min: 0, max: 0.5, maxOpen: true },
  dpopLambda: { min: 0, max: 1e4 },
  simpoGamma: { min: 0, max: 100 },
  /** KTO's weights λ_D and λ_U on desirable and undesirable answers (TRL's desirable_weight, undesirable_weight). */
  ktoLambda: { min: 0, max: 10, minOpen: true },
  /** CPO's weight α of the NLL term on the chosen answer (TRL's cpo_alpha); 0 leaves only the preference term. */
  cpoAlpha: { min: 0, max: 100 },
  /** LoRA / DoRA rank r; on a given model at most min(in, out) of every adapted projection. */
  loraRank: { min: 1, max: ADAPTER_RANK_MAX, integer: true },
  /** LoRA / DoRA alpha: the low-rank update is scaled by alpha / r (PEFT). */
  loraAlpha: { min: 0, max: 1e4, minOpen: true },
} as const satisfies Record<string, Range>;

export type LimitName = keyof typeof LIMITS;

export function inRange(v: number, r: Range): boolean {
  if (!Number.isFinite(v) || (r.integer && !Number.isInteger(v))) return false;
  const aboveMin = r.minOpen ? v > r.min : v >= r.min;
  const belowMax = r.maxOpen ? v < r.max : v <= r.max;
  return aboveMin && belowMax;
}

const num = (v: number) => (Math.abs(v) >= 1e5 ? v.toExponential().replace('e+', 'e') : String(v));

/** "1..10000" for whole numbers, "(0, 10000]" for real intervals. */
export function describeRange(r: Range): string {
  if (r.integer) return `${r.min}..${r.maxText ?? (r.maxOpen ? r.max - 1 : r.max)}`;
  return `${r.minOpen ? '(' : '['}${num(r.min)}, ${num(r.max)}${r.maxOpen ? ')' : ']'}`;
}
