/**
 * The teaching link: the whole experiment and the view in the URL, from ONE
 * declarative list of fields (short key, validator, getter, setter), in the
 * spirit of tensorflow/playground's state.ts. Pure TS (the command line reads
 * links too).
 *
 * Format: `#v=1&s=<lz-string of {key: value}>` plus readable flags
 * (`&embed=1&autoplay=1&controls=1&charts=pi-rej,sigma&lang=zh`). Values equal to the
 * default are left out. Decoding never throws: every field is validated on
 * its own; a bad or unknown one falls back to the default with a notice.
 */
// lz-string is CommonJS: its default export is what both Node and the bundler see.
import LZString from 'lz-string';
import { z } from 'zod';
import { parseLanguage } from '../i18n/languages';
import { MODEL_PRESETS } from '../model/config';
import { answerLabels, ktoDataProblem, validateData, withLabels, type PreferencePair } from '../train/data';
import { adapterRankProblem, describeIssues, ExperimentSchema, PairSchema, type Experiment } from '../train/experiment';
import { LIMITS } from '../train/limits';
import { DEFAULT_LOSS_PARAMS, LOSS_CATALOG } from '../train/catalog';
import { DEFAULT_ADAPTER, RunSchema, type Run } from '../train/run';
import { findPreset } from '../train/presets';
import { BACKEND_NAMES, type BackendChoice } from '../worker/protocol';
import { parseOrigin } from './origin';
import { CHART_IDS, defaultLinkState, REWARD_METRICS, type ChartId, type LinkState } from './linkState';
import { fillSlots, slotsInOrder } from './shades';

export const LINK_VERSION = 1;
/** Longer payloads are refused before decompression (a hostile link cannot make the page churn). */
export const MAX_PAYLOAD = 20_000;

interface Field<T> {
  key: string;
  name: string;
  schema: z.ZodType<T>;
  get: (s: LinkState) => T;
  set: (s: LinkState, v: T) => void;
  /** Parts of a valid value that fell back to their default, for the notice (the runs' LoRA settings). */
  repaired?: (v: T) => string[];
}

const field = <T,>(f: Field<T>): Field<unknown> => f as unknown as Field<unknown>;

/** What a link calls each LoRA setting in a notice. */
const ADAPTER_NAMES = { policy: 'policy', loraRank: 'LoRA rank', loraAlpha: 'LoRA α', loraTargets: 'LoRA targets' } as const;

/**
 * Runs as compact objects: l loss, b beta, r lr, o optimizer, n label, e/k/g loss params; added later (a
 * link without them means their defaults): ca CPO α, cv CPO variant, ld/lu KTO λ_D/λ_U, p policy, rk LoRA
 * rank, al LoRA alpha, t LoRA targets. A bad LoRA setting falls back to its default on its own (`repaired`
 * says so); the run keeps everything else.
 */
const LinkRunSchema = z
  .object({
    l: z.unknown(), b: z.unknown(), r: z.unknown(), o: z.unknown().optional(), n: z.unknown().optional(), e: z.unknown().optional(), k: z.unknown().optional(), g: z.unknown().optional(),
    ca: z.unknown().optional(), cv: z.unknown().optional(), ld: z.unknown().optional(), lu: z.unknown().optional(),
    p: z.unknown().optional(), rk: z.unknown().optional(), al: z.unknown().optional(), t: z.unknown().optional(),
  })
  .transform((x, ctx) => {
    const given: Record<string, unknown> = {
      loss: x.l, beta: x.b, lr: x.r, optimizer: x.o, label: x.n, labelSmoothing: x.e, dpopLambda: x.k, simpoGamma: x.g,
      cpoAlpha: x.ca, cpoVariant: x.cv, ktoLambdaD: x.ld, ktoLambdaU: x.lu,
    };
    const repaired: string[] = [];
    for (const [key, value] of Object.entries({ policy: x.p, loraRank: x.rk, loraAlpha: x.al, loraTargets: x.t })) {
      const k = key as keyof typeof ADAPTER_NAMES;
      const ok = value === undefined || RunSchema.shape[k].safeParse(value);
      if (ok === true || ok.success) given[k] = value;
      else repaired.push(`“${ADAPTER_NAMES[k]}” in the link is not valid (${ok.error.issues[0]?.message ?? 'bad value'}); using the default ${String(RunSchema.shape[k].parse(undefined))}`);
    }
    const r = RunSchema.safeParse(Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)));
    if (!r.success) {
      for (const message of describeIssues(r.error)) ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return { run: r.data, repaired };
  });
