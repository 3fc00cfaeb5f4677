/**
 * A one-line verdict per run once it has finished, computed from its metrics:
 * did π(rejected) keep falling (DPO and the other losses without a floor),
 * did the margin settle on its target (IPO at 1/(2β), cDPO at ln((1-ε)/ε)/β),
 * did the hinge stop pushing, did the run diverge. Pure TS; the wording is in
 * one table (VERDICT_TEXT) and numbers go through the caller's formatter.
 */
import type { RunStatus } from './metrics';
import { hMetric } from './metrics';

/** Relative distance to a target within which a margin counts as settled. */
export const SETTLED_TOLERANCE = 0.01;
/** log10 change of π(rejected) over the last window below which it counts as level. */
export const LEVEL_DECADES = 0.02;

export type Verdict =
  | { kind: 'diverged'; step: number; reason: string }
  | { kind: 'falling'; piRej: number; decades: number; window: number }
  | { kind: 'levelled'; piRej: number; window: number }
  | { kind: 'rising'; piRej: number; window: number }
  | ({ kind: 'settled' } & TargetFit)
  | ({ kind: 'oscillating' } & TargetFit)
  | ({ kind: 'approaching' } & TargetFit)
  | { kind: 'hinge-done'; betaH: number };

/** Where a margin stands against its target: the last h, and its relative distance (the worst over the window when oscillating). */
export interface TargetFit {
  target: Target;
  h: number;
  error: number;
  window: number;
}

export interface Target {
  /** How the target is written: '1/(2β)', 'ln((1−ε)/ε)/β', '1/β'. */
  name: string;
  value: number;
}

export interface VerdictRun {
  loss: string;
  beta: number;
  labelSmoothing?: number;
}

export interface VerdictLog {
  metrics: Record<string, number[]>;
  status: RunStatus;
}

/** Steps looked back over to judge a trend: a fifth of the run, at least 5 and at most 50. */
export function trendWindow(n: number): number {
  return Math.max(5, Math.min(50, Math.floor(n / 5)));
}

const logit = (p: number) => Math.log(p / (1 - p));

/** The margin the run's loss aims for (per token, or per answer at sequence level), or null when it has none. */
export function marginTarget(run: VerdictRun): Target | null {
  if (run.loss === 'ipo' || run.loss === 'ipo_mean') return { name: '1/(2β)', value: 1 / (2 * run.beta) };
  if (run.loss === 'cdpo' && run.labelSmoothing !== undefined && run.labelSmoothing > 0) {
    return { name: 'ln((1−ε)/ε)/β', value: Math.log((1 - run.labelSmoothing) / run.labelSmoothing) / run.beta };
  }
  if (run.loss === 'hinge') return { name: '1/β', value: 1 / run.beta };
  return null;
}

/** Each answer token's margin h/k, at every step. */
function tokenMargins(log: VerdictLog): number[][] {
  const tokens: number[][] = [];
  for (let k = 0; log.metrics[hMetric(k)]; k++) tokens.push(log.metrics[hMetric(k)]!);
  return tokens;
}

/**
 * The margin h of the unit the loss works on, at every step: per token, the mean of h/k over the
 * answer tokens (every token aims at the target); per answer, from σ(βh) of the whole answer.
 */
export function unitMargins(log: VerdictLog, beta: number, granularity: 'token' | 'sequence'): number[] {
  if (granularity === 'sequence') return (log.metrics.sigma_margin ?? []).map((s) => logit(s) / beta);
  const tokens = tokenMargins(log);
  if (tokens.length === 0) return [];
  const n = Math.min(...tokens.map((t) => t.length));
  return Array.from({ length: n }, (_, i) => tokens.reduce((a, t) => a + t[i]!, 0) / tokens.length);
}

/**
 * The largest relative distance of those from the target over the last `steps` steps (1: the
 * last step). A run is settled only if it stays near the target over its trend window, not if
 * it passes through it at the last step: Adam circles the target for long (§6.3.2).
 */
function distance(series: number[][], target: number, steps: number): number {
  const scale = Math.max(Math.abs(target), 1e-12);
  let worst = 0;
  for (const h of series) for (const v of h.slice(-steps)) worst = Math.max(worst, Math.abs(v - target) / scale);
  return worst;
}

