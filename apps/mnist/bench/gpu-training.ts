// `pnpm bench:gpu` (via tooling/scripts/bench-gpu.sh): trains the MNIST MLP and CNN for a fixed number of
// steps on 'cpu' and on 'gpu' in each gpu.js mode that starts here, and prints steps/s, the peak device memory
// and the adapter. WebGPU goes through Dawn (the machine's real GPU where it has one and a Vulkan driver;
// else a software adapter, named as such), headless-gl where the `gl` package is installed and an X server
// runs. Options: --steps N (MLP; the CNN runs N/10), --batch N, --targets cpu,webasm,webgpu,headlessgl,
// --dawn-backend default|vulkan|opengles (opengles + EGL_PLATFORM=surfaceless: Mesa's software adapter).
import { parseArgs } from 'node:util';
import { installAutograd } from '@nn/autograd';
import type { DawnBackend, GpuMode } from '@nn/backend-gpu';
import { MNIST } from '@nn/data/node';
import { F, type Sequential } from '@nn/nn';
import { Adam } from '@nn/optim';
import { manualSeed, type Tensor, tensor } from '@nn/tensor';
import { cnn, mlp } from '../src/models';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '100' },
    batch: { type: 'string', default: '64' },
    targets: { type: 'string', default: 'cpu,webasm,webgpu,headlessgl' },
    'dawn-backend': { type: 'string', default: 'default' },
  },
});
const STEPS = Number(values.steps);
const BATCH = Number(values.batch);
const TARGETS = values.targets.split(',').map((t) => t.trim());

/** The first `count` training images, normalised as apps/mnist does, and their labels. */
async function firstImages(count: number): Promise<[Tensor, Tensor]> {
  const split = await MNIST.load({ train: true });
  const pixels = split.images.subarray(0, count * 784);
  const images = Float32Array.from(pixels, (p) => (p / 255 - 0.1307) / 0.3081);
  return [tensor(images).reshape(count, 1, 28, 28), tensor(Int32Array.from(split.labels.subarray(0, count)))];
}

interface Run {
  stepsPerSecond: number;
  finalLoss: number;
}

/** Trains `model` with Adam for `steps` batches on `device`, reading the loss every 10 steps as apps/mnist. */
async function train(
  model: Sequential,
  device: string,
  steps: number,
  [x, y]: [Tensor, Tensor],
): Promise<Run> {
  const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
  const batches = Math.floor(x.shape[0]! / BATCH);
  const inputs = Array.from({ length: batches }, (_, i) => [
    x.narrow(0, i * BATCH, BATCH).to(device),
    y.narrow(0, i * BATCH, BATCH).to(device),
  ]);
  const step = (i: number): Tensor => {
    const [xb, yb] = inputs[i % batches]!;
    optimizer.zeroGrad();
    const loss = F.crossEntropy(model.call(xb!) as Tensor, yb!);
    loss.backward();
    optimizer.step();
    return loss;
  };
  for (let i = 0; i < 3; i++) await step(i).data(); // compiles the kernels
  const started = performance.now();
  let loss = step(0);
  for (let i = 1; i < steps; i++) {
    loss = step(i);
    if (i % 10 === 0) await loss.data();
  }
  const finalLoss = Number((await loss.data())[0]);
  return { stepsPerSecond: steps / ((performance.now() - started) / 1000), finalLoss };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

installAutograd();
// as many distinct batches as steps (up to the 60 000 images), so the loss is not one batch memorised
const data = await firstImages(Math.min(Math.max(STEPS, 16) * BATCH, 60000));
console.log(`MNIST, batch ${BATCH}, Adam; MLP ${STEPS} steps, CNN ${Math.ceil(STEPS / 10)} steps`);
console.log('| target | model | steps/s | final loss | peak device memory | adapter |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const target of TARGETS) {
  for (const [name, build, steps] of [
    ['MLP', mlp, STEPS],
    ['CNN', cnn, Math.ceil(STEPS / 10)],
  ] as const) {
    manualSeed(0);
    const model = build();
    if (target === 'cpu') {
      const run = await train(model, 'cpu', steps, data);
      console.log(
        `| cpu | ${name} | ${run.stepsPerSecond.toFixed(1)} | ${run.finalLoss.toFixed(4)} | - | - |`,
      );
      continue;
    }
    const gpu = await import('@nn/backend-gpu');
    try {
      const info = await gpu.registerGpuBackend({
        mode: target as GpuMode,
        dawnBackend: values['dawn-backend'] as DawnBackend,
      });
      if (info.mode !== target) throw new Error(`gpu.js ran ${info.mode} instead`);
      const run = await train(model.to('gpu'), 'gpu', steps, data);
      const memory = gpu.gpuBackendInfo()!;
      const adapter = info.adapter ?? (target === 'headlessgl' ? 'headless-gl' : 'host (no device)');
      console.log(
        `| gpu ${target} | ${name} | ${run.stepsPerSecond.toFixed(1)} | ${run.finalLoss.toFixed(4)} | ${mib(memory.peakBytes)} | ${adapter} |`,
      );
    } catch (error) {
      console.log(
        `| gpu ${target} | ${name} | unavailable: ${error instanceof Error ? error.message.split('\n')[0] : error} | | | |`,
      );
    } finally {
      await gpu.unregisterGpuBackend().catch(() => {});
    }
  }
}
