/**
 * How many threads WASM runs on, decided like the backend: what the page
 * allows (wasmThreads.threadSupport), then, when it allows more than one,
 * by measuring 1, 2 and every core on the actual experiment and keeping the
 * fastest (once per model size; the page keeps the result for later visits).
 * The benchmark may ask for an exact count instead.
 *
 * Measuring costs time before the first curve, so it is kept short: one
 * thread first (WASM starts there), then each larger count gets at most 1.2x
 * the time the fastest so far needed; a slower one stops after a step.
 */
import type { Experiment } from '../train/experiment';
import { seededWeights } from '../train/session';
import { measureSpeed } from './autoselect';
import { activeLabel, startBackend, wasmPlan } from './backends';
import type { BackendInfo, ThreadPick } from './protocol';
import { threadCandidates, threadSupport, wasmThreads, type ThreadSupport } from './wasmThreads';

const WARMUP = 2;
const TIMED = 3;
const MAX_MS = 6000;

const fmt = (v: number) => (v < 10 ? v.toFixed(1) : String(Math.round(v)));
const threadsWord = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;

export class ThreadChoice {
  private framed = false;
  private nextVisitIsolated = false;
  private support: ThreadSupport | null = null;
  private forced: number | null = null;
  /** The fastest count and the figures, per model size; `earlier`: from an earlier visit. */
  private picks = new Map<string, ThreadPick & { earlier: boolean }>();
  /** The figures behind the count running now. */
  private current: { model: string; pick: ThreadPick & { earlier: boolean } } | null = null;

  /** The page says whether it is an iframe, and what earlier visits measured (before the first backend starts). */
  setContext(framed: boolean, earlier: Record<string, ThreadPick> = {}, nextVisitIsolated = false): void {
    this.framed = framed;
    this.nextVisitIsolated = nextVisitIsolated;
    this.support = null;
    const { max } = this.allowed();
    for (const [model, p] of Object.entries(earlier)) {
      if (Number.isInteger(p?.pick) && p.pick >= 1 && p.pick <= max && p.measured && typeof p.measured === 'object') {
        this.picks.set(model, { pick: p.pick, measured: p.measured, earlier: true });
      }
    }
  }

  private allowed(): ThreadSupport {
    return (this.support ??= threadSupport(this.framed, globalThis, this.nextVisitIsolated));
  }

  /**
   * Before a backend starts: WASM gets `forced` threads (capped at what the
   * page allows), else one (measure() raises it where more measure faster).
   */
  plan(forced: number | undefined): void {
    const { max } = this.allowed();
    this.forced = forced === undefined ? null : Math.max(1, Math.min(Math.floor(forced), max));
    wasmPlan.threads = this.forced ?? 1;
    wasmPlan.failure = null;
    this.current = null;
  }

  /**
   * With WASM active and threads allowed (and no count forced): the fastest
   * count for this experiment's model size, measured now or earlier, runs.
   * True when the backend info is out of date.
   */
  async measure(experiment: Experiment, active: string): Promise<boolean> {
    const { max } = this.allowed();
    if (active !== 'wasm' || this.forced !== null || max < 2 || wasmPlan.failure) return false;
    const model = experiment.model;
    const known = this.picks.get(model);
    if (known) {
      const changed = this.current?.model !== model || wasmThreads() !== known.pick;
      this.current = { model, pick: known };
      if (wasmThreads() !== known.pick) {
        wasmPlan.threads = known.pick;
        await startBackend('wasm');
      }
      return changed;
    }
    const measured: Record<number, number> = {};
    const weights = seededWeights(experiment); // once for every count
    let bestMs = Infinity; // what the fastest count so far needed for TIMED steps
    for (const n of threadCandidates(max)) {
      wasmPlan.threads = n;
      if ((await startBackend('wasm')) !== null || wasmThreads() !== n) break; // threads failed: one it is
      try {
        const sps = await measureSpeed(experiment, undefined, { warmup: WARMUP, timed: TIMED, maxMs: Math.min(MAX_MS, 1.2 * bestMs), weights });
        measured[n] = sps;
        if (sps > 0) bestMs = Math.min(bestMs, (1000 * TIMED) / sps);
      } catch {
        /* a count that fails on this model is not a candidate */
      }
    }
    const ranked = Object.entries(measured).map(([n, v]) => [Number(n), v] as const).filter(([, v]) => Number.isFinite(v) && v > 0).sort((a, b) => b[1] - a[1]);
    const pick = ranked[0]?.[0] ?? 1;
    wasmPlan.threads = pick;
    if (wasmThreads() !== pick) await startBackend('wasm');
    const entry = { pick, measured, earlier: false };
    this.picks.set(model, entry);
    this.current = { model, pick: entry };
    return true;
  }

  /**
   * The runs are split over workers instead (several runs, several cores): WASM keeps one thread in each,
   * and nothing is measured. True when the backend info is out of date.
   */
  async single(): Promise<boolean> {
    const changed = this.current !== null || wasmThreads() !== 1;
    this.current = null;
    wasmPlan.threads = 1;
    if (wasmThreads() !== 1) await startBackend('wasm');
    return changed;
  }

  /**
   * `info` with its threads: the count, what the page allows and why, the
   * measurements; its reason names the count ("WASM, 2 threads") and, for one
   * thread, why. `labelThen`: how the reason named WASM when it was written.
   */
  describe(info: BackendInfo, labelThen: string, shards = 1): BackendInfo {
    if (info.active !== 'wasm') return { ...info, threads: undefined };
    const { max, why } = this.allowed();
    const count = wasmThreads();
    const because = why ?? wasmPlan.failure;
    // Reasons name the active backend first ("WASM: ...", "WASM, as chosen") or last ("...: using WASM").
    const now = activeLabel('wasm');
    let reason = info.reason;
    if (reason.startsWith(labelThen)) reason = now + reason.slice(labelThen.length);
    else if (reason.endsWith(labelThen)) reason = reason.slice(0, reason.length - labelThen.length) + now;
    const pick = this.current?.pick;
    const figures = pick && Object.keys(pick.measured).length > 1
      ? Object.entries(pick.measured).map(([n, v]) => `${threadsWord(Number(n))} ${fmt(v)}`).join(', ') : null;
    if (shards > 1) reason += ` (the runs split over ${shards} workers)`;
    else if (figures) reason += ` (measured${pick!.earlier ? ' on an earlier visit' : ''}: ${figures} steps/s)`;
    else if (count === 1 && because) reason += ` (${because})`;
    else if (this.forced !== null) reason += ` (${threadsWord(count)} as asked)`;
    const measured = pick ? { measured: pick.measured, model: this.current!.model, earlier: pick.earlier } : {};
    return { ...info, reason, threads: { count, max, why: because, ...measured, ...(shards > 1 && { shards }) } };
  }
}
