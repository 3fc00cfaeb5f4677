/**
 * What the lab offers, as plain data: losses (with their papers and formulas)
 * and optimizers; their limits are in limits.ts. No tfjs here, so the UI, the
 * URL schema and the engine can all read it.
 */
import { LIMITS, type Range } from './limits';

export const LOSS_IDS = ['dpo', 'ipo', 'ipo_mean', 'cdpo', 'robust', 'hinge', 'dpop', 'simpo', 'orpo', 'kto', 'cpo'] as const;
export type LossId = (typeof LOSS_IDS)[number];

export const OPTIMIZER_IDS = ['sgd', 'adam'] as const;
export type OptimizerId = (typeof OPTIMIZER_IDS)[number];

export interface LossParams {
  /** cDPO and robust DPO: assumed probability that a label is flipped. */
  labelSmoothing: number;
  /** DPOP: weight of the penalty on the chosen log-prob falling below the reference's. */
  dpopLambda: number;
  /** SimPO: target reward margin gamma. */
  simpoGamma: number;
  /** CPO: weight α of the NLL of the chosen answer (TRL's cpo_alpha). */
  cpoAlpha: number;
  /** CPO: the preference term (TRL's CPOConfig.loss_type). */
  cpoVariant: CpoVariant;
  /** KTO: weight λ_D of the desirable answers' losses (TRL's desirable_weight). */
  ktoLambdaD: number;
  /** KTO: weight λ_U of the undesirable answers' losses (TRL's undesirable_weight). */
  ktoLambdaU: number;
}

/** CPO's preference terms, as TRL's CPOTrainer offers them: logistic (the paper's), hinge, IPO's square. */
export const CPO_VARIANTS = ['sigmoid', 'hinge', 'ipo'] as const;
export type CpoVariant = (typeof CPO_VARIANTS)[number];

/** TRL's defaults: cpo_alpha 1, loss_type sigmoid, desirable_weight = undesirable_weight = 1. */
export const DEFAULT_LOSS_PARAMS: LossParams = {
  labelSmoothing: 0.1, dpopLambda: 50, simpoGamma: 0.5, cpoAlpha: 1, cpoVariant: 'sigmoid', ktoLambdaD: 1, ktoLambdaU: 1,
};

/** The loss parameters that are numbers (the others are choices). */
export type NumericLossParam = Exclude<keyof LossParams, 'cpoVariant'>;

export const LOSS_PARAM_INFO: Record<NumericLossParam, { label: string; range: Range }> = {
  labelSmoothing: { label: 'ε (label noise)', range: LIMITS.labelSmoothing },
  dpopLambda: { label: 'λ (DPOP)', range: LIMITS.dpopLambda },
  simpoGamma: { label: 'γ (margin)', range: LIMITS.simpoGamma },
  cpoAlpha: { label: 'α (NLL weight)', range: LIMITS.cpoAlpha },
  ktoLambdaD: { label: 'λ_D (desirable)', range: LIMITS.ktoLambda },
  ktoLambdaU: { label: 'λ_U (undesirable)', range: LIMITS.ktoLambda },
};

export const CPO_VARIANT_LABELS: Record<CpoVariant, string> = { sigmoid: 'sigmoid (paper)', hinge: 'hinge', ipo: 'IPO (length-averaged)' };

export interface LossInfo {
  id: LossId;
  label: string;
  /** The paper, by its authors, year and own title (cited in English, as the course's references are). */
  paper: string;
  /** The paper's equation this loss is, when it names one. */
  eq?: string;
  /** Whether the lab's loss is more than the paper's equation (the UI says how: explain.paperNote.<id>). */
  paperNote?: boolean;
  /** How a sequence-level unit aggregates token log-probs: summed, or averaged over the answer length. */
  aggregate: 'sum' | 'mean';
  /** Whether the reference model enters the loss (SimPO, ORPO and CPO are reference-free). */
  usesReference: boolean;
  /**
   * Unpaired (KTO): each answer is an example of its own, desirable or undesirable, and the loss needs
   * the batch KL estimate from mismatched prompt/answer pairs, which adds rows to the forward pass.
   */
  unpaired?: boolean;
  /** Which LossParams the loss reads. */
  params: (keyof LossParams)[];
  /** What beta means for this loss. */
  betaMeaning: string;
  /** The per-unit loss in KaTeX, with h = log(pi_c/ref_c) - log(pi_r/ref_r). */
  formula: string;
  /** One sentence on what it does. */
  summary: string;
}

const SIG = String.raw`\log\sigma`;

