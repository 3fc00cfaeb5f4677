/**
 * The worker's training loop, independent of postMessage: it owns the
 * comparison, steps it while running, reads metrics back on a timer (never
 * per step), and yields to the event loop so that pause, step and run changes
 * arrive promptly.
 */
import { MODEL_PRESETS } from '../model/config';
import { exportAdapters, exportSafetensors, importSafetensors } from '../model/weights';
import type { ParamSet } from '../model/params';
import type { Experiment } from '../train/experiment';
import { takeNewValues } from '../train/metrics';
import { adapterShapeOf, applyRunPatch } from '../train/run';
import { seededWeights } from '../train/session';
import { ShardChoice } from './shardChoice';
import type { Trainee } from './shardedComparison';
import { activateBackend, activeLabel, label, probeBackends, startBackend } from './backends';
import { gpuCandidates, pickByMeasuring } from './autoselect';
import { ThreadChoice } from './threadChoice';
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice, BackendInfo, BackendName, BackendProbe, Distribution, FromWorker, MemoryStats, RunPatch, Speed, ToWorker, TrainingState, WeightsRole, WeightsWhich } from './protocol';

/**
 * Read metrics back (and tell the page) at most this often while training, or
 * every READ_STEPS steps: the page redraws charts a few times a second, so
 * more messages would only cost its main thread.
 */
const READ_MS = 200;
const READ_STEPS = 50;
/**
 * On GPU backends a step only enqueues work; reading is what waits for it.
 * Unread steps are bounded so the queue stays short: a pause, a switch, or
 * the next experiment does not wait behind seconds of queued GPU work.
 */
const GPU_READ_STEPS = 2;
/** Send the squeeze-view distribution at most this often (ms). */
const DISTRIBUTION_MS = 300;
/** Give the message loop a turn at least this often (ms). */
const YIELD_MS = 16;

type Post = (msg: FromWorker, transfer?: Transferable[]) => void;

/** A macrotask turn without setTimeout's 4 ms clamping. */
function yieldTask(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve();
    ch.port2.postMessage(0);
  });
}

export class Runner {
  private probes: BackendProbe[] | null = null;
  private choice: BackendChoice = 'auto';
  /** What 'auto' measured fastest, per model size. */
  private measuredPick = new Map<string, BackendName>();
  /** WASM's threads: what the page allows, what measured fastest. */
  private threads = new ThreadChoice();
  /** The last backend info as chosen, and how its reason named the active backend then. */
  private activated: { info: BackendInfo; label: string } | null = null;
  private experiment: Experiment | null = null;
  private custom: Partial<Record<WeightsRole, ParamSet>> = {};
  private cmp: Trainee | null = null;
  /** Whether the runs split over workers, and how many. */
  private shards = new ShardChoice();
  private generation = 0;
  private state: TrainingState = 'idle';
  private loop: Promise<void> | null = null;
  private watched = 0;
  private sent: number[] = [];
  private lastDistribution = 0;
  private firstStepMs: number | null = null;
  private speedWindow: { t: number; step: number }[] = [];

  constructor(private readonly post: Post) {}

  async handle(msg: ToWorker): Promise<void> {
    try {
      switch (msg.type) {
        case 'context': this.shards.cores = msg.cores; return this.threads.setContext(msg.framed, msg.threadPicks, msg.nextVisitIsolated === true);
        case 'setBackend': return await this.setBackend(msg.choice, msg.threads, msg.shards);
        case 'load': return await this.load(msg.experiment, msg.policy, msg.reference);
        case 'run': return this.run();
        case 'pause': return await this.halt('paused');
        case 'step': return await this.singleStep();
        case 'reset': return await this.rebuild();
        case 'setSteps': return this.setSteps(msg.steps);
        case 'updateRun': return this.updateRun(msg.run, msg.patch);
        case 'watch':
          this.watched = msg.run;
          return await this.sendDistribution();
        case 'exportWeights': return await this.exportWeights(msg.which);
        case 'stats': return this.post({ type: 'stats', memory: memoryStats() });
      }
    } catch (e) {
      this.post({ type: 'error', message: (e as Error).message, context: msg.type });
    }
  }

