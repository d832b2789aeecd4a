// Adam step time for the seed MLP's parameters (784-128-64-10 Linear weights and biases, 109,386 floats).
// Run: `pnpm bench` (or `npx tsx bench/adam-step.ts` from packages/optim). Wall time suffers when other
// processes share the cores, so the CPU time this process spent per step is printed beside it.
import { manualSeed, randn } from '@nn/tensor';
import { Adam } from '../src/index';

const TARGET_MS = 0.3;
const shapes = [[128, 784], [128], [64, 128], [64], [10, 64], [10]];

manualSeed(0);
const params = shapes.map((shape) => randn(shape));
for (const p of params) p.grad = randn(p.shape);
const count = params.reduce((n, p) => n + p.numel(), 0);
const optimizer = new Adam(params, { lr: 1e-3 });

/** Milliseconds per step: wall clock and this process's CPU time. */
function timeSteps(steps: number): { wall: number; cpu: number } {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < steps; i++) optimizer.step();
  const wall = (performance.now() - start) / steps;
  const { user, system } = process.cpuUsage(cpuStart);
  return { wall, cpu: (user + system) / 1000 / steps };
}

timeSteps(200); // warm up the JIT
const rounds = Array.from({ length: 15 }, () => timeSteps(100));
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const wall = median(rounds.map((r) => r.wall));
const cpu = median(rounds.map((r) => r.cpu));
console.log(`Adam step, ${count.toLocaleString('en')} float32 params (784-128-64-10 MLP)`);
console.log(`  wall ${wall.toFixed(3)} ms/step (median of 15 x 100 steps), cpu ${cpu.toFixed(3)} ms/step`);
console.log(`  target <= ${TARGET_MS} ms: ${wall <= TARGET_MS ? 'met' : 'not met'}`);
