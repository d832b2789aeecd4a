#!/usr/bin/python3
"""PyTorch 1.13's figure for bench/lstm-step.ts: the same LSTM training step (batch 32, seq 64, input = hidden
256, float32, mean-square loss, SGD), median of several runs. Run with Debian's torch:
/usr/bin/python3 packages/nn/bench/lstm_step_torch.py  (not run by CI)."""
import os
import statistics
import time

import torch

batch, steps, size = 32, 64, 256
torch.manual_seed(0)
lstm = torch.nn.LSTM(size, size)
optimizer = torch.optim.SGD(lstm.parameters(), lr=0.01)
x = torch.randn(steps, batch, size)


def train_step():
    optimizer.zero_grad()
    output, _ = lstm(x)
    output.square().mean().backward()
    optimizer.step()


for _ in range(2):
    train_step()
walls, cpus = [], []
for _ in range(9):
    c0, t0 = time.process_time(), time.perf_counter()
    train_step()
    walls.append((time.perf_counter() - t0) * 1000)
    cpus.append((time.process_time() - c0) * 1000)
print(f'PyTorch {torch.__version__} LSTM training step (batch {batch}, seq {steps}, input = hidden {size}, f32, SGD), '
      f'{torch.get_num_threads()} threads')
print(f'  wall {statistics.median(walls):.1f} ms/step (median of {len(walls)}), '
      f'cpu {statistics.median(cpus):.1f} ms/step, load {os.getloadavg()[0]:.1f}')
