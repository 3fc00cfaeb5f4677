/**
 * tfjs backends for Node (the command line and benchmarks): the pure-JS CPU
 * backend, or WASM loaded from the installed package (no network).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernels } from '../model/wasmKernels';

export const NODE_BACKENDS = ['cpu', 'wasm'] as const;
export type NodeBackend = (typeof NODE_BACKENDS)[number];

export async function useNodeBackend(name: NodeBackend): Promise<void> {
  // Production mode: no per-op debug checks, and no hint to install tfjs-node (not what the lab measures).
  tf.enableProdMode();
  if (name === 'wasm') {
    const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
    setWasmPaths(path.dirname(entry) + path.sep);
    registerWasmKernels();
  }
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend could not start`);
  await tf.ready();
}
