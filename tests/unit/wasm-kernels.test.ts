// The faster WASM Slice/Unpack/SplitV kernels give exactly what the CPU backend gives.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { copySlice, registeredWasmKernels, registerWasmKernels, REPLACED_WASM_KERNELS } from '../../src/model/wasmKernels';
import { Rng } from '../../src/model/rng';

beforeAll(async () => {
  setWasmPaths(path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
  registerWasmKernels();
  await tf.ready();
});

/** Runs f on the CPU backend and on WASM, returning both results as nested arrays. */
async function onBoth<T>(f: () => tf.Tensor | tf.Tensor[]): Promise<[T, T]> {
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    const out = tf.tidy(f);
    const v = Array.isArray(out) ? out.map((t) => t.arraySync()) : out.arraySync();
    tf.dispose(out);
    return v as T;
  };
  return [await run('cpu'), await run('wasm')];
}

const rng = new Rng(31);
const randomTensor = (shape: number[]) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.round(rng.normal() * 100) / 10), shape);

describe('faster wasm kernels', () => {
  it('are the ones registered for wasm, once registerWasmKernels ran', () => {
    for (const name of REPLACED_WASM_KERNELS) {
      expect(registeredWasmKernels.get(name), name).toBeTypeOf('function');
      expect(tf.getKernel(name, 'wasm')!.kernelFunc, name).toBe(registeredWasmKernels.get(name));
    }
  });

  it('slice like the CPU backend, contiguous or strided, rank 1 to 5', async () => {
    for (let trial = 0; trial < 60; trial++) {
      const rank = 1 + (trial % 5);
      const shape = Array.from({ length: rank }, () => 1 + Math.floor(rng.uniform() * 5));
      const begin = shape.map((d) => Math.floor(rng.uniform() * d));
      const size = shape.map((d, i) => (rng.uniform() < 0.3 ? -1 : 1 + Math.floor(rng.uniform() * (d - begin[i]!))));
      const data = randomTensor(shape).dataSync().slice();
      const [cpu, wasm] = await onBoth(() => tf.slice(tf.tensor(data, shape), begin, size));
      expect(wasm, JSON.stringify({ shape, begin, size })).toEqual(cpu);
    }
  });

  it('unstack and split like the CPU backend on every axis of random shapes', async () => {
    for (let trial = 0; trial < 24; trial++) {
      const rank = 1 + (trial % 4);
      const shape = Array.from({ length: rank }, () => 1 + Math.floor(rng.uniform() * 5));
      const data = randomTensor(shape).dataSync().slice();
      const axis = Math.floor(rng.uniform() * rank);
      const where = JSON.stringify({ shape, axis });
      const [a, b] = await onBoth(() => tf.unstack(tf.tensor(data, shape), axis));
      expect(b, where).toEqual(a);
      // Random split sizes that add up to the axis length.
      const sizes: number[] = [];
      for (let left = shape[axis]!; left > 0; ) {
        const n = 1 + Math.floor(rng.uniform() * left);
        sizes.push(n);
        left -= n;
      }
      const [c, d] = await onBoth(() => tf.split(tf.tensor(data, shape), sizes, axis));
      expect(d, `${where} sizes ${sizes}`).toEqual(c);
    }
  });

  it('copy only the asked range, merging whole trailing axes', () => {
    const src = Float32Array.from({ length: 24 }, (_, i) => i);
    const dst = new Float32Array(8);
    copySlice(src, [2, 3, 4], [0, 1, 0], [2, 2, 2], dst);
    expect([...dst]).toEqual([4, 5, 8, 9, 16, 17, 20, 21]);
    const whole = new Float32Array(12);
    copySlice(src, [2, 3, 4], [1, 0, 0], [1, 3, 4], whole);
    expect([...whole]).toEqual([...src.slice(12)]);
  });

  it('keep gradients working through slice, unstack and split', async () => {
    const [a, b] = await onBoth(() => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.stack(tf.unstack(tf.slice(x, [0, 1], [2, 2]))), tf.split(x, [1, 1], 0)[1]!.slice([0, 0], [1, 2]))))(tf.tensor2d([[1, 2, 3], [4, 5, 6]])));
    expect(b).toEqual(a);
  });
});
