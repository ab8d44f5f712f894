#!/usr/bin/env python3
"""The PyTorch reference that issue 8 measures ofapt against, on the GPU machine's PyTorch 2.x.

An OFA encoder-decoder written to ../shared/ofa-spec.md in plain eager PyTorch (no ofapt code):
NormFormer pre-LN layers, q scaled by (2*hd)^-0.5, an additive position bias in every self-attention
(random here: only its shape and cost matter), prompt tuning as per-layer prefix K/V (no bias on the
prompt columns), the tied output projection over the 59,457-token vocabulary, label-smoothed cross
entropy, AdamW, bf16 autocast with fp32 master weights, and torch's fused scaled_dot_product_attention.
The ResNet stem is left out on both sides for frozen methods: ofapt caches the frozen image features,
so the reference is handed the patch features too (finetuning rows include no ResNet either: compare
them with ofapt's `train_step_bench --no-cache` minus its ResNet, or read them as transformer-only).

It prints one JSON line per measurement, as ofapt's own benches do:
  python3 bench/reference/ofa_reference_bench.py --method prompt --length 64 --batch 32
  python3 bench/reference/ofa_reference_bench.py --method finetune --batch 32
  python3 bench/reference/ofa_reference_bench.py --generate --batch 16 --beam 5
Shapes default to ofapt's `train_step_bench --preset base --image-size 480 --source-len 20 --target-len 10`.
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Attention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads, self.hd = heads, d // heads
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.ln = nn.LayerNorm(d)  # NormFormer: LN on the attention output
        self.gain = nn.Parameter(torch.ones(heads))  # per-head gains (c_attn)

    def split(self, x):
        b, t, _ = x.shape
        return x.view(b, t, self.heads, self.hd).transpose(1, 2)

    def forward(self, x, memory=None, bias=None, prefix=None, cache=None):
        q = self.split(self.q(x) * (2 * self.hd) ** -0.5)
        source = x if memory is None else memory
        if cache is not None and "k" in cache and memory is not None:
            k, v = cache["k"], cache["v"]  # cross-attention K/V, computed once
        else:
            k, v = self.split(self.k(source)), self.split(self.v(source))
            if cache is not None and memory is None and "k" in cache:  # decoder self-attention, one step
                k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
            if cache is not None:
                cache["k"], cache["v"] = k, v
        if prefix is not None:  # prompt K/V in front; the prompt columns take no position bias
            pk, pv = prefix
            k, v = torch.cat([pk, k], 2), torch.cat([pv, v], 2)
            if bias is not None:
                bias = F.pad(bias, (pk.shape[2], 0))
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=bias, scale=1.0)
        out = out * self.gain.view(1, -1, 1, 1)
        b, h, t, hd = out.shape
        return self.o(self.ln(out.transpose(1, 2).reshape(b, t, h * hd)))


class Layer(nn.Module):
    def __init__(self, d, heads, ffn, cross):
        super().__init__()
        self.self_ln, self.self_attn = nn.LayerNorm(d), Attention(d, heads)
        self.cross = cross
        if cross:
            self.cross_ln, self.cross_attn = nn.LayerNorm(d), Attention(d, heads)
        self.ffn_ln, self.fc1, self.mid_ln, self.fc2 = nn.LayerNorm(d), nn.Linear(d, ffn), nn.LayerNorm(ffn), nn.Linear(ffn, d)

    def forward(self, x, bias, prefix=None, memory=None, cache=None):
        x = x + self.self_attn(self.self_ln(x), bias=bias, prefix=prefix, cache=None if cache is None else cache[0])
        if self.cross:
            x = x + self.cross_attn(self.cross_ln(x), memory=memory, cache=None if cache is None else cache[1])
        return x + self.fc2(self.mid_ln(F.gelu(self.fc1(self.ffn_ln(x)))))


class Ofa(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.a = a
        self.embed = nn.Embedding(a.vocab, a.d)
        self.encoder = nn.ModuleList(Layer(a.d, a.heads, a.ffn, False) for _ in range(a.layers))
        self.decoder = nn.ModuleList(Layer(a.d, a.heads, a.ffn, True) for _ in range(a.layers))
        self.enc_ln, self.dec_ln = nn.LayerNorm(a.d), nn.LayerNorm(a.d)
        self.prompts = None

    def add_prompts(self, length):
        # P-tuning v2 table, layers x (key, value) x length x d per stack, as OFA-PT's plain reparameterisation.
        self.prompts = nn.ParameterDict({
            stack: nn.Parameter(torch.randn(self.a.layers, 2, length, self.a.d) * 0.02) for stack in ("enc", "dec")})

    def prefix(self, stack, layer, batch):
        if self.prompts is None:
            return None
        table = self.prompts[stack][layer]  # [2, P, d]
        heads, hd = self.a.heads, self.a.d // self.a.heads
        kv = table.view(2, 1, -1, heads, hd).transpose(2, 3).expand(2, batch, heads, -1, hd)
        return kv[0], kv[1]

    def encode(self, features, tokens, bias):
        x = torch.cat([features, self.embed(tokens)], 1)
        for i, layer in enumerate(self.encoder):
            x = layer(x, bias, self.prefix("enc", i, x.shape[0]))
        return self.enc_ln(x)

    def decode(self, memory, prev, bias, caches=None):
        x = self.embed(prev)
        for i, layer in enumerate(self.decoder):
            x = layer(x, bias, self.prefix("dec", i, x.shape[0]), memory, None if caches is None else caches[i])
        return F.linear(self.dec_ln(x), self.embed.weight)  # tied output projection


def shapes(a, device, batch):
    patches = (a.image_size // 16) ** 2
    features = torch.randn(batch, patches, a.d, device=device)
    tokens = torch.randint(4, 50000, (batch, a.source_len), device=device)
    le, ld = patches + a.source_len, a.target_len
    enc_bias = torch.randn(batch, a.heads, le, le, device=device) * 0.1
    causal = torch.full((ld, ld), float("-inf"), device=device).triu(1)
    dec_bias = torch.randn(batch, a.heads, ld, ld, device=device) * 0.1 + causal
    prev = torch.randint(4, 50000, (batch, ld), device=device)
    target = torch.randint(4, 50000, (batch, ld), device=device)
    return features, tokens, enc_bias, dec_bias, prev, target


def training(a, device):
    torch.manual_seed(0)
    model = Ofa(a).to(device)
    if a.method == "prompt":
        model.requires_grad_(False)
        model.add_prompts(a.length)
        model.to(device)
    trained = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trained, lr=1e-4, fused=device.type == "cuda")
    features, tokens, enc_bias, dec_bias, prev, target = shapes(a, device, a.batch)
    torch.cuda.reset_peak_memory_stats(device)
    times = []
    for step in range(a.warmup + a.steps):
        torch.cuda.synchronize(device)
        start = time.perf_counter()
        with torch.autocast("cuda", dtype=torch.bfloat16):
            logits = model.decode(model.encode(features, tokens, enc_bias), prev, dec_bias)
            loss = F.cross_entropy(logits.float().view(-1, a.vocab), target.view(-1), label_smoothing=0.1)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trained, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        torch.cuda.synchronize(device)
        if step >= a.warmup:
            times.append(time.perf_counter() - start)
    median = sorted(times)[len(times) // 2]
    return {"reference": "eager PyTorch " + torch.__version__, "method": a.method, "length": a.length if a.method == "prompt" else 0,
            "batch": a.batch, "median_ms_per_update": median * 1e3, "samples_per_s": a.batch / median,
            "trainable_parameters": sum(p.numel() for p in trained),
            "peak_allocated_mib": torch.cuda.max_memory_allocated(device) / 2**20}


@torch.inference_mode()
def generation(a, device):
    torch.manual_seed(0)
    model = Ofa(a).to(device).eval()
    if a.length > 0:
        model.add_prompts(a.length)
        model.to(device)
    features, tokens, enc_bias, _, _, _ = shapes(a, device, a.batch)
    beam, n = a.beam, a.batch * a.beam

    def search():
        with torch.autocast("cuda", dtype=torch.bfloat16):
            memory = model.encode(features, tokens, enc_bias).repeat_interleave(beam, 0)
            caches = [[{}, {}] for _ in model.decoder]
            prev = torch.zeros(n, 1, dtype=torch.long, device=device)
            scores = torch.zeros(a.batch, beam, device=device)
            scores[:, 1:] = float("-inf")  # the first step expands one hypothesis per sample
            out = [prev]
            for step in range(a.max_len):
                logits = model.decode(memory, prev, None, caches)[:, -1].float()
                logp = F.log_softmax(logits, -1).view(a.batch, beam, -1) + scores.unsqueeze(-1)
                scores, index = logp.view(a.batch, -1).topk(beam, -1)
                origin = (index // a.vocab + torch.arange(a.batch, device=device).unsqueeze(1) * beam).view(-1)
                prev = (index % a.vocab).view(n, 1)
                for self_cache, _ in caches:  # reorder the self-attention caches by the chosen beams
                    self_cache["k"], self_cache["v"] = self_cache["k"][origin], self_cache["v"][origin]
                out = [o[origin] for o in out] + [prev]
            return torch.cat(out, 1)

    search()
    torch.cuda.synchronize(device)
    start = time.perf_counter()
    for _ in range(a.iterations):
        search()
    torch.cuda.synchronize(device)
    seconds = time.perf_counter() - start
    return {"reference": "eager PyTorch " + torch.__version__, "generate": True, "length": a.length, "batch": a.batch,
            "beam": beam, "max_len": a.max_len, "ms_per_batch": seconds * 1e3 / a.iterations,
            "generated_tokens_per_s": a.batch * a.max_len * a.iterations / seconds}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--d", type=int, default=768)
    p.add_argument("--layers", type=int, default=6)
    p.add_argument("--heads", type=int, default=12)
    p.add_argument("--ffn", type=int, default=3072)
    p.add_argument("--vocab", type=int, default=59457)
    p.add_argument("--image-size", type=int, default=480)
    p.add_argument("--source-len", type=int, default=20)
    p.add_argument("--target-len", type=int, default=10)
    p.add_argument("--method", choices=["prompt", "finetune"], default="prompt")
    p.add_argument("--length", type=int, default=64, help="prompt length (0 with --generate: the bare model)")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=4)
    p.add_argument("--generate", action="store_true")
    p.add_argument("--beam", type=int, default=5)
    p.add_argument("--max-len", type=int, default=16)
    p.add_argument("--iterations", type=int, default=3)
    a = p.parse_args()
    device = torch.device("cuda")
    print(json.dumps(generation(a, device) if a.generate else training(a, device)))


if __name__ == "__main__":
    main()
