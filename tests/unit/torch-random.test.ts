// PyTorch's CPU generator and LlamaForCausalLM init, against published MT19937 values and
// tests/fixtures/torch-init.json (written by scripts/torch_fixture.py with PyTorch 1.13, AVX2).
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/torch-init.json';
import { MODEL_PRESETS, type LlamaConfig } from '../../src/model/config';
import { paramSpecs } from '../../src/model/params';
import { torchInitBuilds, torchInitParams } from '../../src/model/torchInit';
import { fmaF32, seedLow32, TorchGenerator } from '../../src/model/torchRandom';
import { expectAllClose } from '../helpers/close';

interface OpRecord { op: 'uniform' | 'normal'; n: number; a: number; b: number; all?: number[]; head?: number[]; tail?: number[]; sum?: number }
interface TensorRecord { all?: number[]; head?: number[]; tail?: number[]; sum: number; sum_abs: number }
const fx = fixture as unknown as {
  raw: { seed: string; offset: number; values: number[] }[];
  sequences: { seed: string; ops: OpRecord[]; next_raw: number[] }[];
  weights: { config: string; seed: number; build: number; tensors: Record<string, TensorRecord> }[];
};

const CONFIGS: Record<string, LlamaConfig> = {
  notebook: MODEL_PRESETS.notebook,
  tiny: MODEL_PRESETS.tiny,
  odd: { ...MODEL_PRESETS.tiny, vocabSize: 3, hiddenSize: 4, intermediateSize: 2, numLayers: 1, numHeads: 2 },
};

/** The normals may differ from torch's float polynomials (avx_mathfun) by a few float32 ULPs. */
const MAX_NORMAL_ULPS = 4;

const bitsOf = (a: Float32Array): number[] => [...new Uint32Array(a.buffer, a.byteOffset, a.length)];
/** float32 bit pattern -> integer whose differences count ULPs across zero too. */
const ordered = (bits: number): number => (bits & 0x80000000 ? -(bits & 0x7fffffff) : bits);
const ulps = (got: number[], want: number[]): number[] => want.map((w, i) => Math.abs(ordered(w) - ordered(got[i]!)));
/** First and last k, as the fixture keeps them, or everything when it keeps everything. */
const asRecorded = (bits: number[], rec: { all?: number[] }, k: number): number[] => (rec.all ? bits : [...bits.slice(0, k), ...bits.slice(-k)]);
const recorded = (rec: { all?: number[]; head?: number[]; tail?: number[] }): number[] => rec.all ?? [...rec.head!, ...rec.tail!];

describe('MT19937 as torch.manual_seed sets it up', () => {
  it('gives the published outputs', () => {
    expect(new TorchGenerator(42).nextUint32()).toBe(1608637542);
    const std = new TorchGenerator(5489); // std::mt19937's default seed
    expect(std.nextUint32()).toBe(3499211612);
    std.advance(9998);
    expect(std.nextUint32()).toBe(4123659995); // C++ [rand.predef]: the 10000th output
  });

  it('keeps the low 32 bits of a seed 0..2^64-1, as a number or a bigint', () => {
    expect(seedLow32(42)).toBe(42);
    expect(seedLow32(2n ** 40n + 42n)).toBe(42);
    expect(seedLow32(2n ** 64n - 1n)).toBe(0xffffffff);
    expect(seedLow32(Number.MAX_SAFE_INTEGER)).toBe(0xffffffff);
    for (const bad of [-1, 1.5, 2 ** 64, Number.NaN, 2n ** 64n, -1n]) expect(() => seedLow32(bad), String(bad)).toThrow(/0\.\.2\^64-1/);
  });

  it('matches torch.randint\'s raw outputs, across state blocks', () => {
    for (const r of fx.raw) {
      const g = new TorchGenerator(BigInt(r.seed));
      g.advance(r.offset);
      expect(r.values.map(() => g.nextUint32()), `seed ${r.seed} offset ${r.offset}`).toEqual(r.values);
    }
  });

  it('advances by n outputs exactly as drawing them would', () => {
    for (const n of [0, 1, 623, 624, 625, 1247, 5000]) {
      const a = new TorchGenerator(7);
      const b = new TorchGenerator(7);
      a.nextUint32(); b.nextUint32(); // start mid-block
      a.advance(n);
      for (let i = 0; i < n; i++) b.nextUint32();
      expect(a.nextUint32(), `n = ${n}`).toBe(b.nextUint32());
    }
  });
});

