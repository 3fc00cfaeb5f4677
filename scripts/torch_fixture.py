#!/usr/bin/env python3
"""Writes tests/fixtures/torch-init.json: what PyTorch's CPU generator gives,
for src/model/torchRandom.ts and src/model/torchInit.ts to be checked against
(the tests read this file, never PyTorch).

Run with Debian's PyTorch 1.13 (torch only):  /usr/bin/python3 scripts/torch_fixture.py

- raw 32-bit outputs after torch.manual_seed(s): torch.randint(0, 2**32 - 1)
  draws one 32-bit output per element and returns it modulo 2**32 - 1, so it
  is the raw output unless that was 2**32 - 1 (probability 2**-32; checked
  below against the int64 random_(), which returns ((r1 mod 2**31) << 32) | r2);
- Tensor.uniform_ and Tensor.normal_ on float32 tensors, as float32 bit
  patterns (first and last values, and where the generator stands after:
  the next raw outputs);
- initial weights of LlamaForCausalLM(config) builds. Hugging Face
  transformers is not installable here, so the model's draws are rebuilt
  with plain torch.nn.Embedding / torch.nn.Linear constructions in HF's
  construction order, then normal_(0, initializer_range) in HF's post_init
  order (SPEC 1b): embed_tokens, per layer q, k, v, o, gate, up, down
  (module defaults: Embedding normal_(0, 1), Linear kaiming_uniform_), then
  LlamaModel.post_init normals in the same order, then lm_head (Linear
  default) and LlamaForCausalLM.post_init's normal_ on lm_head alone.
  RMSNorm weights are ones and draw nothing.
"""
import json
import os

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "torch-init.json")
CONFIGS = {
    "notebook": dict(V=32, D=256, I=512, L=2),
    "tiny": dict(V=32, D=32, I=64, L=2),
    # embed (12) and down_proj (8) are under 16 elements: torch's other normal_ path
    "odd": dict(V=3, D=4, I=2, L=1),
}
INIT_STD = 0.02


def bits(t):
    """float32 tensor -> list of uint32 bit patterns"""
    return [v & 0xFFFFFFFF for v in t.contiguous().view(torch.int32).tolist()]


def raw(n):
    return torch.randint(0, 2**32 - 1, (n,), dtype=torch.int64).tolist()


def check_raw_reader():
    torch.manual_seed(42)
    a = raw(64)
    torch.manual_seed(42)
    b = torch.empty(32, dtype=torch.int64).random_().tolist()
    for k, v in enumerate(b):
        assert v == ((a[2 * k] % 2**31) << 32) | a[2 * k + 1], "randint does not expose raw outputs"


def raw_cases():
    out = []
    for seed, offset, n in [(42, 0, 16), (42, 620, 10), (42, 1246, 5), (5489, 0, 4), (2**40 + 42, 0, 4), (2**64 - 1, 0, 4)]:
        torch.manual_seed(seed)
        out.append({"seed": str(seed), "offset": offset, "values": raw(offset + n)[offset:]})
    return out


def op(kind, n, a, b, keep_all=False):
    t = torch.empty(n)
    if kind == "uniform":
        t.uniform_(a, b)
    else:
        t.normal_(a, b)
    v = bits(t)
    rec = {"op": kind, "n": n, "a": a, "b": b}
    if keep_all or n <= 16:
        rec["all"] = v
    else:
        rec["head"], rec["tail"] = v[:8], v[-8:]
        rec["sum"] = t.double().sum().item()
    return rec


def sequence_cases():
    """Each case: manual_seed, a few ops in a row, then the next raw outputs (where the generator stands)."""
    plans = [
        (42, [("uniform", 5, 0.0, 1.0), ("uniform", 37, -0.7, 0.3)]),
        # fma(x, b - a, a): rounding the sum through a double would differ on about 1 in 8 of these
        (42, [("uniform", 200, -(2.0**-60), 1.5, True)]),
        (7, [("uniform", 100, -0.0625, 0.0625)]),
        (42, [("normal", 16, 0.0, 1.0), ("normal", 37, 0.0, 1.0)]),
        (42, [("normal", 100, 0.5, 2.0), ("normal", 4101, 0.0, 0.02)]),
        (1, [("normal", 512, 0.0, 1.0, True)]),
        # n < 16: double Box-Muller with the second value cached across calls
        (3, [("normal", 5, 0.5, 2.0), ("normal", 3, 0.0, 1.0), ("normal", 20, 0.0, 1.0), ("normal", 1, 0.0, 1.0)]),
    ]
    out = []
    for seed, ops in plans:
        torch.manual_seed(seed)
        recs = [op(*o) for o in ops]
        out.append({"seed": str(seed), "ops": recs, "next_raw": raw(3)})
    return out


def build_llama(V, D, I, L):
    """One LlamaForCausalLM(config)'s draws, in HF's order; returns {HF name: weight}."""
    mods = {"model.embed_tokens.weight": torch.nn.Embedding(V, D)}
    for i in range(L):
        p = f"model.layers.{i}"
        for n in "qkvo":
            mods[f"{p}.self_attn.{n}_proj.weight"] = torch.nn.Linear(D, D, bias=False)
        mods[f"{p}.mlp.gate_proj.weight"] = torch.nn.Linear(D, I, bias=False)
        mods[f"{p}.mlp.up_proj.weight"] = torch.nn.Linear(D, I, bias=False)
        mods[f"{p}.mlp.down_proj.weight"] = torch.nn.Linear(I, D, bias=False)
    with torch.no_grad():
        for m in mods.values():  # LlamaModel.post_init, module post-order
            m.weight.normal_(0.0, INIT_STD)
        lm_head = torch.nn.Linear(D, V, bias=False)
        lm_head.weight.normal_(0.0, INIT_STD)  # LlamaForCausalLM.post_init: lm_head only
    out = {k: m.weight.detach() for k, m in mods.items()}
    out["lm_head.weight"] = lm_head.weight.detach()
    return out


def weight_cases():
    out = []
    for name, c in CONFIGS.items():
        torch.manual_seed(42)
        builds = [build_llama(**c) for _ in range(4)]
        for b in (1, 4):
            tensors = {}
            for k, w in builds[b - 1].items():
                v = bits(w.flatten())
                rec = {"all": v} if len(v) <= 16 else {"head": v[:4], "tail": v[-4:]}
                rec["sum"] = w.double().sum().item()
                rec["sum_abs"] = w.double().abs().sum().item()
                tensors[k] = rec
            out.append({"config": name, "seed": 42, "build": b, "tensors": tensors})
    return out


def main():
    check_raw_reader()
    data = {
        "about": "written by scripts/torch_fixture.py; float32 values as uint32 bit patterns",
        "torch": torch.__version__,
        "cpu_capability": next((l.split(":")[1].strip() for l in torch.__config__.show().splitlines() if "CPU capability" in l), ""),
        "raw": raw_cases(),
        "sequences": sequence_cases(),
        "weights": weight_cases(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(data, f, separators=(",", ":"))
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
