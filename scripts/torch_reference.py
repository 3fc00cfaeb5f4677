#!/usr/bin/env python3
"""The MA-RLHF DPO notebook's experiment in PyTorch, as an independent reference.

Implements LlamaForCausalLM's forward (HF semantics: RMSNorm, rotate-half RoPE,
causal MHA, SwiGLU, untied lm_head) on HF-named weights, and the notebook's
train_XPO loop literally: chosen and rejected are separate sequences, get_probs
gathers log_softmax(logits)[t, token_t] with no shift, token-level DPO/IPO
averaged over the answer mask, torch.optim.SGD / torch.optim.Adam.

Usage:
  torch_reference.py --policy P.safetensors --reference R.safetensors --runs runs.json
                     --steps N [--json out.json] [--time]
runs.json: [{"loss": "dpo"|"ipo", "beta": 0.1, "lr": 1e-4, "optimizer": "sgd"|"adam"}, ...]
Only the notebook setting is supported: one pair, same-position scoring, token-level losses.
"""
import argparse
import json
import math
import struct
import time

import numpy as np
import torch
import torch.nn.functional as F

CHOSEN = [5, 8, 9, 10, 5, 3, 16, 29, 18, 17]
REJECTED = [5, 8, 9, 10, 5, 3, 26, 14, 31, 0]
PROMPT_LEN = 6


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    data = raw[8 + n :]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        assert e["dtype"] == "F32", e["dtype"]
        b, end = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[b:end], dtype="<f4").copy().reshape(e["shape"]))
    return out


class Llama(torch.nn.Module):
    def __init__(self, sd, eps=1e-6, theta=10000.0):
        super().__init__()
        self.p = torch.nn.ParameterDict({k.replace(".", "__"): torch.nn.Parameter(v.clone()) for k, v in sd.items()})
        self.eps, self.theta = eps, theta
        self.layers = len({k.split(".")[2] for k in sd if k.startswith("model.layers.")})
        self.dim = sd["model.embed_tokens.weight"].shape[1]
        self.heads = None

    def w(self, name):
        return self.p[name.replace(".", "__")]

    def rms(self, x, w):
        var = x.pow(2).mean(-1, keepdim=True)
        return w * (x * torch.rsqrt(var + self.eps))

    def forward(self, ids, heads):
        T = ids.shape[1]
        hd = self.dim // heads
        x = self.w("model.embed_tokens.weight")[ids]  # (1, T, D)
        inv = 1.0 / (self.theta ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
        freqs = torch.outer(torch.arange(T, dtype=torch.float32), inv)
        emb = torch.cat([freqs, freqs], -1)
        cos, sin = emb.cos(), emb.sin()

        def rot(t):  # rotate_half
            return torch.cat([-t[..., hd // 2 :], t[..., : hd // 2]], -1)

        mask = torch.full((T, T), float("-inf")).triu(1)
        for i in range(self.layers):
            p = f"model.layers.{i}"
            h = self.rms(x, self.w(f"{p}.input_layernorm.weight"))
            q, k, v = (
                (h @ self.w(f"{p}.self_attn.{n}_proj.weight").T).view(1, T, heads, hd).transpose(1, 2) for n in "qkv"
            )
            q, k = q * cos + rot(q) * sin, k * cos + rot(k) * sin
            att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(hd) + mask, -1)
            ctx = (att @ v).transpose(1, 2).reshape(1, T, self.dim)
            x = x + ctx @ self.w(f"{p}.self_attn.o_proj.weight").T
            h = self.rms(x, self.w(f"{p}.post_attention_layernorm.weight"))
            g = h @ self.w(f"{p}.mlp.gate_proj.weight").T
            u = h @ self.w(f"{p}.mlp.up_proj.weight").T
            x = x + (F.silu(g) * u) @ self.w(f"{p}.mlp.down_proj.weight").T
        return self.rms(x, self.w("model.norm.weight")) @ self.w("lm_head.weight").T


def get_probs(logits, ids):
    # the notebook's get_probs: no shift, position t scores token t
    return torch.gather(F.log_softmax(logits, -1), 2, ids.unsqueeze(-1)).squeeze(-1)


def train(policy_sd, ref_logps, run, steps, heads):
    model = Llama(policy_sd)
    opt = (torch.optim.Adam if run["optimizer"] == "adam" else torch.optim.SGD)(model.parameters(), lr=run["lr"])
    c, r = torch.tensor([CHOSEN]), torch.tensor([REJECTED])
    mask = torch.tensor([[0] * PROMPT_LEN + [1] * (len(CHOSEN) - PROMPT_LEN)], dtype=torch.float32)
    beta = run["beta"]
    out = {"loss": [], "pi_rej": [], "sigma_margin": [], "h_last": []}
    for _ in range(steps):
        opt.zero_grad()
        pc, pr = get_probs(model(c, heads), c), get_probs(model(r, heads), r)
        logits = (pc - pr) - (ref_logps[0] - ref_logps[1])
        if run["loss"] == "dpo":
            losses = -F.logsigmoid(beta * logits) * mask
        else:
            losses = torch.square(logits - 1.0 / (beta * 2.0)) * mask
        loss = losses.sum(-1) / mask.sum()
        loss.backward()
        opt.step()
        out["loss"].append(loss.item())
        out["pi_rej"].append(torch.exp(pr[:, -1]).item())
        out["sigma_margin"].append(torch.sigmoid(beta * logits)[:, -1].item())
        out["h_last"].append(logits[:, -1].item())
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--policy", required=True)
    ap.add_argument("--reference", required=True)
    ap.add_argument("--runs", required=True)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--json")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    policy_sd, ref_sd = read_safetensors(a.policy), read_safetensors(a.reference)
    runs = json.load(open(a.runs))
    ref = Llama(ref_sd)
    with torch.no_grad():
        c, r = torch.tensor([CHOSEN]), torch.tensor([REJECTED])
        ref_logps = (get_probs(ref(c, a.heads), c), get_probs(ref(r, a.heads), r))
    t0 = time.perf_counter()
    results = [train(policy_sd, ref_logps, run, a.steps, a.heads) for run in runs]
    seconds = time.perf_counter() - t0
    summary = {"seconds": seconds, "steps": a.steps, "runs": len(runs), "threads": torch.get_num_threads(),
               "torch": torch.__version__, "results": results}
    if a.json:
        with open(a.json, "w") as f:
            json.dump(summary, f)
    print(f"torch {torch.__version__}: {len(runs)} runs x {a.steps} steps in {seconds:.2f} s "
          f"({a.steps / seconds:.2f} steps/s, {torch.get_num_threads()} threads)")


if __name__ == "__main__":
    main()
