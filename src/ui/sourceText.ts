/**
 * Texts whose English lives in train/ (presets, verdicts, expectations, the
 * loss catalogue, metric help, stop labels), in the UI's language: train/'s
 * English as it is, or its Chinese from the dictionaries (i18n/zh-source.ts,
 * keyed by id) with the same numbers. Components that call these also call
 * useTranslation(), so they follow a language switch.
 */
import { currentLanguage, sourced, t, translateMessage } from '../i18n';
import { CPO_VARIANT_LABELS, GPO, LOSS_CATALOG, LOSS_PARAM_INFO, type CpoVariant, type GpoFamily, type LossId, type NumericLossParam } from '../train/catalog';
import { expectationText, type Expectation } from '../train/guidance';
import { STOPPED_LABEL } from '../train/health';
import { KL_HELP, KL_METRIC, METRIC_HELP, type RunStatus, type ScalarMetric } from '../train/metrics';
import type { Preset } from '../train/presets';
import { runName } from '../train/run';
import { SETTLED_TOLERANCE, verdictText, type Verdict } from '../train/verdict';

type Fmt = (v: number) => string;

export const presetText = (p: Preset, field: 'title' | 'headline' | 'lookFor'): string => sourced(`presets.${p.id}.${field}`, p[field]);

/** A run's verdict (train/verdict.ts VERDICT_TEXT), its numbers written by `fmt`. */
export function verdictLabel(v: Verdict, fmt: Fmt): string {
  const english = verdictText(v, fmt);
  const pct = (x: number) => fmt(Number((x * 100).toPrecision(2)));
  switch (v.kind) {
    case 'diverged':
      return sourced('verdict.diverged', english, { reason: translateMessage(v.reason, currentLanguage()) });
    case 'falling':
      return Number.isFinite(v.decades)
        ? sourced('verdict.falling', english, { piRej: fmt(v.piRej), decades: fmt(Number(v.decades.toPrecision(2))), window: v.window })
        : sourced('verdict.fallingUnderflow', english, { piRej: fmt(v.piRej) });
    case 'levelled':
      return sourced('verdict.levelled', english, { piRej: fmt(v.piRej), window: v.window });
    case 'rising':
      return sourced('verdict.rising', english, { piRej: fmt(v.piRej) });
    case 'settled':
      return sourced('verdict.settled', english, { name: v.target.name, value: fmt(v.target.value), tolerance: SETTLED_TOLERANCE * 100, window: v.window });
    case 'oscillating':
      return sourced('verdict.oscillating', english, { name: v.target.name, value: fmt(v.target.value), error: pct(v.error), window: v.window });
    case 'approaching':
      return sourced('verdict.approaching', english, { name: v.target.name, value: fmt(v.target.value), h: fmt(v.h), error: pct(v.error), window: v.window, tolerance: SETTLED_TOLERANCE * 100 });
    case 'hinge-done':
      return sourced('verdict.hinge-done', english, { betaH: fmt(v.betaH) });
  }
}

/** What a changed or added run is expected to do (train/guidance.ts EXPECTATION_TEXT). */
export function expectationLabel(e: Expectation, fmt: Fmt): string {
  const values = 'value' in e ? { value: fmt(e.value), ...('sigma' in e && { sigma: fmt(e.sigma) }) } : {};
  return sourced(`expectation.${e.kind}`, expectationText(e, fmt), values);
}

export const lossLabel = (id: LossId): string => sourced(`loss.${id}.label`, LOSS_CATALOG[id].label);
export const lossSummary = (id: LossId): string => sourced(`loss.${id}.summary`, LOSS_CATALOG[id].summary);
export const betaMeaning = (id: LossId): string => sourced(`loss.${id}.betaMeaning`, LOSS_CATALOG[id].betaMeaning);
export const lossParamLabel = (p: NumericLossParam): string => sourced(`lossParam.${p}`, LOSS_PARAM_INFO[p].label);
export const cpoVariantLabel = (v: CpoVariant): string => sourced(`cpoVariant.${v}`, CPO_VARIANT_LABELS[v]);
export const gpoLabel = (g: GpoFamily): string => sourced(`gpo.${g}`, GPO[g].label);
export const stoppedLabel = (s: Exclude<RunStatus['state'], 'ok'>): string => sourced(`stopped.${s}`, STOPPED_LABEL[s]);
/**
 * What a loss's paper cell adds to the paper's own title, in the UI's language: the equation ("eq. 7"), or
 * how the lab's loss relates to it (explain.paperNote.<id>, with <code> marks); none for a paper without either.
 */
export function paperNote(id: LossId): string | undefined {
  const { eq, paperNote: note } = LOSS_CATALOG[id];
  const tr = t as unknown as (key: string, values?: object) => string;
  if (note) return tr(`explain.paperNote.${id}`, { eq });
  return eq ? tr(eq.includes('–') ? 'explain.paperEqs' : 'explain.paperEq', { eq }) : undefined;
}

/** The paper as one line of text (a select's title): its title and its note, without marks. */
export function paperText(id: LossId): string {
  const note = paperNote(id);
  const paper = LOSS_CATALOG[id].paper;
  return note ? t('explain.paperCited', { note: note.replace(/<\/?code>/g, '') }).replace('{paper}', paper) : paper;
}

/** A loss's formula, the words of its cases (KTO's "desirable", "undesirable") in the UI's language. */
export const lossFormula = (id: LossId): string =>
  LOSS_CATALOG[id].formula.replace(/\\text\{ (desirable|undesirable)\}/g, (_, w: 'desirable' | 'undesirable') => `\\text{ ${t(`explain.${w}`)}}`);

export const metricHelp = (m: ScalarMetric | typeof KL_METRIC): string => sourced(`metric.${m}`, m === KL_METRIC ? KL_HELP : METRIC_HELP[m]);

/**
 * A run's name as the page shows it: the user's, or train/'s runName from its
 * settings with the loss named in the UI's language (the same in English; the
 * CSV, the link and the embed's events keep runName).
 */
export function runLabel(r: Parameters<typeof runName>[0]): string {
  const name = runName(r);
  if (r.label) return name;
  const named = name.replace(LOSS_CATALOG[r.loss].label, lossLabel(r.loss));
  // A LoRA run's targets when they are not PEFT's default (" on q,k,v"), in brackets in Chinese.
  return currentLanguage() === 'zh' ? named.replace(/ on ([a-z,]+)$/, '（$1）') : named;
}
