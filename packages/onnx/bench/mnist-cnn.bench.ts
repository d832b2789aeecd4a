// The MNIST CNN (apps/mnist's `--model cnn`) at inference: @nn's forward vs the same model exported with
// exportOnnx and run by onnxruntime-node (CPU execution provider). Run: `pnpm bench` from packages/onnx.
// Each figure is the median of several timed runs after warm-up; other processes on the machine inflate
// them, so the load average is printed too.
import { loadavg } from 'node:os';
import { noGrad } from '@nn/autograd';
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@nn/nn';
import { getNumThreads, manualSeed, randn, type Tensor } from '@nn/tensor';
import * as ort from 'onnxruntime-node';
import { exportOnnx } from '../src/index';

const RUNS = 15;
const WARMUP = 3;

async function median(run: () => unknown): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

manualSeed(0);
const model = new Sequential(
  new Conv2d(1, 32, 3),
  new ReLU(),
  new MaxPool2d(2),
  new Conv2d(32, 64, 3),
  new ReLU(),
  new MaxPool2d(2),
  new Flatten(),
  new Linear(64 * 5 * 5, 128),
  new ReLU(),
  new Linear(128, 10),
).eval();
const session = await ort.InferenceSession.create(
  exportOnnx(model, [randn([1, 1, 28, 28])], { dynamicBatch: true }),
);

console.log(
  `MNIST CNN inference (median of ${RUNS}), @nn threads: ${getNumThreads()}, load ${loadavg()[0]!.toFixed(2)}`,
);
console.log('batch  @nn forward  onnxruntime-node  max |diff|');
for (const batch of [1, 64, 256]) {
  const x = randn([batch, 1, 28, 28]);
  const feed = { input: new ort.Tensor('float32', x.dataSync() as Float32Array, [batch, 1, 28, 28]) };
  const nn = await median(() => noGrad(() => (model.call(x) as Tensor).dataSync()));
  const rt = await median(() => session.run(feed));
  const want = (model.call(x) as Tensor).dataSync();
  const got = (await session.run(feed)).output!.data as Float32Array;
  const diff = Array.from(want as ArrayLike<number>).reduce(
    (m, v, k) => Math.max(m, Math.abs(v - got[k]!)),
    0,
  );
  console.log(
    `${String(batch).padStart(5)}  ${`${nn.toFixed(2)} ms`.padStart(11)}  ${`${rt.toFixed(2)} ms`.padStart(16)}  ${diff.toExponential(1)}`,
  );
}