export const LOSS_CATALOG: Record<LossId, LossInfo> = {
  dpo: {
    id: 'dpo', label: 'DPO', paper: 'Rafailov et al. 2023, Direct Preference Optimization', eq: '7', aggregate: 'sum',
    usesReference: true, params: [], betaMeaning: 'KL strength β',
    formula: String.raw`-${SIG}(\beta h)`,
    summary: 'Logistic loss on the implicit reward margin: its gradient never vanishes, so a deterministic preference is pushed without bound.',
  },
  ipo: {
    id: 'ipo', label: 'IPO', paper: 'Azar et al. 2023, A General Theoretical Paradigm to Understand Learning from Human Preferences', eq: '17', aggregate: 'sum',
    usesReference: true, params: [], betaMeaning: 'τ: target margin 1/(2β)',
    formula: String.raw`\left(h - \tfrac{1}{2\beta}\right)^2`,
    summary: 'Regresses the margin to the finite target 1/(2β), so the policy stops where β says.',
  },
  ipo_mean: {
    id: 'ipo_mean', label: 'IPO (length-averaged, TRL)', paper: 'Azar et al. 2023', paperNote: true, aggregate: 'mean',
    usesReference: true, params: [], betaMeaning: 'τ: target margin 1/(2β)',
    formula: String.raw`\left(\bar h - \tfrac{1}{2\beta}\right)^2`,
    summary: 'IPO on log-probs averaged over the answer length, as TRL implements it.',
  },
  cdpo: {
    id: 'cdpo', label: 'cDPO', paper: 'Mitchell 2023, A note on DPO with noisy preferences', aggregate: 'sum',
    usesReference: true, params: ['labelSmoothing'], betaMeaning: 'KL strength β',
    formula: String.raw`-(1-\varepsilon)${SIG}(\beta h) - \varepsilon\,${SIG}(-\beta h)`,
    summary: 'DPO with label smoothing: assumes a fraction ε of labels are flipped, which gives the margin a finite optimum.',
  },
  robust: {
    id: 'robust', label: 'Robust DPO', paper: 'Chowdhury et al. 2024, Provably Robust DPO', eq: '7', aggregate: 'sum',
    usesReference: true, params: ['labelSmoothing'], betaMeaning: 'KL strength β',
    formula: String.raw`\frac{-(1-\varepsilon)${SIG}(\beta h) + \varepsilon\,${SIG}(-\beta h)}{1-2\varepsilon}`,
    summary: 'An unbiased estimate of the clean DPO loss under label noise ε.',
  },
  hinge: {
    id: 'hinge', label: 'Hinge (SLiC)', paper: 'Zhao et al. 2023, SLiC-HF: Sequence Likelihood Calibration with Human Feedback', aggregate: 'sum',
    usesReference: true, params: [], betaMeaning: '1/β is the margin',
    formula: String.raw`\max(0,\ 1 - \beta h)`,
    summary: 'Stops pushing once the margin passes 1/β; the gradient is exactly zero beyond it.',
  },
  dpop: {
    id: 'dpop', label: 'DPOP (Smaug)', paper: 'Pal et al. 2024, Smaug: Fixing Failure Modes of Preference Optimisation with DPO-Positive', eq: '3', aggregate: 'sum',
    usesReference: true, params: ['dpopLambda'], betaMeaning: 'KL strength β',
    formula: String.raw`-${SIG}\!\left(\beta\left(h - \lambda \max\!\left(0, \log\tfrac{\pi_{ref}(y_c)}{\pi(y_c)}\right)\right)\right)`,
    summary: 'DPO plus a penalty when the chosen answer\'s probability falls below the reference\'s.',
  },
  simpo: {
    id: 'simpo', label: 'SimPO', paper: 'Meng et al. 2024, SimPO: Simple Preference Optimization with a Reference-Free Reward', eq: '6', aggregate: 'mean',
    usesReference: false, params: ['simpoGamma'], betaMeaning: 'reward scale β',
    formula: String.raw`-${SIG}\!\left(\tfrac{\beta}{|y_c|}\log\pi(y_c) - \tfrac{\beta}{|y_r|}\log\pi(y_r) - \gamma\right)`,
    summary: 'Reference-free: length-normalised log-probs with a target margin γ.',
  },
  orpo: {
    id: 'orpo', label: 'ORPO', paper: 'Hong et al. 2024, ORPO: Monolithic Preference Optimization without Reference Model', eq: '6–7', aggregate: 'mean',
    usesReference: false, params: [], betaMeaning: 'λ: weight of the odds-ratio term',
    formula: String.raw`-\log\pi(y_c) - \lambda\,${SIG}\!\left(\log\tfrac{\text{odds}(y_c)}{\text{odds}(y_r)}\right)`,
    summary: 'Reference-free: supervised loss on the chosen answer plus an odds-ratio preference term.',
  },
  kto: {
    id: 'kto', label: 'KTO', paper: 'Ethayarajh et al. 2024, KTO: Model Alignment as Prospect Theoretic Optimization', eq: '7', paperNote: true, aggregate: 'sum',
    usesReference: true, unpaired: true, params: ['ktoLambdaD', 'ktoLambdaU'], betaMeaning: 'KL strength β',
    formula: String.raw`\begin{cases}\lambda_D\,(1-\sigma(\beta(r_\theta - z_0))) & y \text{ desirable}\\ \lambda_U\,(1-\sigma(\beta(z_0 - r_\theta))) & y \text{ undesirable}\end{cases}`,
    summary:
      'Unpaired: every answer is desirable or undesirable on its own (r = log π/π_ref), measured against z₀, the batch KL estimate ' +
      'from mismatched prompt/answer pairs (detached, clamped at 0, as TRL computes it). The loss saturates: a sigmoid, not a log-sigmoid.',
  },
  cpo: {
    id: 'cpo', label: 'CPO', paper: 'Xu et al. 2024, Contrastive Preference Optimization', eq: '3', paperNote: true, aggregate: 'sum',
    usesReference: false, params: ['cpoAlpha', 'cpoVariant'], betaMeaning: 'reward scale β',
    formula: String.raw`-${SIG}\!\left(\beta\log\tfrac{\pi(y_c)}{\pi(y_r)}\right) - \alpha\,\overline{\log\pi(y_c)}`,
    summary:
      'Reference-free: DPO with the reference left out, plus α times the NLL of the chosen answer (per token). ' +
      'Variants as TRL: sigmoid (the paper), hinge max(0, 1 − βh), or IPO (h − 1/(2β))² on length-averaged log-probs.',
  },
};