/** The first `n` of a list of problems, '; '-separated, and how many more there are. */
const moreThan = (xs: string[], n: number) => [...xs.slice(0, n), ...(xs.length > n ? [`and ${xs.length - n} more`] : [])].join('; ');

/**
 * The runs: each is read on its own, so one bad run is left out (and named, with every problem it
 * has) while the others keep their settings; only a link with no valid run falls back to the default runs.
 */
const LinkRunsSchema = z
  .array(z.unknown())
  .min(LIMITS.runs.min)
  .max(LIMITS.runs.max)
  .transform((xs, ctx) => {
    const read = xs.map((x, index) => ({ index, r: LinkRunSchema.safeParse(x) }));
    const runs = read.flatMap(({ index, r }) => (r.success ? [{ index, ...r.data }] : []));
    // At most two problems a run, and the first run's alone when none is valid: a notice stays a few lines.
    const dropped = read.flatMap(({ index, r }) => (r.success ? [] : [{ index, problems: moreThan(r.error.issues.map((i) => i.message), 2) }]));
    if (runs.length === 0) {
      ctx.addIssue({ code: 'custom', message: moreThan(dropped.map((d) => `run ${d.index + 1}: ${d.problems}`), 1) });
      return z.NEVER;
    }
    return { runs, dropped };
  });
// Loss parameters at their defaults are left out: links written before every run carried all of them mean the same.
const runToLink = (r: Run) => ({
  l: r.loss, b: r.beta, r: r.lr,
  ...(r.optimizer !== 'sgd' && { o: r.optimizer }),
  ...(r.label && { n: r.label }),
  ...(r.labelSmoothing !== DEFAULT_LOSS_PARAMS.labelSmoothing && { e: r.labelSmoothing }),
  ...(r.dpopLambda !== DEFAULT_LOSS_PARAMS.dpopLambda && { k: r.dpopLambda }),
  ...(r.simpoGamma !== DEFAULT_LOSS_PARAMS.simpoGamma && { g: r.simpoGamma }),
  ...(r.cpoAlpha !== DEFAULT_LOSS_PARAMS.cpoAlpha && { ca: r.cpoAlpha }),
  ...(r.cpoVariant !== DEFAULT_LOSS_PARAMS.cpoVariant && { cv: r.cpoVariant }),
  ...(r.ktoLambdaD !== DEFAULT_LOSS_PARAMS.ktoLambdaD && { ld: r.ktoLambdaD }),
  ...(r.ktoLambdaU !== DEFAULT_LOSS_PARAMS.ktoLambdaU && { lu: r.ktoLambdaU }),
  // Added after version 1 shipped: left out at their defaults, so older links keep meaning full-model runs.
  ...(r.policy !== 'full' && { p: r.policy }),
  ...(r.loraRank !== DEFAULT_ADAPTER.loraRank && { rk: r.loraRank }),
  ...(r.loraAlpha !== DEFAULT_ADAPTER.loraAlpha && { al: r.loraAlpha }),
  ...(r.loraTargets.join() !== DEFAULT_ADAPTER.loraTargets.join() && { t: r.loraTargets }),
});

/**
 * KTO's labels of a pair, as a 4th element of its data row: two letters, the chosen then the rejected
 * answer's, d desirable, u undesirable. Left out at the default 'du' (what a pair means without labels),
 * so links written before labels existed keep their meaning.
 */
