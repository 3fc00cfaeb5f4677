/**
 * The benchmark harness (bench.html): the training worker driven through its
 * protocol with no UI, so the figures are the engine's. `npm run bench`
 * calls window.labBench from headless Chromium.
 */
import type { Experiment } from '../train/experiment';
import { startWorkerEngine, type EnginePort } from '../worker/client';
import type { BackendChoice, BackendInfo, FromWorker, MemoryStats } from '../worker/protocol';

type Listener = (msg: FromWorker) => void;

class Harness {
  private listeners = new Set<Listener>();
  private lastBackend: BackendInfo | null = null;
  /** Every metric of every step of every run since the last load or reset (from the worker's ticks). */
  private series: Record<string, number[]>[] = [];
  private engine: EnginePort = startWorkerEngine((msg) => {
    if (msg.type === 'backend') this.lastBackend = msg.info;
    if (msg.type === 'loaded') this.series = [];
    if (msg.type === 'tick' && msg.generation === this.generation) {
      msg.delta.runs.forEach((run, r) => {
        const into = (this.series[r] ??= {});
        for (const [name, values] of Object.entries(run.metrics)) (into[name] ??= []).push(...values);
      });
    }
    this.listeners.forEach((l) => l(msg));
  });
  private generation = 0;

  private next<T>(what: string, pick: (msg: FromWorker) => T | undefined, timeoutMs = 600_000): Promise<T> {
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`the worker did not answer in time (${what}, ${Math.round(performance.now() - t0)} ms)`));
      }, timeoutMs);
      const listener: Listener = (msg) => {
        if (msg.type === 'error') {
          clearTimeout(timer);
          this.listeners.delete(listener);
          reject(new Error(msg.message));
          return;
        }
        const v = pick(msg);
        if (v !== undefined) {
          clearTimeout(timer);
          this.listeners.delete(listener);
          resolve(v);
        }
      };
      this.listeners.add(listener);
    });
  }

  /**
   * threads: WASM on exactly this many (otherwise as many as measure fastest once an experiment loads).
   * With an experiment loaded, the worker rebuilds it on the new backend: this waits for that too.
   */
  async setBackend(choice: BackendChoice, threads?: number, shards?: number): Promise<BackendInfo> {
    const info = this.next('setBackend', (m) => (m.type === 'backend' ? m.info : undefined));
    const rebuilt = this.generation > 0 ? this.next('rebuild after setBackend', (m) => (m.type === 'loaded' ? m : undefined)) : null;
    this.engine.send({ type: 'setBackend', choice, ...(threads === undefined ? {} : { threads }), ...(shards === undefined ? {} : { shards }) });
    const first = await info;
    if (!rebuilt) return first;
    const msg = await rebuilt;
    this.generation = msg.generation;
    await this.next('idle after setBackend', (m) => (m.type === 'state' && m.state === 'idle' && m.generation === this.generation ? true : undefined));
    return this.lastBackend ?? first;
  }

  /** The latest backend info the worker sent (after a load, it may have measured WASM's threads). */
  backend(): BackendInfo | null {
    return this.lastBackend;
  }

  /** Loads an experiment; resolves with the time the worker took to make its initial weights. */
  async load(experiment: Experiment): Promise<number> {
    const loaded = this.next('load', (m) => (m.type === 'loaded' ? m : undefined));
    this.engine.send({ type: 'load', experiment });
    const msg = await loaded;
    this.generation = msg.generation;
    await this.next('idle after load', (m) => (m.type === 'state' && m.state === 'idle' && m.generation === this.generation ? true : undefined));
    return msg.initMs;
  }

  /** The metrics trained so far, per run (what the lab's charts plot). */
  metrics(): Record<string, number[]>[] {
    return this.series;
  }

  async stats(): Promise<MemoryStats> {
    const s = this.next('stats', (m) => (m.type === 'stats' ? m.memory : undefined));
    this.engine.send({ type: 'stats' });
    return s;
  }

  /**
   * Runs the loaded experiment to its end (or until budgetMs passes) and times it:
   * the first step alone (compilation, warm-up), then the steady steps after it.
   */
  async run(budgetMs: number): Promise<{ firstStepMs: number; steps: number; steadyMs: number; lastStep: number }> {
    const t0 = performance.now();
    let first: { t: number; step: number } | null = null;
    let last = { t: t0, step: 0 };
    const gen = this.generation;
    const done = this.next('run', (m) => {
      if (m.type === 'tick' && m.generation === gen) {
        const now = performance.now();
        first ??= { t: now, step: m.step };
        last = { t: now, step: m.step };
        if (now - t0 > budgetMs) this.engine.send({ type: 'pause' });
      }
      return m.type === 'state' && m.generation === gen && (m.state === 'done' || m.state === 'paused') ? true : undefined;
    });
    this.engine.send({ type: 'run' });
    await done;
    const f = first ?? last;
    return { firstStepMs: f.t - t0, steps: last.step - f.step, steadyMs: last.t - f.t, lastStep: last.step };
  }

  /** Back to step 0 (new initial weights); resolves with their time, as load does. */
  async reset(): Promise<number> {
    const idle = this.next('idle after reset', (m) => (m.type === 'state' && m.state === 'idle' ? true : undefined));
    this.engine.send({ type: 'reset' });
    const loaded = this.next('reload', (m) => (m.type === 'loaded' ? m : undefined));
    const msg = await loaded;
    this.generation = msg.generation;
    await idle;
    return msg.initMs;
  }
}

const harness = new Harness();
(window as unknown as { labBench: Harness }).labBench = harness;
document.getElementById('log')!.textContent = 'ready';