/** How a sequence-level unit aggregates its tokens for this run: CPO's IPO variant averages, as TRL does. */
export function aggregateOf(loss: LossId, params: Pick<LossParams, 'cpoVariant'>): 'sum' | 'mean' {
  return loss === 'cpo' && params.cpoVariant === 'ipo' ? 'mean' : LOSS_CATALOG[loss].aggregate;
}

/** What a comparison must compute for its runs: the reference's log-probs, and KTO's mismatched pairs. */
export interface ComparisonNeeds {
  reference: boolean;
  mismatched: boolean;
}

export function comparisonNeeds(runs: readonly { loss: LossId }[]): ComparisonNeeds {
  return {
    reference: runs.some((r) => LOSS_CATALOG[r.loss].usesReference),
    mismatched: runs.some((r) => LOSS_CATALOG[r.loss].unpaired === true),
  };
}

/** Whether runs `next` need something a comparison built for `current` did not compute (so a live change must restart). */
export function needsMore(current: readonly { loss: LossId }[], next: readonly { loss: LossId }[]): boolean {
  const a = comparisonNeeds(current);
  const b = comparisonNeeds(next);
  return (b.reference && !a.reference) || (b.mismatched && !a.mismatched);
}


/**
 * The GPO view (Tang et al. 2024, Generalized Preference Optimization, seeds/004): an offline preference
 * loss is f(βh) for a convex f, and its gradient in h is β f′(βh), so −f′(βh) is how hard a step pushes
 * the margin up. Written in the lab's β: DPO is f(βh) exactly, hinge (SLiC) too, and the lab's IPO is
 * f(βh)/β² with f(x) = (x − ½)² (Tang et al. write (βh − 1)², their β being twice IPO's; the factor
 * 1/β² scales the step, not where it vanishes). Pure math, for the chart and the tests.
 */
export const GPO_FAMILIES = ['logistic', 'hinge', 'square'] as const;
export type GpoFamily = (typeof GPO_FAMILIES)[number];

export interface GpoFamilyInfo {
  label: string;
  /** Which of the lab's losses it is. */
  losses: LossId[];
  /** f(x) in KaTeX. */
  formula: string;
  f: (x: number) => number;
  /** −f′(x): the gradient weight (a subgradient at the hinge's corner: 0). */
  weight: (x: number) => number;
}

export const GPO: Record<GpoFamily, GpoFamilyInfo> = {
  logistic: {
    label: 'logistic (DPO)', losses: ['dpo'], formula: String.raw`\log(1 + e^{-x})`,
    // log(1 + e^-x) without overflow on either side.
    f: (x) => (x > 0 ? Math.log1p(Math.exp(-x)) : -x + Math.log1p(Math.exp(x))),
    weight: (x) => 1 / (1 + Math.exp(x)),
  },
  hinge: {
    label: 'hinge (SLiC)', losses: ['hinge'], formula: String.raw`\max(0,\ 1 - x)`,
    f: (x) => Math.max(0, 1 - x),
    weight: (x) => (x < 1 ? 1 : 0),
  },
  square: {
    label: 'square (IPO)', losses: ['ipo', 'ipo_mean'], formula: String.raw`(x - \tfrac12)^2`,
    f: (x) => (x - 0.5) ** 2,
    weight: (x) => 1 - 2 * x,
  },
};

/** The GPO family a loss belongs to, or null (the lab's other losses are not one f of βh alone). */
export function gpoFamilyOf(loss: LossId): GpoFamily | null {
  return GPO_FAMILIES.find((g) => GPO[g].losses.includes(loss)) ?? null;
}
