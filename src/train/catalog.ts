/**
 * What the lab offers, as plain data: losses (with their papers and formulas)
 * and optimizers; their limits are in limits.ts. No tfjs here, so the UI, the
 * URL schema and the engine can all read it.
 */
import { LIMITS, type Range } from './limits';

export const LOSS_IDS = ['dpo', 'ipo', 'ipo_mean', 'cdpo', 'robust', 'hinge', 'dpop', 'simpo', 'orpo'] as const;
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
}

export const DEFAULT_LOSS_PARAMS: LossParams = { labelSmoothing: 0.1, dpopLambda: 50, simpoGamma: 0.5 };

export const LOSS_PARAM_INFO: Record<keyof LossParams, { label: string; range: Range }> = {
  labelSmoothing: { label: 'ε (label noise)', range: LIMITS.labelSmoothing },
  dpopLambda: { label: 'λ (DPOP)', range: LIMITS.dpopLambda },
  simpoGamma: { label: 'γ (margin)', range: LIMITS.simpoGamma },
};

export interface LossInfo {
  id: LossId;
  label: string;
  paper: string;
  /** How a sequence-level unit aggregates token log-probs: summed, or averaged over the answer length. */
  aggregate: 'sum' | 'mean';
  /** Whether the reference model enters the loss (SimPO and ORPO are reference-free). */
  usesReference: boolean;
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
    id: 'dpo', label: 'DPO', paper: 'Rafailov et al. 2023, Direct Preference Optimization (eq. 7)', aggregate: 'sum',
    usesReference: true, params: [], betaMeaning: 'KL strength β',
    formula: String.raw`-${SIG}(\beta h)`,
    summary: 'Logistic loss on the implicit reward margin: its gradient never vanishes, so a deterministic preference is pushed without bound.',
  },
  ipo: {
    id: 'ipo', label: 'IPO', paper: 'Azar et al. 2023, A General Theoretical Paradigm to Understand Learning from Human Preferences (eq. 17)', aggregate: 'sum',
    usesReference: true, params: [], betaMeaning: 'τ: target margin 1/(2β)',
    formula: String.raw`\left(h - \tfrac{1}{2\beta}\right)^2`,
    summary: 'Regresses the margin to the finite target 1/(2β), so the policy stops where β says.',
  },
  ipo_mean: {
    id: 'ipo_mean', label: 'IPO (length-averaged, TRL)', paper: 'Azar et al. 2023; TRL loss_type="ipo" averages log-probs over the answer', aggregate: 'mean',
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
    id: 'robust', label: 'Robust DPO', paper: 'Chowdhury et al. 2024, Provably Robust DPO (eq. 7)', aggregate: 'sum',
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
    id: 'dpop', label: 'DPOP (Smaug)', paper: 'Pal et al. 2024, Smaug: Fixing Failure Modes of Preference Optimisation with DPO-Positive (eq. 3)', aggregate: 'sum',
    usesReference: true, params: ['dpopLambda'], betaMeaning: 'KL strength β',
    formula: String.raw`-${SIG}\!\left(\beta\left(h - \lambda \max\!\left(0, \log\tfrac{\pi_{ref}(y_c)}{\pi(y_c)}\right)\right)\right)`,
    summary: 'DPO plus a penalty when the chosen answer\'s probability falls below the reference\'s.',
  },
  simpo: {
    id: 'simpo', label: 'SimPO', paper: 'Meng et al. 2024, SimPO: Simple Preference Optimization with a Reference-Free Reward (eq. 6)', aggregate: 'mean',
    usesReference: false, params: ['simpoGamma'], betaMeaning: 'reward scale β',
    formula: String.raw`-${SIG}\!\left(\tfrac{\beta}{|y_c|}\log\pi(y_c) - \tfrac{\beta}{|y_r|}\log\pi(y_r) - \gamma\right)`,
    summary: 'Reference-free: length-normalised log-probs with a target margin γ.',
  },
  orpo: {
    id: 'orpo', label: 'ORPO', paper: 'Hong et al. 2024, ORPO: Monolithic Preference Optimization without Reference Model (eqs. 6-7)', aggregate: 'mean',
    usesReference: false, params: [], betaMeaning: 'λ: weight of the odds-ratio term',
    formula: String.raw`-\log\pi(y_c) - \lambda\,${SIG}\!\left(\log\tfrac{\text{odds}(y_c)}{\text{odds}(y_r)}\right)`,
    summary: 'Reference-free: supervised loss on the chosen answer plus an odds-ratio preference term.',
  },
};