/** The run's verdict, or null while it has too few steps to judge (under 5). */
export function runVerdict(run: VerdictRun, log: VerdictLog, granularity: 'token' | 'sequence' = 'token'): Verdict | null {
  if (log.status.state !== 'ok') return { kind: 'diverged', step: log.status.step, reason: log.status.reason }; // any stop: its reason says which
  const loss = log.metrics.loss ?? [];
  const n = loss.length;
  if (n < 5) return null;
  const w = Math.min(trendWindow(n), n - 1);
  const target = marginTarget(run);
  const unit = unitMargins(log, run.beta, granularity);

  // The hinge's gradient is exactly 0 once βh passes 1: it stops where it is.
  if (run.loss === 'hinge' && unit.length === n && loss.at(-1) === 0) return { kind: 'hinge-done', betaH: run.beta * unit.at(-1)! };
  if (target && unit.length === n) {
    // What must reach the target: each answer token's h (per token), or the answer's margin.
    const series = granularity === 'sequence' ? [unit] : tokenMargins(log);
    const held = distance(series, target.value, w + 1);
    if (held <= SETTLED_TOLERANCE) return { kind: 'settled', target, h: unit.at(-1)!, error: held, window: w };
    const error = distance(series, target.value, 1);
    // Crossing the target back and forth within the window: oscillating (a large learning rate, or Adam).
    const recent = unit.slice(n - 1 - w).map((h) => Math.sign(h - target.value)).filter((s) => s !== 0);
    const crossings = recent.slice(1).filter((s, i) => s !== recent[i]).length;
    if (crossings >= 2) return { kind: 'oscillating', target, h: unit.at(-1)!, error: held, window: w };
    return { kind: 'approaching', target, h: unit.at(-1)!, error, window: w };
  }

  const pi = log.metrics.pi_rej ?? [];
  if (pi.length < n) return null;
  const now = pi[n - 1]!;
  const before = pi[n - 1 - w]!;
  const decades = now > 0 ? Math.log10(before) - Math.log10(now) : Number.POSITIVE_INFINITY;
  if (decades > LEVEL_DECADES) return { kind: 'falling', piRej: now, decades, window: w };
  if (decades < -LEVEL_DECADES) return { kind: 'rising', piRej: now, window: w };
  return { kind: 'levelled', piRej: now, window: w };
}

type Fmt = (v: number) => string;

/** What each verdict says, in one place (a later i18n pass translates this table). */
export const VERDICT_TEXT: { [K in Verdict['kind']]: (v: Extract<Verdict, { kind: K }>, fmt: Fmt) => string } = {
  // Every reason says when (train/health.ts: 'at step N', 'at the initial weights').
  diverged: (v) => `stopped: ${v.reason}`,
  falling: (v, fmt) =>
    Number.isFinite(v.decades)
      ? `π(rejected) still falling: ${fmt(v.piRej)} and dropping (${fmt(Number(v.decades.toPrecision(2)))} decades in the last ${v.window} steps), no plateau`
      : `π(rejected) still falling: below the smallest float64 (${fmt(v.piRej)}), no plateau`,
  levelled: (v, fmt) => `π(rejected) levelled off at ${fmt(v.piRej)} (steady over the last ${v.window} steps)`,
  rising: (v, fmt) => `π(rejected) rising again: ${fmt(v.piRej)}`,
  settled: (v, fmt) => `settled: h = ${v.target.name} = ${fmt(v.target.value)} within ${SETTLED_TOLERANCE * 100}% over the last ${v.window} steps`,
  oscillating: (v, fmt) => `oscillating around h = ${v.target.name} = ${fmt(v.target.value)}: off by up to ${fmt(Number((v.error * 100).toPrecision(2)))}% in the last ${v.window} steps`,
  approaching: (v, fmt) => `approaching h = ${v.target.name} = ${fmt(v.target.value)}: h = ${fmt(v.h)} so far (${fmt(Number((v.error * 100).toPrecision(2)))}% away), not yet within ${SETTLED_TOLERANCE * 100}% over the last ${v.window} steps`,
  'hinge-done': (v, fmt) => `stopped pushing: βh = ${fmt(v.betaH)} passed 1, so the loss is exactly 0`,
};

export function verdictText(v: Verdict, fmt: Fmt): string {
  return (VERDICT_TEXT[v.kind] as (v: Verdict, fmt: Fmt) => string)(v, fmt);
}
