/**
 * A deliberately naive float64 LlamaForCausalLM forward, written from the HF
 * modeling_llama formulas with plain loops over HF-named weights: no fusion,
 * no packing, no tfjs. The engine is checked against it.
 */
import type { ParamSet } from '../../../src/model/params';

type Vec = Float64Array;

function matVec(w: Float32Array, rows: number, cols: number, x: Vec): Vec {
  // w is [rows, cols] (HF [out, in]); returns w @ x
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += w[r * cols + c]! * x[c]!;
    y[r] = s;
  }
  return y;
}

function rmsNorm(x: Vec, w: Float32Array, eps: number): Vec {
  let ms = 0;
  for (const v of x) ms += v * v;
  const inv = 1 / Math.sqrt(ms / x.length + eps);
  return x.map((v, i) => v * inv * w[i]!);
}

/** Logits [T][V] of one sequence; positions default to 0..T-1, attention is causal. */
export function referenceLogits(p: ParamSet, tokens: number[], positions = tokens.map((_, i) => i)): number[][] {
  const c = p.config;
  const D = c.hiddenSize;
  const H = c.numHeads;
  const hd = D / H;
  const I = c.intermediateSize;
  const W = (n: string) => p.tensors.get(n)!;
  const E = W('model.embed_tokens.weight');
  let xs: Vec[] = tokens.map((t) => Float64Array.from(E.subarray(t * D, (t + 1) * D)));
  const rope = (v: Vec, pos: number): Vec => {
    const out = new Float64Array(D);
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < hd / 2; i++) {
        const a = pos * Math.pow(c.ropeTheta, (-2 * i) / hd);
        const x1 = v[h * hd + i]!;
        const x2 = v[h * hd + i + hd / 2]!;
        out[h * hd + i] = x1 * Math.cos(a) - x2 * Math.sin(a);
        out[h * hd + i + hd / 2] = x2 * Math.cos(a) + x1 * Math.sin(a);
      }
    }
    return out;
  };
  for (let l = 0; l < c.numLayers; l++) {
    const pre = `model.layers.${l}`;
    const hs = xs.map((x) => rmsNorm(x, W(`${pre}.input_layernorm.weight`), c.rmsNormEps));
    const q = hs.map((h, t) => rope(matVec(W(`${pre}.self_attn.q_proj.weight`), D, D, h), positions[t]!));
    const k = hs.map((h, t) => rope(matVec(W(`${pre}.self_attn.k_proj.weight`), D, D, h), positions[t]!));
    const v = hs.map((h) => matVec(W(`${pre}.self_attn.v_proj.weight`), D, D, h));
    xs = xs.map((x, t) => {
      const ctx = new Float64Array(D);
      for (let h = 0; h < H; h++) {
        const scores: number[] = [];
        for (let s = 0; s <= t; s++) {
          let dot = 0;
          for (let i = 0; i < hd; i++) dot += q[t]![h * hd + i]! * k[s]![h * hd + i]!;
          scores.push(dot / Math.sqrt(hd));
        }
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, b) => a + b, 0);
        for (let s = 0; s <= t; s++) for (let i = 0; i < hd; i++) ctx[h * hd + i] += (e[s]! / z) * v[s]![h * hd + i]!;
      }
      const o = matVec(W(`${pre}.self_attn.o_proj.weight`), D, D, ctx);
      return x.map((xi, i) => xi + o[i]!);
    });
    xs = xs.map((x) => {
      const h = rmsNorm(x, W(`${pre}.post_attention_layernorm.weight`), c.rmsNormEps);
      const g = matVec(W(`${pre}.mlp.gate_proj.weight`), I, D, h);
      const u = matVec(W(`${pre}.mlp.up_proj.weight`), I, D, h);
      const a = g.map((gi, i) => (gi / (1 + Math.exp(-gi))) * u[i]!); // silu(gate) * up
      const d = matVec(W(`${pre}.mlp.down_proj.weight`), D, I, a);
      return x.map((xi, i) => xi + d[i]!);
    });
  }
  return xs.map((x) => Array.from(matVec(W('lm_head.weight'), c.vocabSize, D, rmsNorm(x, W('model.norm.weight'), c.rmsNormEps))));
}

export function logSoftmax(row: number[]): number[] {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((a, b) => a + Math.exp(b - m), 0));
  return row.map((v) => v - lse);
}
