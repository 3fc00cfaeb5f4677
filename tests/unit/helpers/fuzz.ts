/** Shared pieces of the fuzz suites: case counts, a case counter, and what a valid result looks like. */
import { afterAll } from 'vitest';
import { validateData } from '../../../src/train/data';
import { ExperimentSchema } from '../../../src/train/experiment';

let cases = 0;
const t0 = performance.now();

/** numRuns for fc.assert, counted for the file's summary line. */
export function runs(n: number): { numRuns: number } {
  cases += n;
  return { numRuns: n };
}

/** Prints how many cases the file ran and how long it took (the suite's budget: a few thousand, under a minute). */
export function reportCases(file: string): void {
  afterAll(() => console.log(`${file}: ${cases} fuzz cases in ${((performance.now() - t0) / 1000).toFixed(1)} s`));
}

/** An experiment the lab can train: the schema holds and the data fit the vocabulary. */
export function isValidExperiment(e: unknown): boolean {
  const r = ExperimentSchema.safeParse(e);
  return r.success && validateData(r.data.data, 32, r.data.granularity).length === 0;
}

/** Deeply nested arrays, built without recursion. */
export function nested(depth: number, leaf: unknown = 0): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}
