/**
 * `npm run experiment`: runs a comparison headlessly and reports it.
 * Prints a table of each run's final metrics; --json writes every metric of
 * every step of every run; --export-init writes the initial weights.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { importSafetensors, exportSafetensors, MAX_WEIGHTS_BYTES } from '../model/weights';
import { parseExperiment, comparisonConfig, type Experiment, type ExperimentSpec } from '../train/experiment';
import { decodeLink } from '../state/link';
import { comparisonNeeds } from '../train/catalog';
import { findPreset, PRESETS } from '../train/presets';
import { applyRunPatch, RunSchema } from '../train/run';
import { createComparison, seededWeights, trainFor, type InitialWeights } from '../train/session';
import { parseCliArgs, USAGE, type CliArgs } from './args';
import type { RunLog } from '../train/metrics';
import { useNodeBackend } from './node-backend';
import { planShards, trainSharded, type TrainHere } from './shards';
import { checkOutputDir, checkOutputFile, MAX_CONFIG_BYTES, readCapped } from './io';
import { err, one, out, progress } from './print';
import { finalTable, resultsJson } from './report';

async function readJson(file: string): Promise<unknown> {
  const bytes = await readCapped(file, MAX_CONFIG_BYTES, '--config');
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new Error(`--config ${file}: ${(e as Error).message}`);
  }
}

/** Preset or link, then config file, then single flags, each overriding the last. */
export async function resolveExperiment(args: CliArgs, warn: (msg: string) => void = () => {}): Promise<Experiment> {
  let spec: Partial<ExperimentSpec> = {};
  if (args.preset !== undefined && args.link !== undefined) throw new Error('give --preset or --link, not both');
  if (args.link !== undefined) {
    const { state, notices } = decodeLink(args.link);
    for (const n of notices) warn(`link: ${n}`);
    spec = state.experiment;
  }
  if (args.preset !== undefined) {
    const preset = findPreset(args.preset);
    if (!preset) throw new Error(`unknown preset "${args.preset}"; choose one of ${PRESETS.map((p) => `${p.id} (${p.section})`).join(', ')}`);
    spec = structuredClone(preset.spec);
  }
  if (args.config !== undefined) {
    const fromFile = await readJson(args.config);
    if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) throw new Error(`--config ${args.config}: expected a JSON object`);
    spec = { ...spec, ...(fromFile as Partial<ExperimentSpec>) };
  }
  if (args.preset === undefined && args.config === undefined && args.link === undefined) throw new Error('give --preset, --link or --config');
  if (args.model !== undefined) spec.model = args.model as ExperimentSpec['model'];
  if (args.steps !== undefined) spec.steps = args.steps;
  if (args.seed !== undefined) spec.seed = args.seed;
  if (args.notebookExact) Object.assign(spec, { notebookExact: true, scoring: 'same-position', granularity: 'token' });
  const e = parseExperiment(spec);
  for (const { run, key, value } of args.runEdits) {
    const current = e.runs[run];
    if (!current) throw new Error(`--run ${run + 1}.${key}: the experiment has ${e.runs.length} run${e.runs.length > 1 ? 's' : ''}`);
    // Numbers stay numbers; a list setting (loraTargets) is split at commas; anything else (a loss id, a label) is a string.
    const list = Object.hasOwn(RunSchema.shape, key) && Array.isArray(RunSchema.shape[key as keyof typeof RunSchema.shape].safeParse(undefined).data);
    const parsed = list ? value.split(',').map((v) => v.trim()) : value.trim() !== '' && Number.isFinite(Number(value)) && key !== 'label' ? Number(value) : value;
    const next = applyRunPatch(current, { [key]: parsed }, `--run ${run + 1}: `);
    if (next.run === null) throw new Error(next.problems.join('; '));
    e.runs[run] = next.run;
  }
  // What needs the whole experiment (KTO's labels, a LoRA rank against this model's projections), checked again after the edits.
  return args.runEdits.length > 0 ? parseExperiment(e) : e;
}