const LABEL_CODE = { d: 'desirable', u: 'undesirable' } as const;
const labelsToCode = (p: PreferencePair): string | null => {
  const l = answerLabels(p);
  const code = `${l.chosen[0]}${l.rejected[0]}`;
  return code === 'du' ? null : code;
};

const E = ExperimentSchema.shape;
const runIndex = z.number().int().min(0).max(LIMITS.runs.max - 1);

/** Every field of the link. */
export const FIELDS: Field<unknown>[] = [
  field({ key: 'm', name: 'model', schema: E.model.unwrap(), get: (s) => s.experiment.model, set: (s, v) => void (s.experiment.model = v) }),
  field({ key: 'sd', name: 'seed', schema: E.seed.unwrap(), get: (s) => s.experiment.seed, set: (s, v) => void (s.experiment.seed = v) }),
  field({ key: 'st', name: 'steps', schema: E.steps.unwrap(), get: (s) => s.experiment.steps, set: (s, v) => void (s.experiment.steps = v) }),
  field({ key: 'sc', name: 'scoring', schema: E.scoring.unwrap(), get: (s) => s.experiment.scoring, set: (s, v) => void (s.experiment.scoring = v) }),
  // Added after version 1 shipped: links without it keep their meaning (the lab's own initialisation).
  field({ key: 'nx', name: 'replay the notebook exactly', schema: z.boolean(), get: (s) => s.experiment.notebookExact, set: (s, v) => void (s.experiment.notebookExact = v) }),
  field({ key: 'g', name: 'granularity', schema: E.granularity.unwrap(), get: (s) => s.experiment.granularity, set: (s, v) => void (s.experiment.granularity = v) }),
  field({
    key: 'd', name: 'data',
    schema: z.array(z.tuple([z.unknown(), z.unknown(), z.unknown()]).rest(z.unknown())).min(LIMITS.pairs.min).max(LIMITS.pairs.max).transform((rows, ctx) => {
      const out: PreferencePair[] = [];
      for (const [prompt, chosen, rejected, ...labels] of rows) {
        const p = PairSchema.safeParse({ prompt, chosen, rejected });
        const code = labels.length === 0 ? 'du' : labels.length === 1 && typeof labels[0] === 'string' && /^[du]{2}$/.test(labels[0]) ? labels[0] : null;
        if (!p.success || code === null) {
          ctx.addIssue({ code: 'custom', message: 'a pair is not three lists of token ids (and KTO\'s labels, two of d and u)' });
          return z.NEVER;
        }
        out.push(withLabels(p.data, LABEL_CODE[code[0] as 'd' | 'u'], LABEL_CODE[code[1] as 'd' | 'u']));
      }
      return out;
    }),
    get: (s) => s.experiment.data.map((p) => { const code = labelsToCode(p); return [p.prompt, p.chosen, p.rejected, ...(code ? [code] : [])]; }) as never,
    set: (s, v) => void (s.experiment.data = v as Experiment['data']),
  }),
  field({
    key: 'r', name: 'runs', schema: LinkRunsSchema,
    get: (s) => s.experiment.runs.map(runToLink) as never,
    set: (s, v) => void (s.experiment.runs = v.runs.map((x) => x.run)),
    repaired: (v) => [
      ...v.runs.flatMap((x) => x.repaired.map((n) => `run ${x.index + 1}: ${n}`)),
      ...v.dropped.map((d) => `run ${d.index + 1} in the link is not valid (${d.problems}); it is left out`),
    ],
  }),
  field({ key: 'p', name: 'preset', schema: z.string().max(40).refine((id) => id === '' || findPreset(id) !== undefined, 'not a preset'), get: (s) => s.presetId ?? '', set: (s, v) => void (s.presetId = v || null) }),
  // Added after version 1 shipped: a link without it reads as made from the default preset, as before (its guidance).
  field({ key: 'bp', name: 'modified from preset', schema: z.string().max(40).refine((id) => id === '' || findPreset(id) !== undefined, 'not a preset'), get: (s) => s.basePresetId ?? '', set: (s, v) => void (s.basePresetId = v || null) }),
  field({ key: 'be', name: 'backend', schema: z.enum(['auto', ...BACKEND_NAMES]), get: (s) => s.backend, set: (s, v) => void (s.backend = v as BackendChoice) }),
  field({ key: 'th', name: 'theme', schema: z.enum(['light', 'dark', 'system']), get: (s) => s.view.theme, set: (s, v) => void (s.view.theme = v) }),
  field({ key: 'll', name: 'loss log scale', schema: z.boolean(), get: (s) => s.view.lossLog, set: (s, v) => void (s.view.lossLog = v) }),
  field({
    key: 'rm', name: 'rewards chart metric',
    schema: z.enum(REWARD_METRICS),
    get: (s) => s.view.rewardMetric, set: (s, v) => void (s.view.rewardMetric = v),
  }),
  field({ key: 'fr', name: 'inspected run', schema: runIndex, get: (s) => s.view.hRun, set: (s, v) => void (s.view.hRun = v) }),
  field({ key: 'sb', name: 'squeeze context', schema: z.enum(['chosen', 'rejected']), get: (s) => s.view.squeezeBranch, set: (s, v) => void (s.view.squeezeBranch = v) }),
  field({ key: 'sp', name: 'squeeze pair', schema: z.number().int().min(0).max(LIMITS.pairs.max - 1), get: (s) => s.view.squeezePair, set: (s, v) => void (s.view.squeezePair = v) }),
  field({ key: 'tm', name: 'token display', schema: z.enum(['ids', 'words', 'chars']), get: (s) => s.view.textMode, set: (s, v) => void (s.view.textMode = v) }),
  // Left out when each family's runs are numbered in order (what a link without it means).
  field({
    key: 'cs', name: 'run colours', schema: z.array(runIndex).max(LIMITS.runs.max),
    get: (s) => (slotsInOrder(s.experiment.runs, s.view.shades) ? [] : s.view.shades), set: (s, v) => void (s.view.shades = v),
  }),
  field({ key: 'hd', name: 'hidden runs', schema: z.array(runIndex).max(LIMITS.runs.max), get: (s) => s.view.hidden.flatMap((h, i) => (h ? [i] : [])), set: (s, v) => void (s.view.hidden = Array.from({ length: LIMITS.runs.max }, (_, i) => v.includes(i))) }),
];

