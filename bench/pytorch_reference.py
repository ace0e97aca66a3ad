#!/usr/bin/env python3
"""PyTorch eager reference for `scaleplan execute` on scenarios/tiny-gpt-cpu.json (README, execute -> Speed).

The same model and step as the executor (Executor/Model, Executor/Training/Trainer.cs): a GPT with learned positions,
pre-LayerNorm blocks, unfused causal attention (scores / sqrt(d) + mask -> softmax -> values, as the scenario's
"flashAttention": false selects), a GeLU MLP, biases, no dropout, an output layer tied to the token embedding, GPT-2's
initialisation N(0, 0.02^2); fp32; the global batch taken as micro-batches with gradient accumulation, the loss read with
.item() after every micro-batch (as the executor does), the global norm clipped to 1, AdamW (weight decay 0.1 on every
parameter, PyTorch/TorchSharp defaults otherwise) with the executor's warm-up + cosine schedule. Tokens are uniform random
ids: the data path is not what this compares (the executor's data wait is reported separately).

Prints the median step time and the mean tokens/s after the two warm-up steps, the figures `execute` reports.
Run through bench/run-reference.sh, which installs Debian's python3-torch; not part of the project's build or CI.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

WARMUP_STEPS = 2  # as Reports/ExecutionReport.cs: JIT, allocator and caches settle in the first two steps


class Attention(nn.Module):
    def __init__(self, hidden, heads, sequence):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.q_proj, self.k_proj = nn.Linear(hidden, hidden), nn.Linear(hidden, hidden)
        self.v_proj, self.o_proj = nn.Linear(hidden, hidden), nn.Linear(hidden, hidden)
        self.register_buffer("mask", torch.full((sequence, sequence), float("-inf")).triu(1))

    def forward(self, x):
        b, t, c = x.shape
        q = self.q_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)  # (B, nh, T, hs)
        k = self.k_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        y = ((q @ k.transpose(-2, -1)) / math.sqrt(self.head_dim) + self.mask[:t, :t]).softmax(-1) @ v
        return self.o_proj(y.transpose(1, 2).reshape(b, t, c))


class Block(nn.Module):
    def __init__(self, hidden, heads, ffn, sequence):
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(hidden), nn.LayerNorm(hidden)
        self.attn = Attention(hidden, heads, sequence)
        self.up_proj, self.down_proj = nn.Linear(hidden, ffn), nn.Linear(ffn, hidden)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.down_proj(F.gelu(self.up_proj(self.ln_2(x))))


class Gpt(nn.Module):
    def __init__(self, layers, hidden, heads, ffn, vocab, sequence):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, hidden), nn.Embedding(sequence, hidden)
        self.h = nn.ModuleList([Block(hidden, heads, ffn, sequence) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(hidden)
        for module in self.modules():  # GPT-2's initialisation, as GptModel.Initialise
            if isinstance(module, (nn.Linear, nn.Embedding)):
                nn.init.normal_(module.weight, 0, 0.02)
            if isinstance(module, nn.Linear):
                nn.init.zeros_(module.bias)

    def forward(self, idx):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for block in self.h:
            x = block(x)
        return self.ln_f(x) @ self.wte.weight.t()  # tied output layer


def learning_rate(step, peak, warmup, total, floor_ratio=0.1):
    """Executor/Training/LearningRateSchedule.cs: linear warm-up, cosine decay to 10 % (Loshchilov & Hutter 2017, eq. 5)."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    floor = peak * floor_ratio
    return floor + 0.5 * (peak - floor) * (1 + math.cos(math.pi * progress))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="../scenarios/tiny-gpt-cpu.json")
    parser.add_argument("--micro-batch", type=int, default=4)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    with open(args.scenario) as f:
        scenario = json.load(f)
    m, training = scenario["model"], scenario["training"]
    assert m.get("tiedEmbeddings") and m.get("biases") and not m.get("dropout") and not training.get("flashAttention"), \
        "this reference builds the tied, biased, dropout-free, unfused-attention GPT of tiny-gpt-cpu.json only"
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    hidden, sequence, vocab = m["hidden"], m["sequenceLength"], m["vocab"]
    model = Gpt(m["layers"], hidden, m["heads"], m.get("ffnHidden", 4 * hidden), vocab, sequence)
    params = sum(p.numel() for p in model.parameters())
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.1)
    accumulation = training["globalBatchSize"] // args.micro_batch
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads, {params:,} parameters, "
          f"micro-batch {args.micro_batch} x {accumulation} accumulation, T = {sequence}")
    step_seconds, tokens_per_second = [], []
    for step in range(args.steps):
        start = time.perf_counter()
        optimizer.zero_grad(set_to_none=False)
        loss_sum = 0.0
        for _ in range(accumulation):
            rows = torch.randint(vocab, (args.micro_batch, sequence + 1))
            inputs, targets = rows[:, :-1], rows[:, 1:]
            loss = F.cross_entropy(model(inputs).view(-1, vocab), targets.reshape(-1)) / accumulation
            loss.backward()
            loss_sum += loss.item()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step, 1e-3, max(1, args.steps // 10), args.steps)
        optimizer.step()
        seconds = time.perf_counter() - start
        step_seconds.append(seconds)
        tokens_per_second.append(training["globalBatchSize"] * sequence / seconds)
        print(f"step {step + 1}/{args.steps}: loss {loss_sum:.4f}, {seconds:.3f} s")
    measured = slice(min(WARMUP_STEPS, args.steps - 1), None)
    print(f"median step time {statistics.median(step_seconds[measured]) * 1e3:.1f} ms, "
          f"mean {statistics.mean(tokens_per_second[measured]):,.0f} tokens/s (after {WARMUP_STEPS} warm-up steps)")


if __name__ == "__main__":
    main()