async function loadWeights(args: CliArgs, e: Experiment): Promise<InitialWeights> {
  const seeded = seededWeights(e);
  const model = comparisonConfig(e).model;
  const read = async (flag: string, file: string) => {
    // Capped at the largest model's size: /dev/zero used to be read for 5 GB.
    const bytes = await readCapped(file, MAX_WEIGHTS_BYTES, flag);
    try {
      return importSafetensors(bytes, model);
    } catch (err) {
      throw new Error(`${file}: ${(err as Error).message}`);
    }
  };
  return {
    policy: args.policyWeights ? await read('--policy-weights', args.policyWeights) : seeded.policy,
    reference: args.refWeights ? await read('--ref-weights', args.refWeights) : seeded.reference,
  };
}

/** Every output path, checked before anything is computed: a bad one used to show only after training. */
function checkOutputs(args: CliArgs): void {
  if (args.json) checkOutputFile(args.json, '--json');
  if (args.exportInit) checkOutputDir(args.exportInit, '--export-init');
}

async function main(argv: string[]): Promise<number> {
  const args = parseCliArgs(argv);
  if (args.help) {
    out(USAGE);
    return 0;
  }
  checkOutputs(args);
  const warn = (msg: string) => err(`warning: ${one(msg)}`);
  let e = await resolveExperiment(args, warn);
  if (e.notebookExact && (args.policyWeights || args.refWeights)) {
    // The notebook's weights come from its seed; a weights file replaces them, so this is no exact replay any more.
    warn('imported weights replace the notebook\'s initial weights: replaying the notebook exactly is off (its attention and x_rejected quirk too)');
    e = { ...e, notebookExact: false };
  }
  const weights = await loadWeights(args, e);
  if (args.exportInit) {
    mkdirSync(args.exportInit, { recursive: true });
    writeFileSync(path.join(args.exportInit, 'policy.safetensors'), exportSafetensors(weights.policy, 'policy'));
    writeFileSync(path.join(args.exportInit, 'reference.safetensors'), exportSafetensors(weights.reference, 'reference'));
  }
  const t0 = performance.now();
  let lastReport = 0;
  const onRead = (done: number) => {
    if (process.stderr.isTTY && performance.now() - lastReport > 1000) {
      lastReport = performance.now();
      progress(`step ${done}/${e.steps}`);
    }
  };
  const trainHere: TrainHere = async (sub, n, onStep, needs) => {
    const { threads } = await useNodeBackend(args.backend, n);
    const cmp = createComparison(sub, weights, undefined, needs);
    await trainFor(cmp, sub.steps, { readEvery: 10, onRead: onStep });
    const done = { logs: cmp.logs, step: cmp.step, threads };
    cmp.dispose();
    return done;
  };
  // Every core: the runs split into shards (shards.ts); one trains here, the others in worker threads.
  const plan = args.backend === 'wasm' ? planShards(e.runs.length, args.threads) : { runs: [e.runs.map((_, i) => i)], threads: [1] };
  let trained: { logs: RunLog[]; step: number; threads: number[] };
  if (plan.runs.length > 1) trained = await trainSharded(e, weights, args.backend, plan, trainHere, onRead);
  else {
    const here = await trainHere(e, plan.threads[0]!, onRead, comparisonNeeds(e.runs));
    trained = { ...here, threads: [here.threads] };
  }
  const seconds = (performance.now() - t0) / 1000;
  if (process.stderr.isTTY) progress('');
  const total = trained.threads.reduce((a, b) => a + b, 0);
  const how = args.backend !== 'wasm' ? '' : ` (${total} thread${total > 1 ? 's' : ''}${trained.threads.length > 1 ? `: the runs split over ${trained.threads.length} of them` : ''})`;
  out(`${e.runs.length} runs x ${trained.step} steps, ${e.model} model, ${args.backend} backend${how}, ${seconds.toFixed(1)} s (${(trained.step / seconds).toFixed(1)} steps/s)`);
  out(finalTable(e, trained.logs));
  if (args.json) {
    writeFileSync(args.json, JSON.stringify(resultsJson(e, trained.logs, args.backend)));
    out(`wrote ${one(args.json)}`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    err(`error: ${one(message)}`);
    if (/Usage|--/.test(message) || (e instanceof Error && e.name === 'TypeError')) err(`\n${USAGE}`);
    process.exit(2);
  },
);
