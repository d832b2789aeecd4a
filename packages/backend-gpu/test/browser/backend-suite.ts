// Bundled for the headless-Chromium page (see harness.ts): registers the 'gpu' backend in the page, checks
// a focused subset of ops against the CPU backend and trains a small MLP on 'gpu'.
import { installAutograd } from '@nn/autograd';
import { F, Linear, ReLU, Sequential } from '@nn/nn';
import { Adam } from '@nn/optim';
import { manualSeed, randn, type Tensor } from '@nn/tensor';
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