/** Readable flags outside the compressed payload, for people writing embed snippets by hand. */
const FLAGS: Field<unknown>[] = [
  field({ key: 'embed', name: 'embed', schema: z.enum(['0', '1']).transform((v) => v === '1'), get: (s) => (s.embed.on ? '1' : '0') as never, set: (s, v) => void (s.embed.on = v as boolean) }),
  field({ key: 'autoplay', name: 'autoplay', schema: z.enum(['0', '1']).transform((v) => v === '1'), get: (s) => (s.embed.autoplay ? '1' : '0') as never, set: (s, v) => void (s.embed.autoplay = v as boolean) }),
  field({ key: 'controls', name: 'controls', schema: z.enum(['0', '1']).transform((v) => v === '1'), get: (s) => (s.embed.controls ? '1' : '0') as never, set: (s, v) => void (s.embed.controls = v as boolean) }),
  field({
    key: 'charts', name: 'charts',
    schema: z.string().max(200).transform((v, ctx) => {
      const ids = v.split(',').filter(Boolean);
      if (ids.length === 0 || ids.some((id) => !CHART_IDS.includes(id as ChartId))) {
        ctx.addIssue({ code: 'custom', message: `charts are ${CHART_IDS.join(', ')}` });
        return z.NEVER;
      }
      return ids as ChartId[];
    }),
    get: (s) => s.embed.charts.join(',') as never,
    set: (s, v) => void (s.embed.charts = v as ChartId[]),
  }),
  field({
    key: 'origin', name: 'parent origin',
    // Parsed with URL (origin.ts): scheme://host[:port] only. A refused origin leaves the embed talking to no page (embed/api.ts).
    schema: z.string().max(200).transform((o, ctx) => parseOrigin(o) ?? (ctx.addIssue({ code: 'custom', message: 'not an origin like https://blog.example: http or https, a host, an optional port, nothing else' }), z.NEVER)),
    get: (s) => (s.embed.parentOrigin ?? '') as never, set: (s, v) => void (s.embed.parentOrigin = (v as string) || null) }),
  // The UI's language (lang=zh or lang=en); without it, the reader's browser decides. The command line ignores it.
  field({
    key: 'lang', name: 'language',
    schema: z.string().max(20).transform((v, ctx) => parseLanguage(v) ?? (ctx.addIssue({ code: 'custom', message: 'not a language of this lab: en or zh' }), z.NEVER)),
    get: (s) => (s.view.lang ?? '') as never, set: (s, v) => void (s.view.lang = v as LinkState['view']['lang']) }),
];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The hash part of a link (without '#') for a state. */
export function encodeLink(state: LinkState): string {
  const defaults = defaultLinkState();
  const payload: Record<string, unknown> = {};
  for (const f of FIELDS) if (!same(f.get(state), f.get(defaults))) payload[f.key] = f.get(state);
  const params = new URLSearchParams({ v: String(LINK_VERSION) });
  if (Object.keys(payload).length > 0) params.set('s', LZString.compressToEncodedURIComponent(JSON.stringify(payload)));
  for (const f of FLAGS) if (!same(f.get(state), f.get(defaults))) params.set(f.key, String(f.get(state)));
  return params.toString();
}

