/**
 * The page's side of the worker: starts it and passes typed messages.
 * Imports no tfjs (the worker bundle carries it).
 */
import type { FromWorker, ThreadPick, ToWorker } from './protocol';

export interface EnginePort {
  send(msg: ToWorker, transfer?: Transferable[]): void;
  /** A fresh worker: everything the old one held (a GPU device, its buffers) goes with it. */
  restart(): void;
  dispose(): void;
}

/** Thread counts measured fastest on earlier visits, per model size: kept a week, for this many cores. */
const PICKS_KEY = 'dpo-ipo-lab-wasm-threads';
const PICKS_DAYS = 7;

interface StoredPicks {
  cores: number;
  at: number;
  picks: Record<string, ThreadPick>;
}

function readPicks(): Record<string, ThreadPick> {
  try {
    const stored = JSON.parse(localStorage.getItem(PICKS_KEY) ?? 'null') as StoredPicks | null;
    if (!stored || stored.cores !== navigator.hardwareConcurrency || !(Date.now() - stored.at < PICKS_DAYS * 864e5)) return {};
    return stored.picks && typeof stored.picks === 'object' ? stored.picks : {};
  } catch {
    return {}; // storage off, or not ours: measure again
  }
}

/** Keeps a thread measurement the worker just made, for the next visit. */
function keepPick(msg: FromWorker): void {
  if (msg.type !== 'backend') return;
  const t = msg.info.threads;
  if (!t?.measured || !t.model || t.earlier) return;
  try {
    const picks = { ...readPicks(), [t.model]: { pick: t.count, measured: t.measured } };
    localStorage.setItem(PICKS_KEY, JSON.stringify({ cores: navigator.hardwareConcurrency, at: Date.now(), picks } satisfies StoredPicks));
  } catch {
    /* storage off: the next visit measures again */
  }
}

function isFramed(): boolean {
  try {
    return window.self !== window.top;
  } catch {
    return true; // a cross-origin parent may refuse even the comparison
  }
}

/** `nextVisitIsolated`: this page is not cross-origin isolated, but its service worker isolates the next visit. */
export function startWorkerEngine(onEvent: (msg: FromWorker) => void, { nextVisitIsolated = false } = {}): EnginePort {
  const start = () => {
    const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'dpo-ipo-trainer' });
    w.onmessage = (e: MessageEvent<FromWorker>) => {
      keepPick(e.data);
      onEvent(e.data);
    };
    w.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      onEvent({ type: 'error', message: `the training worker failed: ${e.message || 'unknown error'}`, context: 'worker' });
    };
    // The worker cannot tell whether its page is an iframe (whether it may use threads depends on it),
    // whether a later visit will be isolated, nor what earlier visits measured.
    w.postMessage({ type: 'context', framed: isFramed(), nextVisitIsolated, threadPicks: readPicks(), cores: navigator.hardwareConcurrency } satisfies ToWorker);
    return w;
  };
  let worker = start();
  return {
    send: (msg, transfer) => worker.postMessage(msg, transfer ?? []),
    restart: () => {
      worker.terminate();
      worker = start();
    },
    dispose: () => worker.terminate(),
  };
}
