/**
 * Paces the embed's commands so that a host cannot block the page with a
 * burst: 100 setState messages cost the host's main thread 2 s (same-site
 * iframes share it), 1,000 cost 7.4 s. Commands run in arrival order;
 * consecutive reloading commands of one kind (setState, reset) coalesce to
 * the last one; reloads run at most one per animation frame and `perSecond`
 * per second. Light commands (run, pause) run at once when nothing waits.
 * Pure TS: the clock and the frame are passed in (tests drive them).
 */

export interface PacerOptions<T> {
  apply: (cmd: T) => void;
  /** A reloading command's kind (coalesced with the same kind), or null for a light one. */
  kind: (cmd: T) => string | null;
  /** Told, at most once a second, when commands were coalesced or refused. */
  onThrottled: (message: string) => void;
  /** Calls back at the next animation frame (or soon, where frames do not come). */
  frame: (cb: () => void) => void;
  later: (cb: () => void, ms: number) => void;
  now: () => number;
  perSecond: number;
  /** More waiting commands than this are refused. */
  maxQueue: number;
}

export interface Pacer<T> {
  push(cmd: T): void;
  /** Waiting commands (for tests). */
  readonly waiting: number;
}

export function createPacer<T>(o: PacerOptions<T>): Pacer<T> {
  const queue: T[] = [];
  const applied: number[] = []; // times of the reloads of the last second
  let scheduled = false;
  let coalesced = 0;
  let refused = 0;
  let lastReport = -Infinity;

  const report = () => {
    if ((coalesced === 0 && refused === 0) || o.now() - lastReport < 1000) return;
    lastReport = o.now();
    const parts = [coalesced > 0 && `${coalesced} coalesced into a later one`, refused > 0 && `${refused} refused (too many waiting)`].filter(Boolean);
    o.onThrottled(`commands arrive faster than the lab applies them (a reload at most every frame and ${o.perSecond} a second): ${parts.join(', ')}`);
    coalesced = refused = 0;
  };

  const budget = () => {
    while (applied.length > 0 && o.now() - applied[0]! >= 1000) applied.shift();
    return applied.length < o.perSecond;
  };

  const schedule = () => {
    if (scheduled || queue.length === 0) return;
    scheduled = true;
    const wait = budget() ? 0 : applied[0]! + 1000 - o.now();
    const tick = () => {
      scheduled = false;
      drain(true);
    };
    if (wait > 0) o.later(() => o.frame(tick), wait);
    else o.frame(tick);
  };

  /** Runs what may run now: light commands, and at most one reload when this is a frame. */
  const drain = (inFrame: boolean) => {
    let reloaded = false;
    while (queue.length > 0) {
      const head = queue[0]!;
      if (o.kind(head) !== null) {
        if (!inFrame || reloaded || !budget()) break;
        reloaded = true;
        applied.push(o.now());
      }
      queue.shift();
      o.apply(head);
    }
    report();
    schedule();
  };

  return {
    push(cmd) {
      const kind = o.kind(cmd);
      const last = queue.at(-1);
      if (kind !== null && last !== undefined && o.kind(last) === kind) {
        queue[queue.length - 1] = cmd;
        coalesced++;
      } else if (queue.length >= o.maxQueue) {
        refused++;
      } else queue.push(cmd);
      if (kind === null && queue.length === 1) drain(false);
      else {
        report();
        schedule();
      }
    },
    get waiting() {
      return queue.length;
    },
  };
}
