/**
 * The Web Workers that train the lab's other shards (shardedComparison.ts):
 * started when first needed and kept for later experiments (each starts its
 * own WASM module, about half a second), ended when WASM stops or the lab
 * needs fewer.
 */
import type { ShardChannel } from './shardedComparison';
import type { FromShard, ToShard } from './shardHost';

class WorkerChannel implements ShardChannel {
  private nextId = 1;
  /** Why this worker failed: it answers nothing more, so every later request is refused at once. */
  broken: string | null = null;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(private readonly worker: Worker) {
    worker.onmessage = (e: MessageEvent<FromShard>) => {
      const w = this.waiting.get(e.data.id);
      if (!w) return;
      this.waiting.delete(e.data.id);
      if (e.data.error !== undefined) w.reject(new Error(e.data.error));
      else w.resolve(e.data.value);
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.broken = `a training worker failed: ${e.message || 'unknown error'}`;
      this.failAll(this.broken);
    };
  }

  post(msg: ToShard): void {
    this.worker.postMessage(msg);
  }

  request<T>(msg: ToShard & { id: number }): Promise<T> {
    if (this.broken !== null) return Promise.reject(new Error(this.broken));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...msg, id });
    });
  }

  failAll(message: string): void {
    for (const w of this.waiting.values()) w.reject(new Error(message));
    this.waiting.clear();
  }

  terminate(): void {
    this.failAll('the training worker was stopped');
    this.worker.terminate();
  }
}

export class ShardPool {
  private channels: WorkerChannel[] = [];

  /** Exactly `n` shard workers, started or ended as needed (a failed one is replaced). */
  take(n: number): ShardChannel[] {
    for (const ch of this.channels.filter((c) => c.broken !== null)) ch.terminate();
    this.channels = this.channels.filter((c) => c.broken === null);
    while (this.channels.length > n) this.channels.pop()!.terminate();
    while (this.channels.length < n) {
      this.channels.push(new WorkerChannel(new Worker(new URL('./shard.worker.ts', import.meta.url), { type: 'module', name: 'dpo-ipo-shard' })));
    }
    return [...this.channels];
  }

  end(): void {
    this.take(0);
  }
}
