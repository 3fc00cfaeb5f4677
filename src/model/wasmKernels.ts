/**
 * Faster Slice, Unpack and SplitV kernels for tfjs-backend-wasm 4.22.
 *
 * The stock kernels start with backend.readSync(x), which copies the WHOLE
 * input out of the WASM heap, to then keep a part of it: unstacking a
 * [G, M, D] activation into G runs copied it G times. These versions copy only
 * the requested ranges, straight from a view on the heap. Same results (tests
 * compare them with the CPU backend on random shapes).
 *
 * tfjs keeps kernels in one global registry, so replacing them is global:
 * nothing here runs on import. Whoever starts the WASM backend (the worker's
 * startBackend, the CLI's useNodeBackend) calls registerWasmKernels() first,
 * in plain sight.
 */
import * as tf from '@tensorflow/tfjs';

type TypedArray = Float32Array | Int32Array | Uint8Array;
interface TensorInfo {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): TypedArray;
}
interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  attrs: Record<string, unknown>;
  backend: WasmBackendLike;
}

/**
 * Copies x[begin : begin + size] (row-major) into dst. Trailing axes taken
 * whole are merged into one contiguous run, so most slices are a handful of
 * subarray copies.
 */
export function copySlice(src: TypedArray, shape: number[], begin: number[], size: number[], dst: TypedArray): void {
  const rank = shape.length;
  if (rank === 0) {
    dst[0] = src[0]!;
    return;
  }
  if (size.some((s) => s === 0)) return;
  const strides = new Array<number>(rank);
  strides[rank - 1] = 1;
  for (let a = rank - 2; a >= 0; a--) strides[a] = strides[a + 1]! * shape[a + 1]!;
  let j = rank - 1;
  while (j > 0 && size[j] === shape[j]) j--;
  const run = size[j]! * strides[j]!; // axes after j are whole
  const index = new Array<number>(j).fill(0); // odometer over the outer axes 0..j-1
  let out = 0;
  for (;;) {
    let offset = begin[j]! * strides[j]!;
    for (let a = 0; a < j; a++) offset += (begin[a]! + index[a]!) * strides[a]!;
    dst.set(src.subarray(offset, offset + run), out);
    out += run;
    let a = j - 1;
    while (a >= 0 && ++index[a]! === size[a]) index[a--] = 0;
    if (a < 0) break;
  }
}

function sliceInto(backend: WasmBackendLike, x: TensorInfo, begin: number[], size: number[], outShape = size): TensorInfo {
  const out = backend.makeOutput(outShape, x.dtype);
  // Views after makeOutput: allocating may grow (and so replace) the heap buffer.
  copySlice(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
  return out;
}

export const REPLACED_WASM_KERNELS = ['Slice', 'Unpack', 'SplitV'] as const;

/** The kernel functions registered by registerWasmKernels, by name (empty until then). */
export const registeredWasmKernels = new Map<string, tf.KernelFunc>();

/**
 * Replaces the wasm backend's Slice, Unpack and SplitV kernels in tfjs's
 * registry (idempotent). String tensors keep the stock kernels.
 */
export function registerWasmKernels(): void {
  if (registeredWasmKernels.size > 0) return;
  const stock = (name: string) => tf.getKernel(name, 'wasm');
  const slice = stock('Slice');
  const unpack = stock('Unpack');
  const splitV = stock('SplitV');
  if (!slice || !unpack || !splitV) throw new Error('the wasm backend is not loaded: import @tensorflow/tfjs-backend-wasm first');
  const replace = (name: (typeof REPLACED_WASM_KERNELS)[number], original: tf.KernelConfig, f: (args: KernelArgs) => TensorInfo | TensorInfo[]) => {
    tf.unregisterKernel(name, 'wasm');
    const kernelFunc = ((args: KernelArgs) => (Object.values(args.inputs)[0]!.dtype === 'string' ? original.kernelFunc(args as never) : f(args))) as unknown as tf.KernelFunc;
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc });
    registeredWasmKernels.set(name, kernelFunc);
  };
  replace('Slice', slice, ({ inputs: { x }, attrs, backend }) => {
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.TensorInfo, attrs.begin as number[], attrs.size as number[]);
    return sliceInto(backend, x!, begin, size);
  });
  replace('Unpack', unpack, ({ inputs: { value }, attrs, backend }) => {
    const shape = value!.shape;
    const axis = ((attrs.axis as number) + shape.length) % shape.length;
    const size = shape.map((d, a) => (a === axis ? 1 : d));
    const outShape = shape.filter((_, a) => a !== axis);
    return Array.from({ length: shape[axis]! }, (_, i) => sliceInto(backend, value!, shape.map((_, a) => (a === axis ? i : 0)), size, outShape));
  });
  replace('SplitV', splitV, ({ inputs: { x }, attrs, backend }) => {
    const axis = tf.util.parseAxisParam(attrs.axis as number, x!.shape)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, attrs.numOrSizeSplits as number | number[], axis);
    let start = 0;
    return sizes.map((n) => {
      const begin = x!.shape.map((_, k) => (k === axis ? start : 0));
      start += n;
      return sliceInto(backend, x!, begin, x!.shape.map((d, k) => (k === axis ? n : d)));
    });
  });
}
