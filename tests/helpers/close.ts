/**
 * Float comparisons with a stated tolerance. Two machines (or two JS engines)
 * may round the last bit of Math.log10, exp or a float32 kernel differently,
 * so tests compare within a relative tolerance, never by exact equality.
 */
import { expect } from 'vitest';

/** |a - b| <= rel * max(|a|, |b|) + abs, element by element, with the first offender in the message. */
export function expectAllClose(actual: readonly number[], expected: readonly number[], tol: { rel?: number; abs?: number } = {}, what = 'values'): void {
  const rel = tol.rel ?? 1e-12;
  const abs = tol.abs ?? 0;
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const bad = actual.findIndex((a, i) => {
    const b = expected[i]!;
    if (Number.isNaN(a) || Number.isNaN(b)) return !(Number.isNaN(a) && Number.isNaN(b));
    if (a === b) return false; // equal infinities too
    return !(Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)) + abs);
  });
  expect(bad, bad >= 0 ? `${what}[${bad}]: ${actual[bad]} vs ${expected[bad]} (rel ${rel}, abs ${abs})` : '').toBe(-1);
}
