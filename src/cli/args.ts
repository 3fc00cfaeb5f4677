/** Command-line arguments of `npm run experiment`, parsed and checked. */
import { parseArgs } from 'node:util';
import { CPO_VARIANTS } from '../train/catalog';
import { MODEL_IDS } from '../train/experiment';
import { describeRange, LIMITS } from '../train/limits';
import { PRESETS } from '../train/presets';
import { ADAPTER_TARGETS } from '../model/adapters';
import { POLICY_IDS, RunSchema } from '../train/run';
import { availableCores, NODE_BACKENDS, type NodeBackend } from './node-backend';

const presets = PRESETS.map((p) => `${p.id} (${p.section})`).join(', ');
const runKeys = Object.keys(RunSchema.shape).join(', ');

export const USAGE = `Usage: npm run experiment -- (--preset <id> | --link '<url>' | --config file.json) [options]

  --preset <id>              ${presets}
  --link <url>               a teaching link copied from the app (the whole experiment);
                             links may carry lang=zh or lang=en: the app's language, ignored here
  --config <file.json>       an experiment as JSON (see README); merged over --preset or --link
  --model ${MODEL_IDS.join('|').padEnd(19)}model size (default: the preset's)
  --steps <N>                training steps, ${describeRange(LIMITS.steps)} (default: the preset's)
  --seed <N>                 initialisation seed, ${describeRange(LIMITS.seed)} (default: the preset's)
  --run <i>.<key>=<value>    change one setting of run i (1..${LIMITS.runs.max}); repeatable. Keys: ${runKeys}.
                             beta ${describeRange(LIMITS.beta)}, lr ${describeRange(LIMITS.lr)}, labelSmoothing ${describeRange(LIMITS.labelSmoothing)},
                             dpopLambda ${describeRange(LIMITS.dpopLambda)}, simpoGamma ${describeRange(LIMITS.simpoGamma)},
                             cpoAlpha ${describeRange(LIMITS.cpoAlpha)}, cpoVariant ${CPO_VARIANTS.join('|')}, ktoLambdaD and ktoLambdaU ${describeRange(LIMITS.ktoLambda)},
                             policy ${POLICY_IDS.join('|')}, loraRank ${describeRange(LIMITS.loraRank)} (at most min(in, out) of the model's
                             adapted projections), loraAlpha ${describeRange(LIMITS.loraAlpha)}, loraTargets a comma list of ${ADAPTER_TARGETS.join(',')}
  --notebook-exact           replay the MA-RLHF notebook exactly: PyTorch's initial weights for the seed,
                             its answer-only attention and x_rejected quirk, same-position scoring, token level
  --backend ${NODE_BACKENDS.join('|').padEnd(17)}tfjs backend (default: wasm)
  --threads <N>              cores to use, 1..${availableCores()} (default: all): the runs split over N worker threads,
                             leftover cores (or all, for one run) as WASM's XNNPACK threads
  --policy-weights <file>    initial policy weights (.safetensors, HF Llama names)
  --ref-weights <file>       reference weights (.safetensors)
  --export-init <dir>        write the initial policy.safetensors and reference.safetensors there
  --json <out.json>          write every metric of every step of every run
  --help                     this text`;

export interface CliArgs {
  preset?: string;
  config?: string;
  link?: string;
  model?: string;
  steps?: number;
  seed?: number;
  backend: NodeBackend;
  /** WASM threads (1 for the CPU backend). */
  threads: number;
  policyWeights?: string;
  refWeights?: string;
  exportInit?: string;
  json?: string;
  /** --run edits, in order: run index (0-based) and a one-key patch. */
  runEdits: { run: number; key: string; value: string }[];
  notebookExact: boolean;
  help: boolean;
}

/** "2.beta=0.5" -> run 1 (0-based), key beta, value "0.5". */
function parseRunEdit(text: string): { run: number; key: string; value: string } {
  const m = /^(\d+)\.([A-Za-z]+)=(.*)$/.exec(text);
  if (!m) throw new Error(`--run takes <run>.<key>=<value>, like 2.beta=0.5; got "${text}"`);
  const run = Number(m[1]);
  if (!(run >= 1 && run <= LIMITS.runs.max)) throw new Error(`--run ${text}: runs are numbered 1..${LIMITS.runs.max}`);
  return { run: run - 1, key: m[2]!, value: m[3]! };
}

/** `cores`: what --threads may ask for at most (this machine's, unless a test says otherwise). */
export function parseCliArgs(argv: string[], cores = availableCores()): CliArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      preset: { type: 'string' },
      config: { type: 'string' },
      link: { type: 'string' },
      model: { type: 'string' },
      steps: { type: 'string' },
      seed: { type: 'string' },
      backend: { type: 'string', default: 'wasm' },
      threads: { type: 'string' },
      'policy-weights': { type: 'string' },
      'ref-weights': { type: 'string' },
      'export-init': { type: 'string' },
      json: { type: 'string' },
      run: { type: 'string', multiple: true },
      'notebook-exact': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const int = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a whole number, got "${v.slice(0, 40)}"`);
    const n = Number(v);
    // A seed is what torch.manual_seed takes (below 2^64, compared as bigint: a double cannot tell 2^64 - 1 from 2^64).
    if (name === 'seed') {
      if (BigInt(v) >= 1n << 64n) throw new Error(`--seed must be in 0..2^64 - 1 (what torch.manual_seed takes), got ${v.slice(0, 30)}`);
      return n;
    }
    // 400 digits parse as Infinity: refuse here, with the flag's name, rather than deep in the schema.
    if (!Number.isSafeInteger(n)) throw new Error(`--${name} is too large: ${v.slice(0, 20)}…`);
    return n;
  };
  if (!NODE_BACKENDS.includes(values.backend as NodeBackend)) {
    throw new Error(`--backend must be one of ${NODE_BACKENDS.join(', ')} (in Node), got "${values.backend}"`);
  }
  let threads = values.backend === 'wasm' ? cores : 1;
  if (values.threads !== undefined) {
    const n = /^\d+$/.test(values.threads) ? Number(values.threads) : NaN;
    if (!(n >= 1 && n <= cores)) throw new Error(`--threads must be a whole number in 1..${cores} (the cores this machine has), got "${values.threads.slice(0, 40)}"`);
    if (values.backend !== 'wasm' && n > 1) throw new Error(`--threads applies to the wasm backend; the ${values.backend} backend runs on one thread`);
    threads = n;
  }
  return {
    preset: values.preset,
    config: values.config,
    link: values.link,
    model: values.model,
    steps: int('steps', values.steps),
    seed: int('seed', values.seed),
    backend: values.backend as NodeBackend,
    threads,
    policyWeights: values['policy-weights'],
    refWeights: values['ref-weights'],
    exportInit: values['export-init'],
    json: values.json,
    runEdits: (values.run ?? []).map(parseRunEdit),
    notebookExact: values['notebook-exact'] ?? false,
    help: values.help ?? false,
  };
}
