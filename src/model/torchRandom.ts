/**
 * PyTorch's CPU random generator in plain TS (no tfjs), so that the lab can
 * rebuild the notebook's own initial weights (SPEC 1b "The generator").
 *
 * - `torch.manual_seed(s)`: MT19937 `init_genrand` with the low 32 bits of s.
 * - float32 `uniform_(a, b)`: one 32-bit output u per element,
 *   x = (u & 0xFFFFFF) * 2^-24, value fma(x, b - a, a) in float32 (checked
 *   against torch 1.13 on x86: the product and the sum are rounded once).
 * - float32 `normal_(mean, std)`, n >= 16: n uniforms, then Box-Muller in
 *   blocks of 16 pairing j with j + 8; when 16 does not divide n, 16 fresh
 *   uniforms overwrite the last 16 slots and are transformed again.
 *   n < 16: per element double Box-Muller on 53-bit uniforms, the second
 *   value cached in the generator (at::normal_distribution<double>).
 *
 * Uniforms and raw outputs are bit-exact. Normals are within a few float32
 * ULPs: torch (AVX2) computes log, sin and cos with float polynomials
 * (avx_mathfun.h); here they are computed in double and rounded to float32
 * at the points where torch rounds (measured against torch: ~85% identical,
 * at most 3 ULPs apart).
 */

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df | 0; // as int32: keeps the twist loop in integer registers
const UPPER = 0x80000000 | 0;
const LOWER = 0x7fffffff;
const TWO_POW_M24 = 2 ** -24;
/** torch's normal_fill_16: _mm256_set1_ps(2.0f * c10::pi<double>), a float32 constant. */
const TWO_PI_F32 = Math.fround(2 * Math.PI);

export type TorchSeed = number | bigint;

/** The low 32 bits of a seed 0..2^64-1, as torch.manual_seed keeps them. */
export function seedLow32(seed: TorchSeed): number {
  const big = typeof seed === 'bigint' ? seed : Number.isInteger(seed) ? BigInt(seed) : -1n; // any whole double is exact as a bigint
  if (big < 0n || big >= 1n << 64n) throw new Error(`torch seed must be an integer in 0..2^64-1, got ${seed}`);
  return Number(big & 0xffffffffn);
}

export class TorchGenerator {
  private readonly mt = new Uint32Array(N);
  private index = N; // next output's slot; N means "twist first"
  /** at::normal_distribution<double>'s cached second value (the n < 16 path). */
  private nextDoubleNormal: number | null = null;

  constructor(seed: TorchSeed) {
    this.manualSeed(seed);
  }

