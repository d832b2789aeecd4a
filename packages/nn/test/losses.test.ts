import '@nn/autograd';
import {
  BCELoss,
  BCEWithLogitsLoss,
  CrossEntropyLoss,
  F,
  HuberLoss,
  KLDivLoss,
  L1Loss,
  type Module,
  MSELoss,
  NLLLoss,
  SmoothL1Loss,
} from '@nn/nn';
import { ones, type Tensor, tensor } from '@nn/tensor';
import { assertClose, type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';

interface Result {
  loss: FixtureTensor;
  gradOutput: FixtureTensor;
  gradInput: FixtureTensor;
  gradTarget: FixtureTensor | null;
}

interface LossCase {
  loss: string;
  inputs: FixtureTensor[];
  options: Record<string, number | boolean | FixtureTensor>;
  results: Record<string, Result>;
}

const { cases } = loadFixtures<LossCase>(new URL('./fixtures/losses.jsonl', import.meta.url));

function decode(t: FixtureTensor): Tensor {
  return tensor(fixtureArray(t), { dtype: t.dtype }).reshape(t.shape);
}

type Options = Record<string, unknown>;

/** PyTorch's F name -> our F function and module class. */
const losses: Record<
  string,
  { fn: (x: Tensor, t: Tensor, o: Options) => Tensor; module: (o: Options) => Module }
> = {
  mse_loss: { fn: F.mseLoss, module: (o) => new MSELoss(o) },
  l1_loss: { fn: F.l1Loss, module: (o) => new L1Loss(o) },
  smooth_l1_loss: { fn: F.smoothL1Loss, module: (o) => new SmoothL1Loss(o) },
  huber_loss: { fn: F.huberLoss, module: (o) => new HuberLoss(o) },
  cross_entropy: { fn: F.crossEntropy, module: (o) => new CrossEntropyLoss(o) },
  nll_loss: { fn: F.nllLoss, module: (o) => new NLLLoss(o) },
  binary_cross_entropy: { fn: F.binaryCrossEntropy, module: (o) => new BCELoss(o) },
  binary_cross_entropy_with_logits: {
    fn: F.binaryCrossEntropyWithLogits,
    module: (o) => new BCEWithLogitsLoss(o),
  },
  kl_div: { fn: F.klDiv, module: (o) => new KLDivLoss(o) },
};

const camel = (k: string) => k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

function options(c: LossCase, reduction: string): Options {
  const out: Options = { reduction };
  for (const [k, v] of Object.entries(c.options)) out[camel(k)] = typeof v === 'object' ? decode(v) : v;
  return out;
}

const tol = { rtol: 1e-5, atol: 1e-6 };

describe('losses match PyTorch (value and gradients, every reduction)', () => {
  for (const [name, c] of Object.entries(cases)) {
    for (const [reduction, want] of Object.entries(c.results)) {
      it(`${name} (${reduction})`, () => {
        const [x, t] = c.inputs.map(decode) as [Tensor, Tensor];
        x.requiresGrad_();
        if (want.gradTarget) t.requiresGrad_();
        const loss = losses[c.loss]!.fn(x, t, options(c, reduction));
        assertClose(loss, want.loss, tol, `${name} ${reduction} loss`);
        loss.mul(decode(want.gradOutput)).sum().backward();
        assertClose(x.grad!, want.gradInput, tol, `${name} ${reduction} grad of input`);
        if (want.gradTarget)
          assertClose(t.grad!, want.gradTarget, tol, `${name} ${reduction} grad of target`);
      });
    }
    it(`${name} as a module`, () => {
      const [x, t] = c.inputs.map(decode) as [Tensor, Tensor];
      const [reduction, want] = Object.entries(c.results)[0]!;
      const module = losses[c.loss]!.module(options(c, reduction));
      assertClose(module.call(x as never, t as never) as Tensor, want.loss, tol, `${name} module`);
    });
  }
});

describe('loss arguments', () => {
  it('cross-entropy stays finite for logits of 1e4', () => {
    const logits = tensor([[1e4, -1e4, 0]], { dtype: 'float32' }).requiresGrad_();
    const loss = F.crossEntropy(logits, tensor([1]));
    loss.backward();
    expect(Number.isFinite(loss.item())).toBe(true);
    expect([...logits.grad!.dataSync()].every(Number.isFinite)).toBe(true);
  });

  it('cross-entropy on [N, C] class indices runs fused and matches the composite path', () => {
    const x = tensor([
      [0.5, -1, 2],
      [1, 1, -3],
      [0, 0.25, 0.5],
    ]);
    const t = tensor([2, -1, 0], { dtype: 'int32' });
    const fused = F.crossEntropy(x.requiresGrad_(), t, { reduction: 'none', ignoreIndex: -1 });
    expect((fused.gradFn as { name: string }).name).toBe('CrossEntropyLossBackward');
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      const run = (weight?: Tensor) => {
        const leaf = x.detach().requiresGrad_();
        // a weight of ones takes the composite path (logSoftmax + gather)
        const loss = F.crossEntropy(leaf, t, { reduction, ignoreIndex: -1, weight });
        loss.sum().backward();
        return [loss, leaf.grad!];
      };
      const [loss, grad] = run();
      const [want, wantGrad] = run(ones([3]));
      assertClose(loss!, want!, tol, `${reduction} loss`);
      assertClose(grad!, wantGrad!, tol, `${reduction} grad`);
    }
    // every target ignored: the mean is 0 / 0 = NaN, as PyTorch
    expect(F.crossEntropy(x, tensor([-100, -100, -100], { dtype: 'int32' })).item()).toBeNaN();
  });

  it('saves class weights as buffers under PyTorch names', () => {
    const w = tensor([1, 2], { dtype: 'float32' });
    expect(Object.keys(new CrossEntropyLoss({ weight: w }).stateDict())).toEqual(['weight']);
    expect(Object.keys(new BCEWithLogitsLoss({ posWeight: w }).stateDict())).toEqual(['pos_weight']);
  });

  it('rejects mismatched shapes, bad reductions and float class targets with clear errors', () => {
    expect(() => F.mseLoss(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(
      /target size \[3\] must be the same as input size \[2\]/,
    );
    expect(() => F.l1Loss(tensor([1]), tensor([1]), { reduction: 'avg' as never })).toThrow(
      /not a valid value for reduction/,
    );
    expect(() => F.nllLoss(tensor([[0.1, 0.2]]), tensor([[1, 0]]))).toThrow(/expected target of shape \[1\]/);
    expect(() => F.crossEntropy(tensor([[0.1, 0.2]]), tensor([0]), { labelSmoothing: 2 })).toThrow(
      /between 0.0 and 1.0/,
    );
  });
});
