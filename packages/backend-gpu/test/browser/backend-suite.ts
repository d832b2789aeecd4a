// Bundled for the headless-Chromium page (see harness.ts): registers the 'gpu' backend in the page, checks
// a focused subset of ops against the CPU backend and trains a small MLP on 'gpu'.
import { installAutograd } from '@nn/autograd';
import { F, Linear, ReLU, Sequential } from '@nn/nn';
import { Adam } from '@nn/optim';
import {
  avgPool2d,
  conv2d,
  convAttrs,
  manualSeed,
  maxPool2dWithIndices,
  randn,
  runKernel,
  type Tensor,
} from '@nn/tensor';
import { type GpuMode, registerGpuBackend, unregisterGpuBackend } from '../../src';

/** What {@link runBackendSuite} reports to the Node side. */
export interface BackendSuiteResult {
  readonly mode: string;
  readonly contract: string;
  readonly adapter: string | null;
  /** Per op of the subset: the largest |gpu - cpu| / max(1, |cpu|). */
  readonly errors: Record<string, number>;
  /** Cross-entropy before and after the training run. */
  readonly firstLoss: number;
  readonly lastLoss: number;
  readonly steps: number;
}

async function worstError(gpu: Tensor, cpu: Tensor): Promise<number> {
  if (gpu.device !== 'gpu' || gpu.shape.join() !== cpu.shape.join()) return Number.POSITIVE_INFINITY;
  const got = await gpu.data();
  const want = await cpu.data();
  let worst = 0;
  want.forEach((w, i) => {
    worst = Math.max(worst, Math.abs(got[i]! - w) / Math.max(1, Math.abs(w)));
  });
  return worst;
}

/** `a` as a [1, 2, 3, 8] image and `b` as [4, 2, 2, 3] filters, for the conv and pooling kernels. */
const image = (a: Tensor) => a.reshape([1, 2, 3, 8]);
const filters = (b: Tensor) => b.reshape([4, 2, 2, 3]);
const CONV = { stride: [1, 2], padding: 1 } as const;
const POOL = { stride: [1, 2], padding: [1, 1], countIncludePad: false } as const;

/** The focused subset: each op on broadcast or strided operands, run on both devices. */
const SUBSET: Record<string, (a: Tensor, b: Tensor) => Tensor> = {
  'add (broadcast)': (a, b) => a.add(b.select(0, 0), { alpha: 0.5 }),
  'mul (transposed)': (a, b) => a.mul(b.t().t()),
  exp: (a) => a.exp(),
  sigmoid: (a) => a.sigmoid(),
  'gt + where': (a, b) => a.where(a.gt(b), b),
  matmul: (a, b) => a.matmul(b.t()),
  'sum over dim 0': (a) => a.sum(0),
  amax: (a) => a.amax(1),
  softmax: (a) => a.softmax(-1),
  logSoftmax: (a) => a.logSoftmax(0),
  conv2d: (a, b) => conv2d(image(a), filters(b), b.select(1, 0).narrow(0, 0, 4), CONV),
  'conv2d input gradient': (a, b) =>
    runKernel('conv2dBackwardInput', [conv2d(image(a), filters(b), undefined, CONV), filters(b)], {
      ...convAttrs('conv2d', filters(b), CONV),
      inputShape: [1, 2, 3, 8],
    }),
  'conv2d weight gradient': (a, b) =>
    runKernel('conv2dBackwardWeight', [image(a), conv2d(image(a), filters(b), undefined, CONV)], {
      ...convAttrs('conv2d', filters(b), CONV),
      weightShape: [4, 2, 2, 3],
    }),
  maxPool2d: (a) => maxPool2dWithIndices(image(a), 2, { stride: 1, padding: 1 }).values,
  'maxPool2d indices': (a) => maxPool2dWithIndices(image(a), 2, { stride: 1, padding: 1 }).indices.float(),
  'maxPool2d gradient': (a) => {
    const { values, indices } = maxPool2dWithIndices(image(a), 2, { stride: 1, padding: 1 });
    return runKernel('maxPool2dBackward', [values, indices], { inputShape: [1, 2, 3, 8] });
  },
  avgPool2d: (a) => avgPool2d(image(a), [2, 3], POOL),
  'avgPool2d gradient': (a) =>
    runKernel('avgPool2dBackward', [avgPool2d(image(a), [2, 3], POOL)], {
      kernelSize: [2, 3],
      stride: [1, 2],
      padding: [1, 1],
      dilation: [1, 1],
      outputSize: [4, 4],
      countIncludePad: false,
      inputShape: [1, 2, 3, 8],
    }),
  'copy_ into a view': (a, b) => {
    const out = a.clone();
    out.narrow(1, 2, 3).copy_(b.narrow(1, 0, 3));
    return out;
  },
};

/** Registers 'gpu' on `mode`, checks {@link SUBSET} and trains an MLP for `steps` Adam steps. */
export async function runBackendSuite(mode: GpuMode, steps: number): Promise<BackendSuiteResult> {
  // explicit: bundlers drop a bare `import '@nn/autograd'` of a sideEffects-free package
  installAutograd();
  const info = await registerGpuBackend({ mode });
  try {
    manualSeed(0);
    const a = randn([6, 8]);
    const b = randn([6, 8]);
    const errors: Record<string, number> = {};
    for (const [name, op] of Object.entries(SUBSET)) {
      errors[name] = await worstError(op(a.to('gpu'), b.to('gpu')), op(a, b));
    }
    manualSeed(1);
    const model = new Sequential(new Linear(8, 16), new ReLU(), new Linear(16, 4)).to('gpu');
    const optimizer = new Adam(model.parameters(), { lr: 1e-2 });
    const x = randn([32, 8]);
    const y = x.narrow(1, 0, 4).argmax(1).to('gpu');
    const input = x.to('gpu');
    const losses: number[] = [];
    for (let step = 0; step < steps; step++) {
      optimizer.zeroGrad();
      const loss = F.crossEntropy(model.forward(input), y);
      loss.backward();
      optimizer.step();
      // the docs' loop: `await loss.data()` works under both call contracts
      if (step === 0 || step === steps - 1) losses.push((await loss.data())[0]!);
    }
    return {
      mode: info.mode,
      contract: info.contract,
      adapter: info.adapter,
      errors,
      firstLoss: losses[0]!,
      lastLoss: losses[1]!,
      steps,
    };
  } finally {
    await unregisterGpuBackend();
  }
}
