/**
 * tfjs-backend-wasm on threads, in the training worker.
 *
 * Threads need SharedArrayBuffer, which a browser gives only to a page that
 * is cross-origin isolated (COOP + COEP: the app's service worker adds them,
 * see public/sw.js). An iframe is isolated only when the page hosting it is,
 * so an embed in a blog usually runs single-threaded, and says why.
 *
 * Three defaults of tfjs-backend-wasm 4.22 stand in the way; each is handled
 * here, and nothing in the package's files is changed:
 * - Its pthread workers load the module from a Blob made of
 *   `factory.toString()`. Once a bundler has minified the factory, that text
 *   refers to names that exist only in the bundle (tfjs#4107: "t is not
 *   defined"). The factory's toString is made to answer a script that loads
 *   the package's own unminified threaded-simd.js, shipped as an asset.
 * - XNNPACK caps its pool at half of navigator.hardwareConcurrency (it
 *   assumes two hyper-threads per core): a 2-core machine got 1 thread
 *   whatever setThreadsCount said. While the module starts, the worker reports
 *   2 x N cores, so the cap is N and the pool has exactly N threads.
 * - The thread count is fixed when the module starts: another count means a
 *   fresh module (the old one, its workers and its memory are let go).
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import threadedFactory from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js';
import threadedScript from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?url';

/** tfjs-backend-wasm's pool of pthread workers (PTHREAD_POOL_SIZE): more threads than this gain nothing. */
export const MAX_WASM_THREADS = 8;

export interface ThreadSupport {
  /** The most threads this page may run WASM on (1: single-threaded). */
  max: number;
  /** Why only one, for people; null when threads are available. */
  why: string | null;
}

/** A tiny module with a shared memory and an atomic: what threaded WASM needs (wasm-feature-detect's probe). */
const THREADS_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 11, 1, 9, 0, 65, 0, 254, 16, 2, 0, 26, 11]);

/**
 * How many threads WASM may use here. `framed`: the page runs in an iframe
 * (an embed), which is isolated only if its host page is. `nextVisitIsolated`:
 * a first visit, which the service worker isolates from the next visit on.
 */
export function threadSupport(
  framed: boolean, scope: { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } } = globalThis, nextVisitIsolated = false,
): ThreadSupport {
  const cores = Math.max(1, Math.floor(scope.navigator?.hardwareConcurrency ?? 1));
  if (!scope.crossOriginIsolated) {
    return {
      max: 1,
      why: framed
        ? 'the page embedding this lab is not cross-origin isolated, and an iframe can use threads only when its host page is'
        : nextVisitIsolated
          ? 'a first visit is not cross-origin isolated: the service worker isolates the next one'
          : 'the page is not cross-origin isolated, so it has no SharedArrayBuffer',
    };
  }
  if (typeof SharedArrayBuffer !== 'function') return { max: 1, why: 'this browser has no SharedArrayBuffer' };
  try {
    if (!WebAssembly.validate(THREADS_PROBE)) return { max: 1, why: 'this browser\'s WebAssembly has no threads' };
  } catch {
    return { max: 1, why: 'this browser\'s WebAssembly has no threads' };
  }
  if (cores < 2) return { max: 1, why: 'this machine reports one core' };
  return { max: Math.min(cores, MAX_WASM_THREADS), why: null };
}

/** Thread counts worth measuring: 1, 2 and every core, as far as `max` allows. */
export function threadCandidates(max: number): number[] {
  return [...new Set([1, 2, max])].filter((n) => n >= 1 && n <= max).sort((a, b) => a - b);
}

let sourcePatched = false;

/** Makes the pthread workers load the unminified module script instead of the bundle's minified factory text. */
function patchFactorySource(): void {
  if (sourcePatched) return;
  sourcePatched = true;
  // The pthread worker runs a blob: script, where a relative URL means nothing: make it absolute.
  const url = new URL(threadedScript, self.location.href).href;
  const source = `(() => { importScripts(${JSON.stringify(url)}); return WasmBackendModuleThreadedSimd; })()`;
  Object.defineProperty(threadedFactory, 'toString', { configurable: true, value: () => source });
}

/**
 * Makes navigator.hardwareConcurrency read `cores` (XNNPACK sizes its pool from half of it) until the
 * returned function puts the browser's value back.
 */
function reportCores(cores: number): () => void {
  const nav = globalThis.navigator as object | undefined;
  if (!nav) return () => {};
  Object.defineProperty(nav, 'hardwareConcurrency', { configurable: true, get: () => cores });
  return () => delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency; // the prototype's getter again
}

/** Threads of the WASM module that runs now (null: not started by us yet). */
let running: number | null = null;

/** The threads the running WASM backend uses (1 when it has not started). */
export function wasmThreads(): number {
  return running ?? 1;
}

/** A threaded module whose workers never load would keep tfjs waiting forever: give up after this long. */
const START_TIMEOUT_MS = 20_000;

/** Lets go of the WASM module (its tensors, its pthread workers), keeping the backend registered for a fresh start. */
function dropWasm(): void {
  const factory = tf.findBackendFactory('wasm');
  if (factory) {
    tf.removeBackend('wasm');
    tf.registerBackend('wasm', factory, 2);
  }
  running = null;
}

/**
 * Starts the WASM backend on `threads` threads (1: the single-threaded SIMD
 * build) and makes it the active backend; a module running on another count
 * is replaced. Resolves with the threads XNNPACK really has; throws when it
 * does not start.
 */
export async function startWasm(threads: number): Promise<number> {
  if (running !== null && running !== threads) dropWasm();
  if (running === null) {
    if (threads > 1) patchFactorySource();
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1);
    setThreadsCount(threads);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), START_TIMEOUT_MS)));
  const restore = reportCores(2 * threads);
  const started = (async () => (await tf.setBackend('wasm')) && (await tf.ready(), true))();
  const outcome = await Promise.race([started, timeout]).finally(() => {
    clearTimeout(timer);
    restore();
  });
  if (outcome !== true) {
    dropWasm();
    throw new Error(outcome === 'timeout' ? `WASM on ${threads} threads did not start in ${START_TIMEOUT_MS / 1000} s` : 'WASM did not start');
  }
  running = getThreadsCount();
  return running;
}
