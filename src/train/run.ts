/**
 * The one run type, from the link to the loss: its schema (validation
 * happens where a run enters: a link, a message, the command line, a file,
 * an edit in the UI), its name, and the one way to change it.
 * Pure TS + zod.
 */
import { z } from 'zod';
import { ADAPTER_TARGETS, adapterParamCount, DEFAULT_ADAPTER_TARGETS, type AdapterShape } from '../model/adapters';
import type { LlamaConfig } from '../model/config';
import { paramCount } from '../model/params';
import { CPO_VARIANTS, DEFAULT_LOSS_PARAMS, LOSS_CATALOG, LOSS_IDS, OPTIMIZER_IDS, type LossParams } from './catalog';
import { describeRange, LIMITS, type Range } from './limits';

/** A zod number that enforces one range of the catalogue, with the range in its message. */
export function numberIn(r: Range, what: string): z.ZodNumber {
  const msg = `${what} must be in ${describeRange(r)}`;
  let s = z.number();
  s = r.minOpen ? s.gt(r.min, msg) : s.gte(r.min, msg);
  s = r.maxOpen ? s.lt(r.max, msg) : s.lte(r.max, msg);
  // Not .int(): zod 4's int() also refuses whole numbers above 2^53, and a torch seed may be one.
  return r.integer ? s.refine(Number.isInteger, `${what} must be a whole number`) : s;
}

/** What a run trains: every weight, or LoRA / DoRA adapters on the frozen initial weights (PEFT conventions). */
export const POLICY_IDS = ['full', 'lora', 'dora'] as const;
export type PolicyId = (typeof POLICY_IDS)[number];
export const POLICY_LABELS: Record<PolicyId, string> = { full: 'full', lora: 'LoRA', dora: 'DoRA' };
/** PEFT's LoraConfig defaults: r = 8, lora_alpha = 8, and q_proj, v_proj for Llama. */
export const DEFAULT_ADAPTER = { loraRank: 8, loraAlpha: 8, loraTargets: DEFAULT_ADAPTER_TARGETS } as const;
/** The settings that decide what a run trains: changing one restarts the experiment (a run cannot change them mid-training). */
export const POLICY_KEYS = ['policy', 'loraRank', 'loraAlpha', 'loraTargets'] as const;

const targetList = `${ADAPTER_TARGETS.join(', ')}`;
/** LoRA targets: projections, at least one, each once; kept in ADAPTER_TARGETS order. */
const TargetsSchema = z
  .array(z.enum(ADAPTER_TARGETS, { error: (iss) => `unknown LoRA target ${JSON.stringify(String(iss.input).slice(0, 20))}; the targets are ${targetList}` }))
  .min(1, `LoRA needs at least one target among ${targetList}`)
  .max(ADAPTER_TARGETS.length, `LoRA targets are at most ${targetList}`)
  .refine((ts) => new Set(ts).size === ts.length, 'LoRA targets name a projection twice')
  .transform((ts) => ADAPTER_TARGETS.filter((t) => ts.includes(t)));

/**
 * Every loss parameter is always present (with its default): switching a run
 * from cDPO to DPOP and back keeps its ε, whatever the loss reads now.
 */
export const RunSchema = z.object({
  /** The user's name for the run; '' means "named after its settings" (runName). */
  label: z.string().max(LIMITS.label.max).default(''),
  loss: z.enum(LOSS_IDS),
  beta: numberIn(LIMITS.beta, 'β'),
  lr: numberIn(LIMITS.lr, 'learning rate'),
  optimizer: z.enum(OPTIMIZER_IDS).default('sgd'),
  labelSmoothing: numberIn(LIMITS.labelSmoothing, 'label smoothing ε').default(DEFAULT_LOSS_PARAMS.labelSmoothing),
  dpopLambda: numberIn(LIMITS.dpopLambda, 'DPOP λ').default(DEFAULT_LOSS_PARAMS.dpopLambda),
  simpoGamma: numberIn(LIMITS.simpoGamma, 'SimPO γ').default(DEFAULT_LOSS_PARAMS.simpoGamma),
  cpoAlpha: numberIn(LIMITS.cpoAlpha, 'CPO α').default(DEFAULT_LOSS_PARAMS.cpoAlpha),
  cpoVariant: z.enum(CPO_VARIANTS).default(DEFAULT_LOSS_PARAMS.cpoVariant),
  ktoLambdaD: numberIn(LIMITS.ktoLambda, 'KTO λ_D').default(DEFAULT_LOSS_PARAMS.ktoLambdaD),
  ktoLambdaU: numberIn(LIMITS.ktoLambda, 'KTO λ_U').default(DEFAULT_LOSS_PARAMS.ktoLambdaU),
  /** The full model, or LoRA / DoRA adapters on the frozen initial weights; the adapter settings are always present too. */
  policy: z.enum(POLICY_IDS).default('full'),
  loraRank: numberIn(LIMITS.loraRank, 'LoRA rank r').default(DEFAULT_ADAPTER.loraRank),
  loraAlpha: numberIn(LIMITS.loraAlpha, 'LoRA α').default(DEFAULT_ADAPTER.loraAlpha),
  loraTargets: TargetsSchema.default([...DEFAULT_ADAPTER.loraTargets]),
});

