// Fuzzing safetensors: parseSafetensors and importSafetensors either return a valid result or throw
// SafetensorsError with a message: never another error type, never a hang.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MODEL_PRESETS } from '../../src/model/config';
import { initParams, paramSpecs } from '../../src/model/params';
import { parseSafetensors, SafetensorsError } from '../../src/model/safetensors';
import { exportSafetensors, importSafetensors } from '../../src/model/weights';
import { reportCases, runs } from './helpers/fuzz';

reportCases('fuzz-safetensors');

const TINY = MODEL_PRESETS.tiny;
const GOOD = exportSafetensors(initParams(TINY, 1, 0), 'policy');

/** Runs `f`; passes if it returns, or throws a SafetensorsError with a message. Anything else fails. */
function refusesCleanly(f: () => void): boolean {
  try {
    f();
    return true;
  } catch (e) {
    expect(e, String(e)).toBeInstanceOf(SafetensorsError);
    expect((e as Error).message.length).toBeGreaterThan(0);
    return false;
  }
}

function checkParse(bytes: Uint8Array): void {
  // a hang fails the test by vitest's timeout; speed is the benchmark's concern, not a test's
  refusesCleanly(() => {
    const { tensors } = parseSafetensors(bytes);
    for (const t of tensors.values()) expect(t.data.length).toBe(t.shape.reduce((a, b) => a * b, 1));
  });
}

function checkImport(bytes: Uint8Array): void {
  refusesCleanly(() => {
    const p = importSafetensors(bytes, TINY);
    for (const s of paramSpecs(TINY)) expect(p.tensors.get(s.name)!.length).toBe(s.shape.reduce((a, b) => a * b, 1));
  });
}

/** A file from a header value (any JSON) and a data section; the length prefix as written, or a chosen one. */
function file(header: unknown, data: Uint8Array, lengthPrefix?: bigint): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header) ?? '');
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthPrefix ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const dtype = fc.oneof(fc.constantFrom('F32', 'F16', 'BF16', 'F64', 'I64', 'BOOL', 'toString', '__proto__', 'constructor', 'valueOf', 'hasOwnProperty'), fc.string({ maxLength: 6 }));
const dim = fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constantFrom(-1, 2 ** 53, 1e300, 0.5), fc.jsonValue());
const entry = fc.oneof(
  fc.record(
    {
      dtype: fc.oneof(dtype, fc.jsonValue()),
      shape: fc.oneof(fc.array(dim, { maxLength: 4 }), fc.jsonValue()),
      data_offsets: fc.oneof(fc.tuple(fc.nat(80), fc.nat(80)), fc.array(fc.oneof(fc.nat(80), fc.jsonValue()), { maxLength: 3 }), fc.jsonValue()),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 3 }),
);
const name = fc.oneof(fc.constantFrom('__metadata__', '__proto__', 'constructor', 'lm_head.weight', 'model.norm.weight'), fc.string({ unit: 'binary', maxLength: 12 }));
const header = fc.oneof(fc.dictionary(name, entry, { maxKeys: 6 }), fc.jsonValue({ maxDepth: 3 }));
const data = fc.uint8Array({ maxLength: 96 });

describe('fuzz: safetensors', () => {
  it('random headers and data sections: a result or a SafetensorsError', () => {
    fc.assert(fc.property(header, data, (h, d) => {
      checkParse(file(h, d));
      checkImport(file(h, d));
    }), runs(600));
  });

  it('random length prefixes, raw bytes', () => {
    fc.assert(fc.property(header, data, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (h, d, len) => checkParse(file(h, d, len))), runs(200));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => checkParse(b)), runs(200));
  });

  it('mutated real weight files: flipped bytes, cut, extended', () => {
    const mutation = fc.record({ at: fc.nat(), byte: fc.nat(255), cut: fc.option(fc.nat()), extra: fc.nat(16) });
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
      let b = GOOD.slice();
      for (const m of ms) {
        // Mostly in the header, where the structure is.
        const headerLen = 8 + Number(new DataView(GOOD.buffer).getBigUint64(0, true));
        b[m.at % (m.at % 3 === 0 ? b.length : headerLen)] = m.byte;
        if (m.cut !== null) b = b.slice(0, m.cut % b.length);
        if (m.extra > 12) b = Uint8Array.from([...b, ...new Uint8Array(m.extra)]);
      }
      checkImport(b);
    }), runs(150));
  });

  it('headers at the entry cap are refused quickly', () => {
    fc.assert(fc.property(fc.integer({ min: 1000, max: 5000 }), (n) => {
      const h: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) h[`t${i}`] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] };
      checkParse(file(h, new Uint8Array(0)));
    }), runs(10));
  });
});
