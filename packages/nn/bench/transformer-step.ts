// One training step of a Transformer encoder layer: batch 16, sequence 128, dModel 256, 4 heads, feed-forward
// 1024 (4 x dModel), dropout 0.1, batchFirst, Adam; loss mean(y^2). The same step in PyTorch is
// bench/transformer_step_torch.py (run it with /usr/bin/python3 to compare on this machine; CI never runs it).
// Run: `pnpm bench` from packages/nn. Wall time suffers when other processes share the cores, so the CPU time
// this process spent per step is printed beside it.
import '@nn/autograd';
import { Adam } from '@nn/optim';
import { manualSeed, randn } from '@nn/tensor';
import { TransformerEncoderLayer } from '../src/index';

const [batch, seq, dModel, heads] = [16, 128, 256, 4];
manualSeed(0);
const layer = new TransformerEncoderLayer(dModel, heads, { dimFeedforward: 4 * dModel, batchFirst: true });
const optimizer = new Adam(layer.parameters(), { lr: 1e-4 });
const x = randn([batch, seq, dModel]);

function step(): void {
  optimizer.zeroGrad();
  layer.call(x).square().mean().backward();
  optimizer.step();
}

/** Milliseconds of one step: wall clock and this process's CPU time. */
function timeStep(): { wall: number; cpu: number } {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  step();
  const wall = performance.now() - start;
  const { user, system } = process.cpuUsage(cpuStart);
  return { wall, cpu: (user + system) / 1000 };
}

for (let i = 0; i < 2; i++) step(); // warm up the JIT and the buffer pools
const rounds = Array.from({ length: 9 }, timeStep);
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(
  `TransformerEncoderLayer training step (batch ${batch}, seq ${seq}, d ${dModel}, ${heads} heads, ff ${4 * dModel}, Adam)`,
);
console.log(
  `  wall ${median(rounds.map((r) => r.wall)).toFixed(1)} ms/step (median of ${rounds.length}), ` +
    `cpu ${median(rounds.map((r) => r.cpu)).toFixed(1)} ms/step`,
);