export interface Decoded {
  state: LinkState;
  notices: string[];
}

/** A full URL, a hash, or a bare `v=1&s=...` string. Never throws. */
export function decodeLink(link: string): Decoded {
  const notices: string[] = [];
  try {
    const state = defaultLinkState();
    state.view.shades = []; // numbered in order unless the link says otherwise
    const params = new URLSearchParams(hashOf(String(link)));
    const version = params.get('v');
    if (version !== null && version !== String(LINK_VERSION)) notices.push(`this link is version ${version.slice(0, 8)}; this lab reads version ${LINK_VERSION}, so some settings may be ignored`);
    for (const f of FLAGS) {
      const raw = params.get(f.key);
      if (raw !== null) apply(f, raw, state, notices);
    }
    const known = new Set(['v', 's', ...FLAGS.map((f) => f.key)]);
    const unknown = [...params.keys()].filter((k) => k !== '' && !known.has(k)); // a stray '&' is no setting
    const payload = params.get('s');
    if (payload !== null) {
      const obj = readPayload(payload, notices);
      if (obj) {
        for (const f of FIELDS) if (Object.hasOwn(obj, f.key)) apply(f, obj[f.key], state, notices);
        unknown.push(...Object.keys(obj).filter((k) => !FIELDS.some((f) => f.key === k)));
      }
    }
    if (unknown.length > 0) notices.push(`ignored unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 5).map((k) => `“${k.slice(0, 20)}”`).join(', ')}`);
    return { state: reconcile(state, notices), notices };
  } catch (e) {
    return { state: defaultLinkState(), notices: [...notices, `the link could not be read (${(e as Error).message}); showing the default experiment`] };
  }
}

function hashOf(link: string): string {
  const hash = link.indexOf('#');
  if (hash >= 0) return link.slice(hash + 1);
  const query = link.indexOf('?');
  if (query >= 0) return link.slice(query + 1);
  // A page address with neither (the app opened plainly) carries no settings; anything else is a bare hash.
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(link.trim()) ? '' : link;
}

