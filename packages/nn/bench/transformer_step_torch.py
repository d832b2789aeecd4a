#!/usr/bin/python3
"""The PyTorch side of bench/transformer-step.ts: one training step of nn.TransformerEncoderLayer (batch 16,
sequence 128, d_model 256, 4 heads, feed-forward 1024, dropout 0.1, batch_first, Adam; loss mean(y^2)).
Run with Debian's torch 1.13: /usr/bin/python3 packages/nn/bench/transformer_step_torch.py. Not run by CI."""
import resource
import time

import torch
from torch import nn

batch, seq, d_model, heads = 16, 128, 256, 4
torch.manual_seed(0)
layer = nn.TransformerEncoderLayer(d_model, heads, dim_feedforward=4 * d_model, batch_first=True)
optimizer = torch.optim.Adam(layer.parameters(), lr=1e-4)
x = torch.randn(batch, seq, d_model)


def step():
    optimizer.zero_grad()
    layer(x).square().mean().backward()
    optimizer.step()


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


for _ in range(2):
    step()
walls, cpus = [], []
for _ in range(9):
    c0, t0 = cpu_seconds(), time.perf_counter()
    step()
    walls.append((time.perf_counter() - t0) * 1000)
    cpus.append((cpu_seconds() - c0) * 1000)
median = lambda values: sorted(values)[len(values) // 2]
print(f'torch {torch.__version__} ({torch.get_num_threads()} threads) TransformerEncoderLayer training step '
      f'(batch {batch}, seq {seq}, d {d_model}, {heads} heads, ff {4 * d_model}, Adam)')
print(f'  wall {median(walls):.1f} ms/step (median of {len(walls)}), cpu {median(cpus):.1f} ms/step')
