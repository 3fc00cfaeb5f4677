/** Command-line arguments of `npm run experiment`, parsed and checked. */
import { parseArgs } from 'node:util';
import { NODE_BACKENDS, type NodeBackend } from './node-backend';

export const USAGE = `Usage: npm run experiment -- (--preset <id> | --link '<url>' | --config file.json) [options]

  --preset <id>              dpo-overfits (6.2), beta-sweep (6.3.1), lr-sweep (6.3.2)
  --link <url>               a teaching link copied from the app (the whole experiment)
  --config <file.json>       an experiment as JSON (see README); merged over --preset or --link
  --model tiny|notebook      model size (default: the preset's)
  --steps <N>                training steps (default: the preset's)
  --seed <N>                 initialisation seed (default: the preset's)
  --backend cpu|wasm         tfjs backend (default: wasm)
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
  policyWeights?: string;
  refWeights?: string;
  exportInit?: string;
  json?: string;
  help: boolean;
}

export function parseCliArgs(argv: string[]): CliArgs {
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
      'policy-weights': { type: 'string' },
      'ref-weights': { type: 'string' },
      'export-init': { type: 'string' },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const int = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new Error(`--${name} must be a whole number, got "${v.slice(0, 40)}"`);
    // 400 digits parse as Infinity: refuse here, with the flag's name, rather than deep in the schema.
    if (!Number.isSafeInteger(Number(v))) throw new Error(`--${name} is too large: ${v.slice(0, 20)}…`);
    return Number(v);
  };
  if (!NODE_BACKENDS.includes(values.backend as NodeBackend)) {
    throw new Error(`--backend must be one of ${NODE_BACKENDS.join(', ')} (in Node), got "${values.backend}"`);
  }
  return {
    preset: values.preset,
    config: values.config,
    link: values.link,
    model: values.model,
    steps: int('steps', values.steps),
    seed: int('seed', values.seed),
    backend: values.backend as NodeBackend,
    policyWeights: values['policy-weights'],
    refWeights: values['ref-weights'],
    exportInit: values['export-init'],
    json: values.json,
    help: values.help ?? false,
  };
}
