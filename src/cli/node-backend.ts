/**
 * tfjs backends for Node (the command line and benchmarks): the pure-JS CPU
 * backend, or WASM loaded from the installed package (no network), on as
 * many threads as asked (Node has SharedArrayBuffer and worker threads).
 *
 * tfjs-backend-wasm 4.22 turns threads off in Node (tfjs#3830), and three of
 * its defaults stand in the way when they are turned on; each is handled here,
 * in plain sight, and nothing is patched in the package's files:
 * - its pthread workers are started from a blob: URL, which Node's Worker does
 *   not take: `Worker` is answered with a worker_threads.Worker that runs the
 *   package's own worker script (eval) and, when that script asks for the
 *   module's code (a Blob made from the factory's source), reads the
 *   package's unbundled threaded-simd.js instead;
 * - XNNPACK's pool is capped at half the logical cores (it assumes two
 *   hyper-threads per core), so a 2-core machine got 1 thread whatever
 *   setThreadsCount said: while the module starts, it is told 2 x N cores, so
 *   the cap is N and the pool has exactly the N threads asked for;
 * - the WASM_HAS_MULTITHREAD_SUPPORT flag is false in Node: it is set.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker as NodeWorker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from '../model/wasmKernels';

export const NODE_BACKENDS = ['cpu', 'wasm'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];

/** The cores this process may use (what --threads may ask for at most). */
export function availableCores(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

const require = createRequire(import.meta.url);
const wasmDist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));

let pthreadsInstalled = false;

/** Makes emscripten's `new Worker(blobUrl)` start a Node worker thread running tfjs's pthread script. */
function installPthreadWorkers(): void {
  if (pthreadsInstalled) return;
  pthreadsInstalled = true;
  const moduleScript = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as { wasmWorkerContents: string };
  // tfjs escapes the script's newlines the same way before making its blob. The lines after it run before
  // the first message: the module's code, sent as a Blob, is read from the package's file instead.
  const code = `${wasmWorkerContents.replace(/\n/g, '\\n')};
URL.createObjectURL = () => ${JSON.stringify(moduleScript)};
URL.revokeObjectURL = () => {};`;
  class PthreadWorker extends NodeWorker {
    constructor() {
      super(code, { eval: true });
    }
  }
  // The module assigns global.Worker = worker_threads.Worker as it starts: that assignment is ignored.
  Object.defineProperty(globalThis, 'Worker', { configurable: true, get: () => PthreadWorker, set: () => {} });
}

/** Runs `start` while os.cpus() reports `cores` entries (XNNPACK sizes its pool from half of them). */
async function withReportedCores<T>(cores: number, start: () => Promise<T>): Promise<T> {
  const real = os.cpus;
  const one = real()[0]!;
  os.cpus = () => Array.from({ length: cores }, () => one);
  try {
    return await start();
  } finally {
    os.cpus = real;
  }
}

/**
 * Starts `name`; for WASM, on `threads` threads (1: the single-threaded SIMD
 * build). Resolves with the threads XNNPACK really runs on.
 */
export async function useNodeBackend(name: NodeBackend, threads = 1): Promise<{ threads: number }> {
  // Production mode: no per-op debug checks, and no hint to install tfjs-node (not what the lab measures).
  tf.enableProdMode();
  if (name === 'cpu') {
    if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend could not start');
    await tf.ready();
    return { threads: 1 };
  }
  setWasmPaths(wasmDist + path.sep);
  registerWasmKernels();
  if (threads > 1) installPthreadWorkers();
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1);
  setThreadsCount(threads);
  const started = await withReportedCores(2 * threads, async () => (await tf.setBackend('wasm')) && (await tf.ready(), true));
  if (!started) throw new Error('the wasm backend could not start');
  return { threads: getThreadsCount() };
}