  /** torch.manual_seed: init_genrand(low 32 bits), and the cached normal is dropped. */
  manualSeed(seed: TorchSeed): void {
    const mt = this.mt;
    mt[0] = seedLow32(seed);
    for (let j = 1; j < N; j++) {
      const prev = mt[j - 1]!;
      mt[j] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + j) >>> 0;
    }
    this.index = N;
    this.nextDoubleNormal = null;
  }

  /** MT19937's state update: 624 new untempered words (branch-free, int32 constants: this is the hot loop of advance). */
  private twist(): void {
    const mt = this.mt;
    let k = 0;
    for (; k < N - M; k++) {
      const y = (mt[k]! & UPPER) | (mt[k + 1]! & LOWER);
      mt[k] = mt[k + M]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; k < N - 1; k++) {
      const y = (mt[k]! & UPPER) | (mt[k + 1]! & LOWER);
      mt[k] = mt[k + M - N]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    const y = (mt[N - 1]! & UPPER) | (mt[0]! & LOWER);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    this.index = 0;
  }

  /** One raw 32-bit output (CPUGeneratorImpl::random). */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Discards n outputs: only the state updates are computed, no tempering, no floats. */
  advance(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`advance: n must be a non-negative integer, got ${n}`);
    let left = n;
    if (left <= N - this.index) {
      this.index += left;
      return;
    }
    left -= N - this.index;
    while (left > N) {
      this.twist();
      left -= N;
    }
    this.twist();
    this.index = left;
  }

  /** float32 uniforms in [0, 1) into out[from..to): (u & 0xFFFFFF) * 2^-24, exact. One loop per state block. */
  private fillUnitFloats(out: Float32Array, from: number, to: number): void {
    const mt = this.mt;
    let i = from;
    while (i < to) {
      if (this.index >= N) this.twist();
      const stop = Math.min(to, i + N - this.index);
      let k = this.index;
      for (; i < stop; i++) {
        let y = mt[k++]!;
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        out[i] = (y & 0xffffff) * TWO_POW_M24;
      }
      this.index = k;
    }
  }

  /** double uniform in [0, 1): random64 = (first << 32) | second, low 53 bits * 2^-53. */
  private nextUnitDouble(): number {
    const hi = this.nextUint32() & 0x1fffff;
    const lo = this.nextUint32();
    return (hi * 4294967296 + lo) * 2 ** -53;
  }

  /** Tensor.uniform_(a, b) on a contiguous float32 tensor. */
  uniform_(out: Float32Array, a = 0, b = 1): Float32Array {
    const from = Math.fround(a);
    const span = Math.fround(Math.fround(b) - from); // `to - from` in float32
    this.fillUnitFloats(out, 0, out.length);
    for (let i = 0; i < out.length; i++) out[i] = fmaF32(out[i]!, span, from);
    return out;
  }

  /** Tensor.normal_(mean, std) on a contiguous float32 tensor. */
  normal_(out: Float32Array, mean = 0, std = 1): Float32Array {
    const n = out.length;
    if (n < 16) {
      for (let i = 0; i < n; i++) out[i] = this.nextNormalDouble() * std + mean;
      return out;
    }
    const m = Math.fround(mean);
    const s = Math.fround(std);
    this.fillUnitFloats(out, 0, n);
    for (let i = 0; i + 16 <= n; i += 16) boxMuller16(out, i, m, s);
    if (n % 16 !== 0) {
      this.fillUnitFloats(out, n - 16, n);
      boxMuller16(out, n - 16, m, s);
    }
    return out;
  }

  /** Advances exactly as uniform_ on n float32 elements would. */
  skipUniform(n: number): void {
    this.advance(n);
  }

  /** Advances exactly as normal_ on n float32 elements would. */
  skipNormal(n: number): void {
    if (n < 16) this.normal_(new Float32Array(n)); // few draws, and the cached value matters
    else this.advance(n + (n % 16 === 0 ? 0 : 16));
  }

  /** at::normal_distribution<double>: r = sqrt(-2 ln(1 - u2)), theta = 2 pi u1; sin is cached. */
  private nextNormalDouble(): number {
    if (this.nextDoubleNormal !== null) {
      const v = this.nextDoubleNormal;
      this.nextDoubleNormal = null;
      return v;
    }
    const u1 = this.nextUnitDouble();
    const u2 = this.nextUnitDouble();
    const r = Math.sqrt(-2 * Math.log(1 - u2));
    const theta = 2 * Math.PI * u1;
    this.nextDoubleNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}

/**
 * normal_fill_16_AVX2 on d[i..i+16): u1 = 1 - d[i+j] (exact in float32),
 * u2 = d[i+j+8]; radius = sqrt(-2 log u1), theta = 2pi * u2 in float32;
 * d[i+j] = fma(radius cos theta, std, mean), d[i+j+8] the same with sin.
 */
function boxMuller16(d: Float32Array, i: number, mean: number, std: number): void {
  const f = Math.fround;
  for (let j = 0; j < 8; j++) {
    const u1 = 1 - d[i + j]!;
    const theta = f(TWO_PI_F32 * d[i + j + 8]!);
    const radius = f(Math.sqrt(-2 * f(Math.log(u1))));
    const n1 = f(radius * f(Math.cos(theta)));
    const n2 = f(radius * f(Math.sin(theta)));
    d[i + j] = mean === 0 ? n1 * std : fmaF32(n1, std, mean); // float32 store rounds n * std once
    d[i + j + 8] = mean === 0 ? n2 * std : fmaF32(n2, std, mean);
  }
}

/**
 * fmaf(a, b, c) for float32 a, b, c: a*b is exact in a double (24 + 24
 * bits), so only the sum needs care. Rounding it to double and then to float
 * can go wrong only when the double lands exactly halfway between two floats
 * while the exact sum does not; the two-sum error term then says which way.
 */
export function fmaF32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const f = Math.fround(s);
  if (f === s) return f;
  const v = s - p;
  const err = (p - (s - v)) + (c - v); // exact: p + c = s + err (Knuth's two-sum)
  if (err === 0) return f;
  const other = 2 * s - f; // the float on the other side when s is a midpoint
  if (Math.fround(other) !== other) return f;
  return err > 0 ? Math.max(f, other) : Math.min(f, other);
}