  private async setBackend(choice: BackendChoice, threads?: number, shards?: number): Promise<void> {
    await this.halt('idle');
    this.shards.force(shards, threads);
    this.probes ??= await probeBackends();
    // Tensors live on one backend: drop the comparison before switching, rebuild after.
    this.cmp?.dispose();
    this.cmp = null;
    this.choice = choice;
    this.threads.plan(threads);
    const info = await activateBackend(choice, this.probes);
    this.postBackend(info, activeLabel(info.active));
    if (this.experiment) {
      await this.measureThreads(this.experiment);
      await this.rebuild();
    }
  }

  /** Tells the page which backend runs, on how many threads, and why. */
  private postBackend(info: BackendInfo, labelThen: string): void {
    this.activated = { info, label: labelThen };
    this.post({ type: 'backend', info: this.threads.describe(info, labelThen, this.shards.count) });
  }

  /** On WASM with threads allowed: the fastest thread count on this experiment (once per model size). */
  private async measureThreads(experiment: Experiment): Promise<void> {
    if (!this.activated) return;
    // A WASM restart drops its tensors: no comparison may live on it.
    this.cmp?.dispose();
    this.cmp = null;
    // Several runs on several cores: they split over workers (rebuild), each WASM on one thread.
    const changed = this.shards.plan(experiment) ? await this.threads.single() : await this.threads.measure(experiment, tf.getBackend());
    if (changed) this.postBackend(this.activated.info, this.activated.label);
  }


  /**
   * Validates everything (weights included) before touching the current
   * comparison, so a bad file or experiment changes nothing. A weights field
   * left out keeps the current custom weights if they fit the model; null drops them.
   */
  private async load(experiment: Experiment, policy?: ArrayBuffer | null, reference?: ArrayBuffer | null): Promise<void> {
    const model = MODEL_PRESETS[experiment.model];
    const next = { ...this.custom };
    for (const [role, file] of [['policy', policy], ['reference', reference]] as const) {
      if (file === null) delete next[role];
      else if (file !== undefined) {
        try {
          next[role] = importSafetensors(new Uint8Array(file), model);
        } catch (e) {
          throw new Error(`${role} weights: ${(e as Error).message}`);
        }
      } else if (next[role] && next[role]!.config !== model) delete next[role]; // another model size
    }
    this.experiment = experiment;
    this.custom = next;
    if (!this.probes) await this.setBackend('auto');
    await this.halt('idle');
    await this.measureIfAuto(experiment);
    await this.measureThreads(experiment);
    await this.rebuild();
  }

  /** With 'auto' and a hardware GPU present, measure it against WASM on this experiment (once per model size). */
  private async measureIfAuto(experiment: Experiment): Promise<void> {
    const candidates = this.choice === 'auto' && this.probes ? gpuCandidates(this.probes) : [];
    if (candidates.length === 0) return;
    const known = this.measuredPick.get(experiment.model);
    if (known) {
      if (tf.getBackend() !== known) await startBackend(known);
      return;
    }
    this.cmp?.dispose();
    this.cmp = null;
    const { pick, reason, measured } = await pickByMeasuring(candidates, experiment, startBackend);
    this.measuredPick.set(experiment.model, pick);
    const active = tf.getBackend() as BackendName;
    this.postBackend({ choice: 'auto', active, reason, probes: this.probes!, measured }, label(active));
  }

