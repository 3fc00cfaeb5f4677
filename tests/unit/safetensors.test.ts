import { describe, expect, it } from 'vitest';
import { MODEL_PRESETS } from '../../src/model/config';
import { initParams, paramSpecs } from '../../src/model/params';
import { MAX_ENTRIES, MAX_HEADER_BYTES, parseSafetensors, SafetensorsError, serializeSafetensors } from '../../src/model/safetensors';
import { exportSafetensors, importSafetensors } from '../../src/model/weights';

const TINY = MODEL_PRESETS.tiny;

/** Builds a safetensors file by hand from a header object and raw data bytes. */
function handMade(header: unknown, data: Uint8Array = new Uint8Array(0), headerLen?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors', () => {
  it('round-trips both models with HF names and shapes', () => {
    const p = initParams(TINY, 3, 0);
    const bytes = exportSafetensors(p, 'policy');
    const { tensors, metadata } = parseSafetensors(bytes);
    expect(metadata.format).toBe('pt');
    expect(tensors.get('model.layers.1.mlp.down_proj.weight')!.shape).toEqual([32, 64]);
    const back = importSafetensors(bytes, TINY);
    for (const [name, data] of p.tensors) expect(back.tensors.get(name), name).toEqual(data);
    // header is padded so the data section starts 8-byte aligned, like the Rust writer
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(headerLen % 8).toBe(0);
  });

  it('reads a file written by the reference layout (offsets, little-endian F32)', () => {
    const data = new Uint8Array(new Float32Array([1.5, -2, 3.25, 0]).buffer);
    const file = handMade({ __metadata__: { format: 'pt' }, b: { dtype: 'F32', shape: [2], data_offsets: [8, 16] }, a: { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] } }, data);
    const { tensors } = parseSafetensors(file);
    expect(Array.from(tensors.get('a')!.data)).toEqual([1.5, -2]);
    expect(Array.from(tensors.get('b')!.data)).toEqual([3.25, 0]);
  });

  it('converts F16 and BF16 to float32', () => {
    const half = new Uint8Array([0x00, 0x3c, 0x00, 0xc0]); // 1.0, -2.0 in IEEE half
    const bf = new Uint8Array([0x80, 0x3f, 0x40, 0x40]); // 1.0, 3.0 in bfloat16
    const file = handMade({ h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] }, b: { dtype: 'BF16', shape: [2], data_offsets: [4, 8] } }, new Uint8Array([...half, ...bf]));
    const { tensors } = parseSafetensors(file);
    expect(Array.from(tensors.get('h')!.data)).toEqual([1, -2]);
    expect(Array.from(tensors.get('b')!.data)).toEqual([1, 3]);
  });

  const bad: [string, () => Uint8Array, RegExp][] = [
    ['an empty file', () => new Uint8Array(0), /shorter than the 8-byte header/],
    ['a text file', () => new TextEncoder().encode('hello world, not weights'), /truncated|header/],
    ['a truncated file', () => exportSafetensors(initParams(TINY, 1, 0), 'policy').slice(0, 5000), /truncated/],
    ['an oversized header', () => handMade({}, new Uint8Array(0), MAX_HEADER_BYTES + 1), /header would be 1000001 bytes, over the 1 MB limit/],
    ['a header that is not JSON', () => { const f = handMade({ a: 1 }); f[9] = 0x7b; f[10] = 0x7b; return f; }, /not valid UTF-8 JSON/],
    ['a JSON array header', () => handMade([1, 2]), /not a JSON object/],
    ['an integer dtype', () => handMade({ x: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)), /unsupported dtype "I64": is not a floating-point type/],
    ['an unknown dtype', () => handMade({ x: { dtype: 'Q4', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /not a safetensors dtype/],
    ['a size that does not match its shape', () => handMade({ x: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /do not hold shape/],
    ['offsets past the end', () => handMade({ x: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(8)), /truncated/],
    ['overlapping tensors', () => handMade({ x: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, y: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, new Uint8Array(12)), /overlap/],
    ['a negative dimension', () => handMade({ x: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), /bad shape/],
  ];
  for (const [what, make, message] of bad) {
    it(`rejects ${what} with a clear error`, () => {
      expect(() => parseSafetensors(make())).toThrow(SafetensorsError);
      expect(() => parseSafetensors(make())).toThrow(message);
    });
  }

  it('rejects weights of another model size, listing what does not fit', () => {
    const notebookFile = exportSafetensors(initParams(MODEL_PRESETS.notebook, 1, 0), 'policy');
    expect(() => importSafetensors(notebookFile, TINY)).toThrow(/do not fit this model.*model.embed_tokens.weight has shape \[32,256\], expected \[32,32\]/);
  });

  it('rejects a file missing tensors, with extra tensors, or with NaN', () => {
    const p = initParams(TINY, 1, 0);
    const shapes = new Map(paramSpecs(TINY).map((sp) => [sp.name, sp.shape]));
    const named = (over: Record<string, Float32Array>) =>
      new Map([...p.tensors, ...Object.entries(over)].map(([n, d]) => [n, { shape: shapes.get(n) ?? [d.length], data: d }]));
    const missing = named({});
    missing.delete('lm_head.weight');
    expect(() => importSafetensors(serializeSafetensors(missing), TINY)).toThrow(/: missing lm_head.weight$/);
    expect(() => importSafetensors(serializeSafetensors(named({ 'model.extra.weight': new Float32Array(2) })), TINY)).toThrow(/unexpected tensors: "model.extra.weight"/);
    const withNaN = exportSafetensors({ ...p, tensors: new Map([...p.tensors].map(([n, d]) => [n, n === 'model.norm.weight' ? d.map((v, i) => (i === 3 ? NaN : v)) : d])) }, 'policy');
    expect(() => importSafetensors(withNaN, TINY)).toThrow(/model.norm.weight contains NaN/);
  });

  // Regression tests for hostile files (a probe found each of these).
  it('regression #4: a header of 600,000 entries is refused at once, by entry count', () => {
    const header: Record<string, unknown> = {};
    for (let i = 0; i < 600_000; i++) header[`t${i}`] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] };
    const file = handMade(header);
    // Over the 1 MB header cap before anything is parsed.
    expect(() => parseSafetensors(file)).toThrow(/over the 1 MB limit/);
    const few: Record<string, unknown> = {};
    for (let i = 0; i <= MAX_ENTRIES; i++) few[`t${i}`] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] };
    // refused by its entry count, before any entry is looked at
    expect(() => parseSafetensors(handMade(few))).toThrow(/1025 entries, over the limit of 1024/);
    expect(() => parseSafetensors(handMade({ __metadata__: few }))).toThrow(/__metadata__ has 1025 keys/);
  });

  it('regression #5: bytes after the last tensor (or a gap between tensors) are refused', () => {
    const good = exportSafetensors(initParams(TINY, 1, 0), 'policy');
    const junk = new Uint8Array(good.length + 4096);
    junk.set(good);
    expect(() => importSafetensors(junk, TINY)).toThrow(/4096 bytes follow the last tensor/);
    expect(() => parseSafetensors(handMade({ x: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(8)))).toThrow(/4 unused bytes before tensor "x"/);
    expect(() => importSafetensors(good, TINY)).not.toThrow();
  });

  it('regression #10: dtype "toString", "__proto__", "constructor" are reported as unsupported dtypes', () => {
    for (const dtype of ['toString', '__proto__', 'constructor', 'hasOwnProperty']) {
      const file = handMade({ x: { dtype, shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4));
      expect(() => parseSafetensors(file)).toThrow(SafetensorsError);
      expect(() => parseSafetensors(file)).toThrow(`unsupported dtype "${dtype}"`);
    }
    // keys inherited from Object.prototype are not entries either
    const proto = new TextEncoder().encode('{"x":{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}}');
    const file = new Uint8Array(8 + proto.length + 4);
    new DataView(file.buffer).setBigUint64(0, BigInt(proto.length), true);
    file.set(proto, 8);
    expect(() => parseSafetensors(file)).toThrow(/missing dtype/);
  });
});
