// `pnpm bench:gpu` (root): the MNIST MLP (784-128-64-10) and the seed CNN train for a fixed number of Adam
// steps on 'cpu' and on 'gpu' in each mode that loads here, on MNIST-shaped random batches (the speed of a
// step does not depend on the pixels). Prints steps/s, the adapter, and the device memory high-water marks
// gpuBackendInfo() reports (live buffers, pooled bytes). Modes: NN_BENCH_MODES (default webgpu, headlessgl,
// webasm: Dawn on the machine's GPU, then headless-gl where the optional `gl` package built, then WebAssembly);
// steps: NN_BENCH_STEPS (default 30 for the MLP, a third of it for the CNN). On a machine without a GPU the
// modes that load are software ones: the figures then show overhead, not GPU speed.
import { installAutograd } from '@nn/autograd';
import { Conv2d, F, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@nn/nn';
import { Adam } from '@nn/optim';
import { manualSeed, rand, randint } from '@nn/tensor';
import {
  type GpuMode,
  gpuBackendInfo,
  registerGpuBackend,
  synchronizeGpu,
  unregisterGpuBackend,
} from '../src';

const MODES = (process.env.NN_BENCH_MODES ?? 'webgpu,headlessgl,webasm')
  .split(',')
  .map((m) => m.trim()) as GpuMode[];
const STEPS = Number(process.env.NN_BENCH_STEPS ?? 30);

const models: Record<string, { make: () => Sequential; input: number[]; steps: number }> = {
  'MNIST MLP, batch 64': {
    make: () =>
      new Sequential(new Linear(784, 128), new ReLU(), new Linear(128, 64), new ReLU(), new Linear(64, 10)),
    input: [64, 784],
    steps: STEPS,
  },
  'MNIST CNN, batch 32': {
    make: () =>
      new Sequential(
        new Conv2d(1, 32, 3, { padding: 1 }),
        new ReLU(),
        new MaxPool2d(2),
        new Conv2d(32, 64, 3, { padding: 1 }),
        new ReLU(),
        new MaxPool2d(2),
        new Flatten(),
        new Linear(64 * 7 * 7, 128),
        new ReLU(),
        new Linear(128, 10),
      ),
    input: [32, 1, 28, 28],
    steps: Math.max(1, Math.round(STEPS / 3)),
  },
};

/** Steps per second of `steps` Adam steps on `device` (after 2 warm-up steps that compile kernels). */
async function stepsPerSecond(
  device: string,
  name: string,
): Promise<{ rate: number; live: number; pooled: number }> {
  const { make, input, steps } = models[name]!;
  manualSeed(0);
  const model = make().to(device);
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const batches = Array.from({ length: 4 }, () => ({
    x: rand(input).to(device),
    y: randint(0, 10, [input[0]!]).to(device),
  }));
  const peak = { live: 0, pooled: 0 };
  const step = async (i: number) => {
    const { x, y } = batches[i % batches.length]!;
    optimizer.zeroGrad();
    const loss = F.crossEntropy(model.forward(x), y);
    loss.backward();
    optimizer.step();
    await loss.data(); // the step is done once its loss is read back
    const info = device === 'cpu' ? undefined : gpuBackendInfo(device);
    peak.live = Math.max(peak.live, info?.liveBuffers ?? 0);
    peak.pooled = Math.max(peak.pooled, info?.pool.pooledBytes ?? 0);
  };
  for (let i = 0; i < 2; i++) await step(i);
  if (device !== 'cpu') await synchronizeGpu();
  const started = performance.now();
  for (let i = 0; i < steps; i++) await step(i);
  return { rate: steps / ((performance.now() - started) / 1000), ...peak };
}

installAutograd();
for (const name of Object.keys(models)) {
  const cpu = await stepsPerSecond('cpu', name);
  console.log(`\n${name}: cpu ${cpu.rate.toFixed(2)} steps/s`);
  for (const mode of MODES) {
    let info: Awaited<ReturnType<typeof registerGpuBackend>>;
    try {
      info = await registerGpuBackend({ mode });
    } catch (error) {
      console.log(
        `  gpu ${mode}: unavailable here (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
      );
      continue;
    }
    try {
      const gpu = await stepsPerSecond('gpu', name);
      console.log(
        `  gpu ${info.mode}${info.adapter ? ` (${info.adapter})` : ''}: ${gpu.rate.toFixed(2)} steps/s ` +
          `(${(gpu.rate / cpu.rate).toFixed(2)}x cpu); peak live buffers ${gpu.live}, peak pooled ` +
          `${(gpu.pooled / 2 ** 20).toFixed(1)} MiB`,
      );
    } finally {
      await unregisterGpuBackend();
    }
  }
}
