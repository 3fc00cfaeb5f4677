/**
 * Finding and starting a tfjs backend inside the worker: WebGPU first, then
 * WebGL, WASM, CPU (SPEC 5). A software GPU (SwiftShader, llvmpipe) is
 * available but far slower than WASM for this model, so 'auto' skips it and
 * says so. WASM starts on the threads the runner asks for (wasmThreads.ts).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { registerWasmKernels } from '../model/wasmKernels';
import { startWasm, wasmThreads } from './wasmThreads';
import { BACKEND_LABELS, type BackendChoice, type BackendInfo, type BackendName, type BackendProbe } from './protocol';

// Production mode: no per-op debug checks in the training loop.
tf.enableProdMode();

// Every binary ships in the build (no CDN): Vite emits them as assets; the threaded one
// runs when the page is cross-origin isolated (wasmThreads.ts).
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
});

const SOFTWARE = /swiftshader|llvmpipe|softpipe|software|basic render/i;

interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
}

async function probeWebGpu(): Promise<BackendProbe> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } } | undefined)?.gpu; // no navigator in Node
  if (!gpu) return { name: 'webgpu', available: false, software: false, detail: 'this browser has no WebGPU' };
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return { name: 'webgpu', available: false, software: false, detail: 'no WebGPU adapter' };
    const info = adapter.info ?? {};
    const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
    const fallback = adapter.isFallbackAdapter === true || info.isFallbackAdapter === true || SOFTWARE.test(text);
    return { name: 'webgpu', available: true, software: fallback, detail: fallback ? `software fallback adapter (${text || 'unnamed'})` : text || 'hardware adapter' };
  } catch (e) {
    return { name: 'webgpu', available: false, software: false, detail: `WebGPU adapter request failed: ${(e as Error).message}` };
  }
}

function probeWebGl(): BackendProbe {
  try {
    const canvas = new OffscreenCanvas(1, 1);
    const gl = canvas.getContext('webgl2') as WebGL2RenderingContext | null;
    if (!gl) return { name: 'webgl', available: false, software: false, detail: 'no WebGL 2 context' };
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    const software = SOFTWARE.test(renderer);
    return { name: 'webgl', available: true, software, detail: software ? `software renderer (${renderer})` : renderer };
  } catch (e) {
    return { name: 'webgl', available: false, software: false, detail: `WebGL failed: ${(e as Error).message}` };
  }
}

function probeWasm(): BackendProbe {
  const available = typeof WebAssembly === 'object';
  return { name: 'wasm', available, software: false, detail: available ? 'WebAssembly with SIMD' : 'no WebAssembly' };
}

export async function probeBackends(): Promise<BackendProbe[]> {
  return [await probeWebGpu(), probeWebGl(), probeWasm(), { name: 'cpu', available: true, software: false, detail: 'plain JavaScript' }];
}

/**
 * Frees a GPU backend we are leaving (its device, buffers and compiled
 * programs) by disposing it and registering its factory afresh, so that it
 * can be chosen again later. CPU and WASM cost nothing idle and stay.
 */
function releaseBackend(name: string): void {
  if (name !== 'webgpu' && name !== 'webgl') return;
  const factory = tf.findBackendFactory(name);
  if (!factory) return;
  tf.removeBackend(name);
  tf.registerBackend(name, factory, name === 'webgpu' ? 3 : 2);
}

/** The threads WASM starts on: set by the runner (what the page allows, what measured fastest). */
export const wasmPlan: { threads: number; failure: string | null } = { threads: 1, failure: null };

/** Starts WASM on the planned threads; if a threaded start fails, single-threaded, remembering why. */
async function startWasmBackend(): Promise<void> {
  // Our Slice/Unpack/SplitV replace the stock WASM kernels before WASM runs anything (model/wasmKernels.ts).
  registerWasmKernels();
  try {
    await startWasm(wasmPlan.threads);
  } catch (e) {
    if (wasmPlan.threads === 1) throw e;
    wasmPlan.failure = `threads did not start (${(e as Error).message})`;
    wasmPlan.threads = 1;
    await startWasm(1);
  }
}

/** Starts a backend; null when it runs, or why it did not. */
export async function startBackend(name: BackendName): Promise<string | null> {
  try {
    const previous = tf.getBackend();
    if (name === 'wasm') await startWasmBackend();
    else if (!(await tf.setBackend(name))) return `${label(name)} did not start`;
    await tf.ready();
    if (previous && previous !== name) releaseBackend(previous);
    return null;
  } catch (e) {
    return `${label(name)} failed to start: ${(e as Error).message}`;
  }
}

export function label(name: BackendName): string {
  return BACKEND_LABELS[name];
}

/** "WASM, 2 threads" once WASM runs; the plain label otherwise. */
export function activeLabel(name: BackendName): string {
  if (name !== 'wasm') return label(name);
  const n = wasmThreads();
  return `${label(name)}, ${n} thread${n === 1 ? '' : 's'}`;
}

/**
 * Starts the chosen backend, or for 'auto' the first hardware-accelerated one
 * in SPEC order, falling back down the list; the reason names what was skipped.
 */
export async function activateBackend(choice: BackendChoice, probes: BackendProbe[]): Promise<BackendInfo> {
  const skipped: string[] = [];
  const order: BackendName[] = choice === 'auto' ? ['webgpu', 'webgl', 'wasm', 'cpu'] : [choice, ...(['wasm', 'cpu'] as const).filter((n) => n !== choice)];
  for (const name of order) {
    const probe = probes.find((p) => p.name === name)!;
    if (!probe.available) {
      skipped.push(`${label(name)}: ${probe.detail}`);
      continue;
    }
    if (choice === 'auto' && probe.software) {
      skipped.push(`${label(name)} ${name === 'webgpu' ? 'adapter' : 'renderer'} is a software fallback`);
      continue;
    }
    const failure = await startBackend(name);
    if (failure) {
      skipped.push(failure);
      continue;
    }
    const active = tf.getBackend() as BackendName;
    let reason: string;
    if (choice !== 'auto' && active === choice) reason = `${activeLabel(active)}, as chosen${probe.software ? ` (${probe.detail}: slow)` : ''}`;
    else if (skipped.length === 0) reason = `${activeLabel(active)}: ${probe.detail}`;
    else reason = `${skipped.join('; ')}: using ${activeLabel(active)}`;
    return { choice, active, reason, probes };
  }
  throw new Error(`no tfjs backend could start (${skipped.join('; ')})`);
}
