/**
 * How many threads WASM runs on, decided like the backend: what the page
 * allows (wasmThreads.threadSupport), then, when it allows more than one,
 * by measuring 1, 2 and every core on the actual experiment and keeping the
 * fastest (once per model size per worker). The benchmark may ask for an
 * exact count instead.
 */
import type { Experiment } from '../train/experiment';
import { measureSpeed } from './autoselect';
import { activeLabel, startBackend, wasmPlan } from './backends';
import type { BackendInfo } from './protocol';
import { threadCandidates, threadSupport, wasmThreads, type ThreadSupport } from './wasmThreads';

const fmt = (v: number) => (v < 10 ? v.toFixed(1) : String(Math.round(v)));
const threadsWord = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;

export class ThreadChoice {
  private framed = false;
  private support: ThreadSupport | null = null;
  private forced: number | null = null;
  /** The fastest count and the figures, per model size. */
  private picks = new Map<string, { pick: number; measured: Record<number, number> }>();
  private measured: Record<number, number> | undefined;

  /** The page says whether it is an iframe (before the first backend starts). */
  setFramed(framed: boolean): void {
    this.framed = framed;
    this.support = null;
  }

  private allowed(): ThreadSupport {
    return (this.support ??= threadSupport(this.framed));
  }

  /** Before a backend starts: WASM gets `forced` threads (capped at what the page allows), or as many as allowed. */
  plan(forced: number | undefined): void {
    const { max } = this.allowed();
    this.forced = forced === undefined ? null : Math.max(1, Math.min(Math.floor(forced), max));
    wasmPlan.threads = this.forced ?? max;
    wasmPlan.failure = null;
    this.measured = undefined;
  }

  /**
   * With WASM active and threads allowed (and no count forced), measures each
   * candidate count on `experiment` and keeps the fastest running. True when
   * it measured or switched (the backend info is then out of date).
   */
  async measure(experiment: Experiment, active: string): Promise<boolean> {
    const { max } = this.allowed();
    if (active !== 'wasm' || this.forced !== null || max < 2 || wasmPlan.failure) return false;
    const known = this.picks.get(experiment.model);
    if (known) {
      this.measured = known.measured;
      if (wasmThreads() === known.pick) return false;
      wasmPlan.threads = known.pick;
      await startBackend('wasm');
      return true;
    }
    const measured: Record<number, number> = {};
    const current = wasmThreads();
    // The running count first: one restart fewer when it wins.
    for (const n of [current, ...threadCandidates(max).filter((c) => c !== current).reverse()]) {
      wasmPlan.threads = n;
      if ((await startBackend('wasm')) !== null || wasmThreads() !== n) break; // threads failed: single-threaded it is
      try {
        measured[n] = await measureSpeed(experiment);
      } catch {
        /* a count that fails on this model is not a candidate */
      }
    }
    const ranked = Object.entries(measured).map(([n, v]) => [Number(n), v] as const).filter(([, v]) => Number.isFinite(v) && v > 0).sort((a, b) => b[1] - a[1]);
    const pick = ranked[0]?.[0] ?? 1;
    wasmPlan.threads = pick;
    if (wasmThreads() !== pick) await startBackend('wasm');
    this.measured = measured;
    this.picks.set(experiment.model, { pick, measured });
    return true;
  }

  /**
   * `info` with its threads: the count, what the page allows and why, the
   * measurements; its reason names the count ("WASM, 2 threads") and, for one
   * thread, why. `labelThen`: how the reason named WASM when it was written.
   */
  describe(info: BackendInfo, labelThen: string): BackendInfo {
    if (info.active !== 'wasm') return { ...info, threads: undefined };
    const { max, why } = this.allowed();
    const count = wasmThreads();
    const because = why ?? wasmPlan.failure;
    // Reasons name the active backend first ("WASM: ...", "WASM, as chosen") or last ("...: using WASM").
    const now = activeLabel('wasm');
    let reason = info.reason;
    if (reason.startsWith(labelThen)) reason = now + reason.slice(labelThen.length);
    else if (reason.endsWith(labelThen)) reason = reason.slice(0, reason.length - labelThen.length) + now;
    const figures = this.measured && Object.keys(this.measured).length > 1
      ? Object.entries(this.measured).map(([n, v]) => `${threadsWord(Number(n))} ${fmt(v)}`).join(', ') : null;
    if (figures) reason += ` (measured ${figures} steps/s)`;
    else if (count === 1 && because) reason += ` (${because})`;
    else if (this.forced !== null) reason += ` (${threadsWord(count)} as asked)`;
    return { ...info, reason, threads: { count, max, why: because, ...(this.measured ? { measured: this.measured } : {}) } };
  }
}