  private async rebuild(): Promise<void> {
    await this.halt('idle');
    if (!this.experiment) return;
    const t0 = performance.now();
    const seeded = seededWeights(this.experiment);
    const initMs = performance.now() - t0;
    const weights = { policy: this.custom.policy ?? seeded.policy, reference: this.custom.reference ?? seeded.reference };
    this.cmp?.dispose();
    this.cmp = null;
    this.generation++;
    const made = await this.shards.create(this.experiment, weights, (message) => this.post({ type: 'error', message, context: 'load' }));
    this.cmp = made.trainee;
    if (made.changed && this.activated) this.postBackend(this.activated.info, this.activated.label);
    this.sent = this.experiment.runs.map(() => 0);
    this.firstStepMs = null;
    this.speedWindow = [];
    this.watched = Math.min(this.watched, this.experiment.runs.length - 1);
    const answerLength = Math.max(...this.experiment.data.flatMap((p) => [p.chosen.length, p.rejected.length]));
    this.post({ type: 'loaded', generation: this.generation, answerLength, customWeights: Object.keys(this.custom) as WeightsRole[], initMs });
    this.setState('idle');
  }

  private setState(state: TrainingState): void {
    this.state = state;
    this.post({ type: 'state', generation: this.generation, state, step: this.cmp?.step ?? 0 });
  }

  private run(): void {
    if (!this.cmp || this.state === 'running') return;
    if (this.finished()) return this.setState('done');
    this.setState('running');
    this.loop = this.trainLoop().finally(() => (this.loop = null));
  }

  /** Stops the loop and waits until it has let go of the comparison. */
  private async halt(state: TrainingState): Promise<void> {
    const wasRunning = this.state === 'running';
    if (wasRunning) this.state = state;
    await this.loop;
    if (wasRunning && this.cmp) this.setState(this.finished() ? 'done' : state);
  }

  private finished(): boolean {
    return !this.cmp || !this.experiment || this.cmp.step >= this.experiment.steps || this.cmp.activeRuns().length === 0;
  }

  private async trainLoop(): Promise<void> {
    const cmp = this.cmp!;
    let lastRead = performance.now();
    let lastYield = lastRead;
    let unread = 0;
    try {
      while (this.state === 'running' && this.cmp === cmp) {
        if (this.finished()) {
          await this.read();
          this.setState('done');
          return;
        }
        const t0 = performance.now();
        cmp.trainStep();
        unread++;
        if (this.firstStepMs === null) {
          await this.read(); // the first step's cost includes shader compilation or WASM warm-up
          this.firstStepMs = performance.now() - t0;
          unread = 0;
        }
        const now = performance.now();
        const gpu = tf.getBackend() === 'webgpu' || tf.getBackend() === 'webgl';
        if (now - lastRead > READ_MS || unread >= (gpu ? GPU_READ_STEPS : READ_STEPS)) {
          await this.read();
          lastRead = performance.now();
          unread = 0;
        }
        if (now - lastYield > YIELD_MS) {
          await yieldTask();
          lastYield = performance.now();
        }
      }
      if (unread > 0 && this.cmp === cmp) await this.read();
    } catch (e) {
      this.post({ type: 'error', message: `training stopped: ${(e as Error).message}`, context: 'run' });
      if (this.cmp === cmp) this.setState('paused');
    }
  }

  private async singleStep(): Promise<void> {
    await this.halt('paused');
    if (!this.cmp || this.finished()) return;
    this.cmp.trainStep();
    await this.read();
    this.setState(this.finished() ? 'done' : 'paused');
  }

  /** Reads queued metrics and sends what the page has not seen, with speed and (now and then) the distribution. */
  private async read(): Promise<void> {
    const cmp = this.cmp!;
    await cmp.flush();
    const runs = takeNewValues(cmp.logs, this.sent);
    const speed = this.measureSpeed(cmp.step);
    const distribution = performance.now() - this.lastDistribution >= DISTRIBUTION_MS ? await this.distribution() : null;
    this.post({ type: 'tick', generation: this.generation, step: cmp.step, delta: { runs }, speed, distribution });
  }