export type Run = z.output<typeof RunSchema>;
/** A run as people write it: every field with a default may be left out. */
export type RunSpec = z.input<typeof RunSchema>;
/** A change to some fields of a run (the UI, the worker protocol, the command line's --run). */
export type RunPatch = Partial<Run>;

export const LOSS_PARAM_KEYS = Object.keys(DEFAULT_LOSS_PARAMS) as (keyof LossParams)[];

export function lossParamsOf(r: Run): LossParams {
  return {
    labelSmoothing: r.labelSmoothing, dpopLambda: r.dpopLambda, simpoGamma: r.simpoGamma,
    cpoAlpha: r.cpoAlpha, cpoVariant: r.cpoVariant, ktoLambdaD: r.ktoLambdaD, ktoLambdaU: r.ktoLambdaU,
  };
}

/** A run's adapters, or null for a full-model run. */
export function adapterShapeOf(r: Pick<Run, 'policy' | 'loraRank' | 'loraTargets'>): AdapterShape | null {
  return r.policy === 'full' ? null : { kind: r.policy, rank: r.loraRank, targets: r.loraTargets };
}

/** What a run trains on this model: every parameter, or its adapters' r (in + out) per matrix (+ out per DoRA magnitude). */
export function trainableParamCount(c: LlamaConfig, r: Pick<Run, 'policy' | 'loraRank' | 'loraTargets'>): number {
  const shape = adapterShapeOf(r);
  return shape ? adapterParamCount(c, shape) : paramCount(c);
}

/** zod's own messages ("Invalid input: …", "Too big: …") do not say which field; the lab's own (numberIn, the data's checks) do. */
const NAMES_NO_FIELD = /^(Invalid|Too (big|small)|Unrecognized)\b/;

/**
 * Where a problem is, in words: "run 2: " and "pair 3: " for a place in a list,
 * and the field's key only where the message does not already name the field
 * (so "steps must be in 1..10000", not "steps: steps must be in 1..10000").
 */
function issueLocation(path: readonly PropertyKey[], message: string): string {
  const parts: string[] = [];
  for (let k = 0; k < path.length; k++) {
    const key = String(path[k]);
    const index = path[k + 1];
    if ((key === 'runs' || key === 'data') && typeof index === 'number') {
      const place = `${key === 'runs' ? 'run' : 'pair'} ${index + 1}`;
      if (!message.startsWith(`${place}: `)) parts.push(place);
      k++;
    } else if (k === path.length - 1 ? NAMES_NO_FIELD.test(message) : true) parts.push(key);
  }
  return parts.map((p) => `${p}: `).join('');
}

/** Readable one-line messages for every problem zod found, each after `prefix` unless its location already says it ("run 2: "). */
export function describeIssues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((i) => {
    const text = `${issueLocation(i.path, i.message)}${i.message}`;
    return prefix !== '' && text.startsWith(prefix) ? text : prefix + text;
  });
}

/**
 * The one way to change a run: the store (before sending to the worker), the
 * worker (on its copy) and the command line all apply a patch through here.
 * Unknown keys are refused, not ignored, so a typo is never silently dropped.
 */
export function applyRunPatch(run: Run, patch: unknown, where = ''): { run: Run; problems: [] } | { run: null; problems: string[] } {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return { run: null, problems: [`${where}a change to a run is an object of its fields`] };
  // Not RunSchema.partial(): zod 4 fills defaults inside optional fields, which would reset what the patch leaves out.
  const unknown = Object.keys(patch).filter((k) => !Object.hasOwn(RunSchema.shape, k));
  if (unknown.length > 0) return { run: null, problems: [`${where}a run has no setting ${unknown.map((k) => `“${k.slice(0, 30)}”`).join(', ')}`] };
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  const r = RunSchema.safeParse({ ...run, ...defined });
  return r.success ? { run: r.data, problems: [] } : { run: null, problems: describeIssues(r.error, where) };
}

/** One name for a run everywhere (legend, tables, exports, the command line): the user's, or one from its settings. */
export function runName(r: Pick<Run, 'label' | 'loss' | 'beta' | 'lr' | 'optimizer'> & Partial<Pick<Run, 'cpoVariant' | 'policy' | 'loraRank' | 'loraAlpha' | 'loraTargets'>>): string {
  // CPO's variant is part of its name when it is not the paper's (TRL's default).
  const variant = r.loss === 'cpo' && r.cpoVariant && r.cpoVariant !== DEFAULT_LOSS_PARAMS.cpoVariant ? `-${r.cpoVariant}` : '';
  return r.label || `${LOSS_CATALOG[r.loss].label}${variant} β=${r.beta} lr=${r.lr}${r.optimizer === 'adam' ? ' Adam' : ''}${policyName(r)}`;
}

/** " LoRA r=4 α=8", plus the targets when they are not PEFT's default (q, v); '' for a full-model run. */
function policyName(r: Partial<Pick<Run, 'policy' | 'loraRank' | 'loraAlpha' | 'loraTargets'>>): string {
  if (!r.policy || r.policy === 'full') return '';
  const targets = r.loraTargets && r.loraTargets.join(',') !== DEFAULT_ADAPTER.loraTargets.join(',') ? ` on ${r.loraTargets.join(',')}` : '';
  return ` ${POLICY_LABELS[r.policy]} r=${r.loraRank} α=${r.loraAlpha}${targets}`;
}
