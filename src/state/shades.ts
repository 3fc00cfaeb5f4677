/**
 * Which shade of its family's hue each run wears (its slot in the family).
 * Slots are kept in the view, parallel to the runs, so a run keeps its colour
 * when other runs are added, duplicated or removed; only a new run, or a run
 * that moved to another family, takes the first free slot. Pure TS.
 */
import { LIMITS } from '../train/limits';
import { lossFamily } from '../train/families';

/** Slots for `runs`, keeping each proposed one that is valid and not already taken in its family. */
export function fillSlots(runs: readonly { loss: string }[], proposed: readonly (number | undefined)[]): number[] {
  const taken = new Map<string, Set<number>>();
  const used = (loss: string) => {
    const f = lossFamily(loss);
    if (!taken.has(f)) taken.set(f, new Set());
    return taken.get(f)!;
  };
  const slots: (number | undefined)[] = runs.map((r, i) => {
    const p = proposed[i];
    const set = used(r.loss);
    if (p === undefined || !Number.isInteger(p) || p < 0 || p >= LIMITS.runs.max || set.has(p)) return undefined;
    set.add(p);
    return p;
  });
  return slots.map((s, i) => {
    if (s !== undefined) return s;
    const set = used(runs[i]!.loss);
    let free = 0;
    while (set.has(free)) free++;
    set.add(free);
    return free;
  });
}

/** Whether slots are what numbering each family in order gives (the link then leaves them out). */
export function slotsInOrder(runs: readonly { loss: string }[], slots: readonly number[]): boolean {
  const fresh = fillSlots(runs, []);
  return fresh.length === slots.length && fresh.every((s, i) => s === slots[i]);
}