  private measureSpeed(step: number): Speed | null {
    const now = performance.now();
    this.speedWindow.push({ t: now, step });
    while (this.speedWindow.length > 2 && now - this.speedWindow[0]!.t > 2000) this.speedWindow.shift();
    const first = this.speedWindow[0]!;
    const dt = (now - first.t) / 1000;
    const steps = step - first.step;
    return dt > 0 && steps > 0 ? { stepsPerSecond: steps / dt, msPerStep: (1000 * dt) / steps, firstStepMs: this.firstStepMs } : null;
  }

  private async distribution(): Promise<Distribution | null> {
    const rows = this.cmp ? await this.cmp.logDistribution(this.watched) : null;
    if (!rows) return null;
    this.lastDistribution = performance.now();
    return { run: this.watched, step: this.cmp!.step, logp: rows.map((r) => Array.from(r)) };
  }

  private async sendDistribution(): Promise<void> {
    const distribution = await this.distribution();
    if (distribution) this.post({ type: 'distribution', generation: this.generation, distribution });
  }

  private setSteps(steps: number): void {
    if (!this.experiment) return;
    this.experiment = { ...this.experiment, steps };
    if (this.state === 'done' && !this.finished()) this.setState('paused');
    else if (this.state === 'running' && this.finished()) this.state = 'running'; // the loop finishes it
  }

  private updateRun(run: number, patch: RunPatch): void {
    if (!this.cmp || !this.experiment) return;
    const current = this.experiment.runs[run];
    if (!current) throw new Error(`there is no run ${run + 1}`);
    // The same function the store applied: the worker's copy cannot drift from what the page shows.
    const next = applyRunPatch(current, patch, `run ${run + 1}: `);
    if (next.run === null) throw new Error(next.problems.join('; '));
    this.cmp.updateRun(run, next.run);
    this.experiment = { ...this.experiment, runs: this.experiment.runs.map((r, i) => (i === run ? next.run : r)) };
  }

  private async exportWeights(which: WeightsWhich): Promise<void> {
    if (!this.cmp) throw new Error('nothing is loaded yet');
    let bytes: Uint8Array;
    if (which === 'initial-policy') bytes = exportSafetensors(this.cmp.policyInit, 'policy');
    else if (which === 'reference') {
      if (!this.cmp.reference) throw new Error('this comparison has no reference model: every run is reference-free');
      bytes = exportSafetensors(this.cmp.reference, 'reference');
    }
    else {
      const status = this.cmp.logs[which.run]?.status;
      if (!status) throw new Error(`there is no run ${which.run + 1}`);
      if (status.state === 'diverged') throw new Error(`run ${which.run + 1} diverged; its weights are not finite`);
      const run = this.cmp.config.runs[which.run]!;
      const shape = adapterShapeOf(run);
      const adapters = which.adapters ? await this.cmp.adapters(which.run) : null;
      if (which.adapters && (!shape || !adapters)) throw new Error(`run ${which.run + 1} trains the full model: it has no adapters`);
      // A LoRA / DoRA run's policy is merged into the frozen base (HF names); its adapters alone carry PEFT's.
      bytes = shape && adapters ? exportAdapters(adapters, shape, run.loraAlpha) : exportSafetensors((await this.cmp.policies())[which.run]!, 'policy');
    }
    const buffer = bytes.buffer as ArrayBuffer;
    this.post({ type: 'weights', which, bytes: buffer }, [buffer]);
  }
}

function memoryStats(): MemoryStats {
  const m = tf.memory();
  const backend = tf.getBackend() === 'wasm' ? (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }) : null;
  const perf = performance as unknown as { memory?: { usedJSHeapSize: number } };
  return {
    numTensors: m.numTensors,
    numBytes: m.numBytes,
    wasmHeapBytes: backend?.wasm?.HEAPU8?.byteLength ?? null,
    jsHeapBytes: perf.memory?.usedJSHeapSize ?? null,
  };
}
