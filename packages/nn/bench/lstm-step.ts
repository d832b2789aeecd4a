// One LSTM training step (batch 32, seq 64, input = hidden 256, float32): forward, a mean-square loss,
// backward and an SGD step. Run: `pnpm bench` (or `npx tsx bench/lstm-step.ts` from packages/nn); PyTorch's
// figure for the same step on the same machine comes from `/usr/bin/python3 bench/lstm_step_torch.py`
// (not run by CI). Wall time suffers when other processes share the cores, so CPU time is printed beside it.
import '@nn/autograd';
import { loadavg } from 'node:os';
import { SGD } from '@nn/optim';
import { getNumThreads, manualSeed, randn } from '@nn/tensor';
import { LSTM } from '../src/index';

const [batch, steps, size] = [32, 64, 256];
manualSeed(0);
const lstm = new LSTM(size, size);
const optimizer = new SGD(lstm.parameters(), { lr: 0.01 });
const x = randn([steps, batch, size]);

function trainStep(): void {
  optimizer.zeroGrad();
  const [output] = lstm.call(x);
  output.square().mean().backward();
  optimizer.step();
}

/** Milliseconds of one step: wall clock and this process's CPU time (all threads). */
function timeStep(): { wall: number; cpu: number } {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  trainStep();
  const wall = performance.now() - start;
  const { user, system } = process.cpuUsage(cpuStart);
  return { wall, cpu: (user + system) / 1000 };
}

for (let i = 0; i < 2; i++) trainStep(); // warm up the JIT and the GEMM workers
const runs = Array.from({ length: 9 }, timeStep);
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(
  `LSTM training step (batch ${batch}, seq ${steps}, input = hidden ${size}, f32, SGD), ${getNumThreads()} threads`,
);
console.log(
  `  wall ${median(runs.map((r) => r.wall)).toFixed(1)} ms/step (median of ${runs.length}), ` +
    `cpu ${median(runs.map((r) => r.cpu)).toFixed(1)} ms/step, load ${loadavg()[0]!.toFixed(1)}`,
);
// Measured with bench/lstm_step_torch.py on the 2-core development box (load ~20, torch on 1 thread); rerun it
// beside this bench on your machine for a fair comparison.
console.log(
  '  reference: PyTorch 1.13 CPU, same step: wall ~630 ms, cpu ~133 ms/step (2-core box, load ~20, 1 thread)',
);
