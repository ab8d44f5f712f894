#!/usr/bin/python3
"""Writes the checkpoint fixtures that tests/checkpoint reads into tests/data/checkpoint/.

Run with Debian's python3-torch (the pyenv python3 has no torch):
    /usr/bin/python3 scripts/make_checkpoint_fixtures.py
The output is deterministic; commit it. CI has no Python torch and only reads the files.

Files:
  pytorch_model.bin      HF-style torch.save(model.state_dict()): an OrderedDict with _metadata,
                         three tied names sharing one storage, strided and offset views of one
                         storage, fp16 / bf16 / int64 / bool tensors (pickle protocol 2)
  pytorch_model_p4.bin   the same with pickle protocol 4 (FRAME, MEMOIZE, STACK_GLOBAL, ...)
  model.safetensors      the same tensors in safetensors, written by the hand-rolled writer below
  fairseq_args.pt        fairseq layout with a legacy argparse.Namespace "args", fp16 weights,
                         extra_state (numpy scalars, EMA weights, an object of an unknown class,
                         a set, an int wider than 64 bits), optimizer history and state
  fairseq_cfg.pt         fairseq layout with args=None and cfg={"model": {...}}
  legacy.pt              a pre-1.6 (non-zip) torch.save file
  expected.json          dtype, shape and values of every tensor above
"""

import argparse
import collections
import json
import os
import struct

import numpy as np
import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "checkpoint")


class UnknownMetric:
    """Stands for any class a C++ reader cannot know; it must stay inert there."""

    def __init__(self):
        self.value = 42


def hf_state_dict():
    torch.manual_seed(0)
    model = nn.Module()
    model.encoder = nn.Module()
    model.encoder.embed_tokens = nn.Embedding(6, 4)
    model.decoder = nn.Module()
    model.decoder.embed_tokens = model.encoder.embed_tokens  # tied: one module, two names
    model.decoder.output_projection = nn.Linear(4, 6, bias=False)
    model.decoder.output_projection.weight = model.encoder.embed_tokens.weight  # tied: a third name
    model.fc = nn.Linear(4, 3)
    model.bn = nn.BatchNorm2d(3)
    model.bn.running_mean.copy_(torch.tensor([0.5, -1.0, 2.0]))
    model.bn.running_var.copy_(torch.tensor([1.5, 0.25, 3.0]))
    model.bn.num_batches_tracked.fill_(7)
    model.register_buffer("half_values", (torch.randn(2, 3) * 4).half())
    model.register_buffer("bf16_values", (torch.randn(3) * 4).bfloat16())
    model.register_buffer("positions", torch.arange(5, dtype=torch.int64) * 3 - 4)
    model.register_buffer("flags", torch.tensor([True, False, True]))
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
    model.register_buffer("strided_view", base[1:, ::2])  # offset 6, strides (6, 2)
    model.register_buffer("transposed", base.t())  # the same storage, strides (1, 6)
    return model.state_dict()


def fairseq_model(dtype):
    torch.manual_seed(1)
    embed = torch.randn(6, 4).to(dtype)

    def rand(*shape):
        return torch.randn(*shape).to(dtype)

    state = collections.OrderedDict()
    state["encoder.version"] = torch.tensor([3.0])
    state["encoder.embed_tokens.weight"] = embed
    state["encoder.token_rp_bucket"] = torch.arange(9, dtype=torch.int64).reshape(3, 3)
    state["encoder.layers.0.self_attn.q_proj.weight"] = rand(4, 4)
    state["encoder.layers.0.self_attn.c_attn"] = rand(2)
    state["encoder.layers.0.attn_ln.weight"] = rand(4)
    state["encoder.layers.0.ffn_layernorm.bias"] = rand(8)
    state["encoder.embed_images.bn1.running_var"] = rand(2).abs()
    state["encoder.embed_images.bn1.num_batches_tracked"] = torch.tensor(11)
    state["decoder.version"] = torch.tensor([3.0])
    state["decoder.embed_tokens.weight"] = embed
    state["decoder.output_projection.weight"] = embed
    state["decoder.image_position_idx"] = torch.arange(5, dtype=torch.int64)
    state["decoder.layers.0.self_attn_ln.bias"] = rand(4)
    state["decoder.layers.0.encoder_attn.k_proj.weight"] = rand(4, 4)
    state["decoder.layers.0.encoder_attn_layer_norm.weight"] = rand(4)
    state["decoder.layers.0.cross_attn_ln.weight"] = rand(4)
    state["decoder.layers.0.ffn_layernorm.weight"] = rand(8)
    return state


