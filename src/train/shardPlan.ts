/**
 * Splitting a comparison's runs over cores. The runs are independent (each
 * starts from the same initial weights; they share only the frozen reference,
 * which each shard scores once), so N cores train them as N shards: the
 * command line in worker threads (cli/shards.ts), the lab in Web Workers
 * (worker/shardedComparison.ts). Each shard scores its runs as the whole
 * comparison would (ComparisonConfig.needs).
 */

export interface ShardPlan {
  /** Run indices of each shard, in order; the first is a largest. */
  runs: number[][];
  /** XNNPACK threads of each shard. */
  threads: number[];
}

/** `threads` cores for `runs` runs: as many shards as both allow, sizes within one, leftover cores as threads. */
export function planShards(runs: number, threads: number): ShardPlan {
  const n = Math.max(1, Math.min(runs, threads));
  const plan: ShardPlan = { runs: [], threads: [] };
  let next = 0;
  for (let s = 0; s < n; s++) {
    const size = Math.floor(runs / n) + (s < runs % n ? 1 : 0);
    plan.runs.push(Array.from({ length: size }, (_, i) => next + i));
    next += size;
    plan.threads.push(Math.floor(threads / n) + (s < threads % n ? 1 : 0));
  }
  return plan;
}
