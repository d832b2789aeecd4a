// `pnpm bench`: per gpu.js mode, matmul 256/512/1024 and one MLP training step on 'gpu', with the mode and
// adapter gpu.js got. On machines without a GPU the modes are software (webasm SIMD, llvmpipe/SwiftShader
// WebGPU): the figures show overhead and correctness, not GPU speed. Modes: NN_BENCH_MODES (default
// webasm,cpu, plus webgpu when NN_GPU_TEST_MODES lists it); Dawn backend: NN_DAWN_BACKEND.
import { installAutograd } from '@nn/autograd';
import { F, Linear, ReLU, Sequential } from '@nn/nn';
import { Adam } from '@nn/optim';
import { manualSeed, randn, type Tensor } from '@nn/tensor';
import {
  type DawnBackend,
  type GpuMode,
  registerGpuBackend,
  synchronizeGpu,
  unregisterGpuBackend,
} from '../src';

const defaultModes = [
  'webasm',
  'cpu',
  ...(process.env.NN_GPU_TEST_MODES?.includes('webgpu') ? ['webgpu'] : []),
];
const MODES = (process.env.NN_BENCH_MODES?.split(',') ?? defaultModes).map((m) => m.trim()) as GpuMode[];
const DAWN_BACKEND = (process.env.NN_DAWN_BACKEND ?? 'default') as DawnBackend;

/** Median milliseconds of `runs` calls of `fn` after one warm-up call (which compiles the kernels). */
async function time(runs: number, fn: () => Promise<void>): Promise<number> {
  await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/** Waits for the device work behind `t` (a readback of one element forces it on every mode). */
async function settle(t: Tensor): Promise<void> {
  await t.flatten().narrow(0, 0, 1).data();
  await synchronizeGpu();
}

async function benchMode(mode: GpuMode): Promise<void> {
  const info = await registerGpuBackend({ mode, dawnBackend: DAWN_BACKEND });
  console.log(
    `\n${info.mode} (contract ${info.contract}${info.adapter ? `, adapter: ${info.adapter}` : ''})`,
  );
  try {
    for (const n of [256, 512, 1024]) {
      manualSeed(n);
      const a = randn([n, n]).to('gpu');
      const b = randn([n, n]).to('gpu');
      const runs = n === 1024 ? 2 : 4;
      const ms = await time(runs, async () => settle(a.matmul(b)));
      const gflops = (2 * n ** 3) / (ms * 1e6);
      console.log(`  matmul ${n}x${n}: ${ms.toFixed(1)} ms (${gflops.toFixed(2)} GFLOP/s)`);
    }
    manualSeed(0);
    const model = new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 10)).to('gpu');
    const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
    const x = randn([64, 784]).to('gpu');
    const y = randn([64, 10]).argmax(1).to('gpu');
    const ms = await time(5, async () => {
      optimizer.zeroGrad();
      const loss = F.crossEntropy(model.forward(x), y);
      loss.backward();
      optimizer.step();
      await settle(loss);
    });
    console.log(`  MLP 784-128-10 training step, batch 64 (forward, backward, Adam): ${ms.toFixed(1)} ms`);
  } finally {
    await unregisterGpuBackend();
  }
}

installAutograd();
for (const mode of MODES) {
  try {
    await benchMode(mode);
  } catch (error) {
    console.log(`\n${mode}: unavailable here (${error instanceof Error ? error.message : String(error)})`);
  }
}