MODEL_ARGS = dict(
    arch="ofa_tiny", encoder_embed_dim=4, decoder_embed_dim=4, encoder_ffn_embed_dim=8,
    decoder_ffn_embed_dim=8, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
    decoder_attention_heads=2, resnet_type="resnet50", token_bucket_size=256, image_bucket_size=42,
    attn_scale_factor=2, scale_attn=True, scale_fc=True, scale_heads=True, dropout=0.1,
    attention_dropout=0.0, activation_dropout=0.0, encoder_drop_path_rate=0.2, decoder_drop_path_rate=0.2,
    encoder_prompt=True, encoder_prompt_type="prefix", encoder_prompt_length=10,
    decoder_prompt=True, decoder_prompt_length=10, encoder_prompt_projection=False,
    max_source_positions=1024, no_scale_embedding=True, lr=[1e-3],
)


def fairseq_checkpoint(model, use_args):
    ema = collections.OrderedDict((k, v.float() * 0.5 if v.is_floating_point() else v) for k, v in model.items())
    extra_state = {
        "metrics": {"loss": np.float64(2.5), "count": np.int64(5)},
        "best": np.float64(0.75),
        "train_iterator": {"epoch": 3, "iterations_in_epoch": 10, "shuffle": True},
        "previous_training_time": 12.5,
        "ema": ema,
        "unknown": UnknownMetric(),
        "seen_ids": {1, 2, 3},
        "huge_counter": 2 ** 80,
        "raw": b"\x00\xff\x10",
    }
    checkpoint = {
        "args": argparse.Namespace(**MODEL_ARGS) if use_args else None,
        "cfg": None if use_args else {"model": dict(MODEL_ARGS), "task": {"_name": "refcoco"}},
        "model": model,
        "criterion": None,
        "optimizer_history": [{"criterion_name": "AdjustLabelSmoothedCrossEntropyCriterion",
                               "optimizer_name": "FairseqAdam", "lr_scheduler_state": {"best": np.float64(1.25)},
                               "num_updates": 100}],
        "task_state": {},
        "extra_state": extra_state,
        "last_optimizer_state": {"state": {0: {"exp_avg": torch.ones(3), "step": 100}},
                                 "param_groups": [{"lr": 1e-3, "params": [0]}]},
    }
    return checkpoint


SAFETENSORS_DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
                      torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
                      torch.uint8: "U8", torch.bool: "BOOL"}


def write_safetensors(path, tensors, metadata):
    """The safetensors layout, by hand: u64 header length, JSON header, one data buffer."""
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        raw = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
        header[name] = {"dtype": SAFETENSORS_DTYPES[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def describe(tensors):
    return {name: {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape),
                   "values": t.double().flatten().tolist()} for name, t in tensors.items()}


def main():
    os.makedirs(OUT, exist_ok=True)
    hf = hf_state_dict()
    torch.save(hf, os.path.join(OUT, "pytorch_model.bin"))
    torch.save(hf, os.path.join(OUT, "pytorch_model_p4.bin"), pickle_protocol=4)
    write_safetensors(os.path.join(OUT, "model.safetensors"), dict(hf), {"format": "pt", "source": "fixture"})

    fairseq_fp16 = fairseq_model(torch.float16)
    fairseq_fp32 = fairseq_model(torch.float32)
    torch.save(fairseq_checkpoint(fairseq_fp16, use_args=True), os.path.join(OUT, "fairseq_args.pt"))
    torch.save(fairseq_checkpoint(fairseq_fp32, use_args=False), os.path.join(OUT, "fairseq_cfg.pt"))
    torch.save({"weight": torch.ones(2)}, os.path.join(OUT, "legacy.pt"), _use_new_zipfile_serialization=False)

    expected = {
        "hf": describe(hf),
        "fairseq_args": describe(fairseq_fp16),
        "fairseq_args_ema": describe(fairseq_checkpoint(fairseq_fp16, True)["extra_state"]["ema"]),
        "fairseq_cfg": describe(fairseq_fp32),
    }
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
