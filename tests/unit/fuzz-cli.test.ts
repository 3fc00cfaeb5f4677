// Fuzzing the command line's input and output: parseCliArgs throws only Errors with messages, what it
// prints carries no terminal control character, and CSV text cells never start a formula.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args';
import { safeText } from '../../src/cli/print';
import { csvCell } from '../../src/train/results';
import { reportCases, runs } from './helpers/fuzz';

reportCases('fuzz-cli');

const FLAGS = ['--preset', '--config', '--link', '--model', '--steps', '--seed', '--backend', '--policy-weights', '--ref-weights', '--export-init', '--json', '--help'];
const value = fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('6.2', 'tiny', 'cpu', 'wasm', '10', '-1', '1e9', '9'.repeat(400), '', '--', '-'));
const arg = fc.oneof(
  fc.constantFrom(...FLAGS),
  value,
  fc.tuple(fc.constantFrom(...FLAGS), value).map(([f, v]) => `${f}=${v}`),
  fc.string({ maxLength: 3 }).map((s) => `-${s}`),
  fc.string({ maxLength: 8 }).map((s) => `--${s}`),
);

describe('fuzz: the command line', () => {
  it('parseCliArgs returns arguments or throws an Error with a message, never anything else', () => {
    fc.assert(fc.property(fc.array(arg, { maxLength: 8 }), (argv) => {
      try {
        const a = parseCliArgs(argv);
        expect(['cpu', 'wasm']).toContain(a.backend);
        for (const n of [a.steps, a.seed]) if (n !== undefined) expect(Number.isSafeInteger(n)).toBe(true);
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        expect(typeof (e as Error).message).toBe('string');
        expect((e as Error).message.length).toBeGreaterThan(0);
      }
    }), runs(1000));
  });

  it('safeText leaves no terminal control character (and newlines only where allowed)', () => {
    const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (s) => {
      expect(safeText(s)).not.toMatch(CONTROL);
      expect(safeText(s, { newlines: false })).not.toMatch(/[\n\u0000-\u001f]/);
    }), runs(300));
  });

  it('CSV: text cells never start a formula and read back; numbers stay plain', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (s) => {
      const cell = csvCell(s);
      const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
      expect(unquoted === s || unquoted === `'${s}`).toBe(true);
      expect(unquoted).not.toMatch(/^[=+\-@\t\r]/);
    }), runs(300));
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
      expect(Number(csvCell(v)) === v).toBe(true); // -0 reads back as 0, which equals it
    }), runs(200));
  });
});