function readPayload(payload: string, notices: string[]): Record<string, unknown> | null {
  if (payload.length > MAX_PAYLOAD) {
    notices.push(`the link's experiment is too long (${payload.length} characters); showing the default`);
    return null;
  }
  const json = LZString.decompressFromEncodedURIComponent(payload);
  let obj: unknown = null;
  try {
    obj = json ? JSON.parse(json) : null;
  } catch {
    obj = null;
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    notices.push('the link\'s experiment is damaged (was it cut short when copied?); showing the default');
    return null;
  }
  return obj as Record<string, unknown>;
}

function apply(f: Field<unknown>, raw: unknown, state: LinkState, notices: string[]): void {
  const r = f.schema.safeParse(raw);
  if (r.success) {
    f.set(state, r.data);
    notices.push(...(f.repaired?.(r.data) ?? []));
  } else notices.push(`“${f.name}” in the link is not valid (${r.error.issues[0]?.message ?? 'bad value'}); using the default`);
}

/** Checks that need several fields at once; repairs with the default and says so. */
function reconcile(state: LinkState, notices: string[]): LinkState {
  const defaults = defaultLinkState();
  const vocab = MODEL_PRESETS[state.experiment.model].vocabSize;
  const problems = validateData(state.experiment.data, vocab, state.experiment.granularity);
  if (problems.length > 0) {
    notices.push(`the link's data does not fit (${problems[0]}); using the notebook pair`);
    state.experiment.data = defaults.experiment.data;
    if (validateData(state.experiment.data, vocab, state.experiment.granularity).length > 0) state.experiment.granularity = 'sequence';
  }
  const kto = state.experiment.runs.some((r) => LOSS_CATALOG[r.loss].unpaired) ? ktoDataProblem(state.experiment.data) : null;
  if (kto) {
    // KTO's labels fall back to what the pairs say (chosen desirable, rejected undesirable), and say so.
    notices.push(`the link's KTO labels do not fit (${kto}); using each pair's own: chosen desirable, rejected undesirable`);
    state.experiment.data = state.experiment.data.map((p) => withLabels(p, 'desirable', 'undesirable'));
  }
  // A LoRA rank this model's projections cannot hold falls back to the default rank, and only that.
  state.experiment.runs = state.experiment.runs.map((r, i) => {
    const problem = adapterRankProblem(r, MODEL_PRESETS[state.experiment.model], state.experiment.model);
    if (!problem) return r;
    notices.push(`run ${i + 1}: ${problem}; using the default rank ${DEFAULT_ADAPTER.loraRank}`);
    return { ...r, loraRank: DEFAULT_ADAPTER.loraRank };
  });
  const checked = ExperimentSchema.safeParse(state.experiment);
  if (!checked.success) {
    notices.push(`the link's experiment does not hold together (${describeIssues(checked.error)[0]}); showing the default`);
    state.experiment = defaults.experiment;
  } else state.experiment = checked.data;
  const n = state.experiment.runs.length;
  state.view.hidden = state.view.hidden.slice(0, n);
  while (state.view.hidden.length < n) state.view.hidden.push(false);
  if (state.view.hidden.every(Boolean)) state.view.hidden = state.view.hidden.map(() => false);
  state.view.shades = fillSlots(state.experiment.runs, state.view.shades);
  state.view.hRun = Math.min(state.view.hRun, n - 1);
  state.view.squeezePair = Math.min(state.view.squeezePair, state.experiment.data.length - 1);
  if (state.presetId) {
    // A preset id labels only the exact experiment it names (its notebook or its tiny run set).
    const preset = findPreset(state.presetId);
    // The exact replay is a way of running a preset, not another experiment.
    const is = (spec: unknown) => same({ ...ExperimentSchema.parse(spec), notebookExact: state.experiment.notebookExact }, state.experiment);
    if (!preset || !(is(preset.spec) || is(preset.tiny))) state.presetId = null;
    else state.basePresetId = preset.id;
  }
  return state;
}