describe('uniform_ and normal_ on float32 tensors', () => {
  for (const c of fx.sequences) {
    it(`seed ${c.seed}: ${c.ops.map((o) => `${o.op}_(${o.a}, ${o.b}) x ${o.n}`).join(', ')}`, () => {
      const g = new TorchGenerator(BigInt(c.seed));
      for (const o of c.ops) {
        const out = new Float32Array(o.n);
        if (o.op === 'uniform') g.uniform_(out, o.a, o.b);
        else g.normal_(out, o.a, o.b);
        const got = asRecorded(bitsOf(out), o, 8);
        const what = `${o.op} n=${o.n}`;
        if (o.op === 'uniform') expect(got, what).toEqual(recorded(o)); // bit-exact
        else expect(Math.max(...ulps(got, recorded(o))), what).toBeLessThanOrEqual(MAX_NORMAL_ULPS);
        if (o.sum !== undefined) expectAllClose([out.reduce((s, v) => s + v, 0)], [o.sum], { rel: 1e-6, abs: 1e-6 }, `${what} sum`);
      }
      // Same number of draws as torch: the generator stands where torch's does.
      expect(c.next_raw.map(() => g.nextUint32())).toEqual(c.next_raw);
    });
  }

  it('skips draws exactly as computing them would', () => {
    for (const n of [1, 5, 15, 16, 17, 37, 4101]) {
      const a = new TorchGenerator(11);
      const b = new TorchGenerator(11);
      a.normal_(new Float32Array(3)); b.normal_(new Float32Array(3)); // leaves a cached double normal
      a.skipNormal(n); b.normal_(new Float32Array(n));
      a.skipUniform(n); b.uniform_(new Float32Array(n), -1, 1);
      expect(a.normal_(new Float32Array(2)), `n = ${n}`).toEqual(b.normal_(new Float32Array(2)));
      expect(a.nextUint32()).toBe(b.nextUint32());
    }
  });

  it('rounds x * (b - a) + a once, as torch\'s fused multiply-add does', () => {
    // 1.5 * (1 + 2^-23) = 1.5 + 1.5 * 2^-23 is halfway between two floats: the tiny addend decides.
    const x = Math.fround(1 + 2 ** -23);
    expect(fmaF32(x, 1.5, -(2 ** -60))).toBe(Math.fround(1.5 + 2 ** -23)); // below halfway
    expect(fmaF32(x, 1.5, 2 ** -60)).toBe(Math.fround(1.5 + 2 ** -22)); // above halfway
    expect(fmaF32(x, 1.5, 0)).toBe(Math.fround(1.5 + 1.5 * 2 ** -23)); // exactly halfway: ties to even
    expect(fmaF32(0.25, 0.5, 1)).toBe(1.125);
  });
});

describe('torchInitParams: LlamaForCausalLM(config) after torch.manual_seed(42)', () => {
  for (const w of fx.weights) {
    it(`${w.config}, build ${w.build}`, () => {
      const c = CONFIGS[w.config]!;
      const p = torchInitParams(c, w.seed, w.build);
      expect([...p.tensors.keys()]).toEqual(paramSpecs(c).map((s) => s.name)); // HF state-dict order
      for (const s of paramSpecs(c)) {
        const data = p.tensors.get(s.name)!;
        expect(data.length, s.name).toBe(s.shape.reduce((a, b) => a * b, 1));
        if (s.init === 'ones') {
          expect(data.every((v) => v === 1), s.name).toBe(true);
          continue;
        }
        const rec = w.tensors[s.name]!;
        expect(Math.max(...ulps(asRecorded(bitsOf(data), rec, 4), recorded(rec))), s.name).toBeLessThanOrEqual(MAX_NORMAL_ULPS);
        // Every value, not only the ends: the sum within a few float32 ULPs per element.
        const sum = data.reduce((a, v) => a + v, 0);
        expectAllClose([sum], [rec.sum], { rel: 0, abs: 1e-6 * rec.sum_abs }, `${s.name} sum`);
      }
    });
  }

  it('makes several builds of one seed in one pass, and rejects a bad build number', () => {
    const [ref, policy] = torchInitBuilds(MODEL_PRESETS.tiny, 42, [1, 4]);
    expect(ref!.tensors.get('lm_head.weight')).toEqual(torchInitParams(MODEL_PRESETS.tiny, 42, 1).tensors.get('lm_head.weight'));
    expect(policy!.tensors.get('lm_head.weight')).toEqual(torchInitParams(MODEL_PRESETS.tiny, 42, 4).tensors.get('lm_head.weight'));
    for (const bad of [0, -1, 1.5]) expect(() => torchInitParams(MODEL_PRESETS.tiny, 42, bad)).toThrow(/positive integer/);
  });
});
