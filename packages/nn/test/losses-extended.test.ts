// The losses of issue 18 against PyTorch 1.13 (fixtures/losses-extended.jsonl, written by
// tooling/fixtures/cases/nn_losses_extended.py): value and gradients of every floating input, float32 and
// float64, every reduction, through F and through the module.
import '@nn/autograd';
import {
  CosineEmbeddingLoss,
  CTCLoss,
  F,
  GaussianNLLLoss,
  HingeEmbeddingLoss,
  MarginRankingLoss,
  type Module,
  MultiLabelMarginLoss,
  MultiLabelSoftMarginLoss,
  MultiMarginLoss,
  PoissonNLLLoss,
  SoftMarginLoss,
  TripletMarginLoss,
} from '@nn/nn';
import { type Tensor, tensor } from '@nn/tensor';
import { assertClose, type FixtureTensor, fixtureArray, loadFixtures } from '@nn/tooling/test-utils';
import { describe, expect, it } from 'vitest';

interface Result {
  loss: FixtureTensor;
  gradOutput: FixtureTensor;
  grads: (FixtureTensor | null)[];
}

interface LossCase {
  loss: string;
  inputs: FixtureTensor[];
  options: Record<string, number | boolean | FixtureTensor>;
  results: Record<string, Result>;
}

const { cases } = loadFixtures<LossCase>(new URL('./fixtures/losses-extended.jsonl', import.meta.url));

const decode = (t: FixtureTensor): Tensor => tensor(fixtureArray(t), { dtype: t.dtype }).reshape(t.shape);

type Options = Record<string, unknown>;
type Fn = (...args: unknown[]) => Tensor;

/** PyTorch's F name -> our F function and module class (inputs first, then the options). */
const losses: Record<string, { fn: Fn; module: (o: Options) => Module }> = {
  margin_ranking_loss: { fn: F.marginRankingLoss as Fn, module: (o) => new MarginRankingLoss(o) },
  hinge_embedding_loss: { fn: F.hingeEmbeddingLoss as Fn, module: (o) => new HingeEmbeddingLoss(o) },
  soft_margin_loss: { fn: F.softMarginLoss as Fn, module: (o) => new SoftMarginLoss(o) },
  cosine_embedding_loss: { fn: F.cosineEmbeddingLoss as Fn, module: (o) => new CosineEmbeddingLoss(o) },
  triplet_margin_loss: { fn: F.tripletMarginLoss as Fn, module: (o) => new TripletMarginLoss(o) },
  gaussian_nll_loss: { fn: F.gaussianNllLoss as Fn, module: (o) => new GaussianNLLLoss(o) },
  poisson_nll_loss: { fn: F.poissonNllLoss as Fn, module: (o) => new PoissonNLLLoss(o) },
  multilabel_soft_margin_loss: {
    fn: F.multilabelSoftMarginLoss as Fn,
    module: (o) => new MultiLabelSoftMarginLoss(o),
  },
  multi_margin_loss: { fn: F.multiMarginLoss as Fn, module: (o) => new MultiMarginLoss(o as never) },
  multilabel_margin_loss: { fn: F.multilabelMarginLoss as Fn, module: (o) => new MultiLabelMarginLoss(o) },
  ctc_loss: { fn: F.ctcLoss as Fn, module: (o) => new CTCLoss(o) },
};

const camel = (k: string) => k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

function options(c: LossCase, reduction: string): Options {
  const out: Options = { reduction };
  for (const [k, v] of Object.entries(c.options)) out[camel(k)] = typeof v === 'object' ? decode(v) : v;
  return out;
}

const tolerance = (dtype: string) =>
  dtype === 'float64' ? { rtol: 1e-10, atol: 1e-12 } : { rtol: 1e-5, atol: 1e-6 };

describe('issue-18 losses match PyTorch (value and gradients, float32 and float64, every reduction)', () => {
  for (const [name, c] of Object.entries(cases)) {
    for (const [reduction, want] of Object.entries(c.results)) {
      it(`${name} (${reduction})`, () => {
        const inputs = c.inputs.map(decode);
        want.grads.forEach((g, i) => {
          if (g) inputs[i]!.requiresGrad_();
        });
        const loss = losses[c.loss]!.fn(...inputs, options(c, reduction));
        const tol = tolerance(want.loss.dtype);
        assertClose(loss, want.loss, tol, `${name} ${reduction} loss`);
        loss.mul(decode(want.gradOutput)).sum().backward();
        want.grads.forEach((g, i) => {
          if (g) assertClose(inputs[i]!.grad!, g, tol, `${name} ${reduction} grad of input ${i}`);
        });
      });
    }
    it(`${name} as a module`, () => {
      const [reduction, want] = Object.entries(c.results)[0]!;
      const module = losses[c.loss]!.module(options(c, reduction));
      const loss = module.call(...(c.inputs.map(decode) as never[])) as Tensor;
      assertClose(loss, want.loss, tolerance(want.loss.dtype), `${name} module`);
    });
  }
});

describe('loss arguments and errors', () => {
  const x = tensor([
    [0.5, -1, 2],
    [1, 1, -3],
  ]);

  it('name the loss, the shapes and the rule', () => {
    expect(() => F.marginRankingLoss(tensor([1, 2]), tensor([[1, 2]]), tensor([1, -1]))).toThrow(
      /marginRankingLoss: All input tensors should have same dimension/,
    );
    expect(() => F.cosineEmbeddingLoss(x, x, tensor([[1], [1]]))).toThrow(
      /cosineEmbeddingLoss: 0D or 1D target tensor expected/,
    );
    expect(() => F.tripletMarginLoss(x, x, tensor([1, 2, 3]))).toThrow(
      /tripletMarginLoss: .*anchor 2D, positive 2D, and negative 1D/,
    );
    expect(() => F.gaussianNllLoss(x, x, tensor([1, 2, 3]))).toThrow(
      /gaussianNllLoss: var is of incorrect size/,
    );
    expect(() => F.gaussianNllLoss(x, x, x)).toThrow(/gaussianNllLoss: var has negative entry/);
    expect(() => F.multiMarginLoss(x, tensor([0, 3], { dtype: 'int32' }))).toThrow(
      /multiMarginLoss: target must lie in \[0, 3\)/,
    );
    expect(() => F.multiMarginLoss(x, tensor([0, 1], { dtype: 'int32' }), { p: 3 as never })).toThrow(
      /only p == 1 and p == 2 supported/,
    );
    expect(() => F.multilabelMarginLoss(x, tensor([[0, 1, -1]], { dtype: 'int32' }))).toThrow(
      /multilabelMarginLoss: inconsistent size/,
    );
    expect(() => F.poissonNllLoss(x, tensor([1, 2]))).toThrow(
      /poissonNllLoss: input and target must broadcast/,
    );
    expect(() => F.softMarginLoss(x, x, { margin: 1 } as never)).toThrow(/softMarginLoss.*margin/);
  });

  it('ctcLoss checks lengths, labels and the blank in its kernel', () => {
    const lp = tensor([[[-1, -2, -0.5]], [[-1, -2, -0.5]]]);
    const targets = tensor([[1, 2]], { dtype: 'int32' });
    expect(() => F.ctcLoss(lp, targets, [3], [2])).toThrow(
      /ctcLoss: Expected input_lengths to have value at most 2/,
    );
    expect(() => F.ctcLoss(lp, targets, [2], [3])).toThrow(/Expected tensor to have size at least 3/);
    expect(() => F.ctcLoss(lp, targets, [2], [2], { blank: 1 })).toThrow(/not the blank \(1\)/);
    expect(() => F.ctcLoss(lp, targets, [2], [2], { blank: 3 })).toThrow(/blank must be in label range/);
    expect(() => F.ctcLoss(lp, targets, [2, 2], [2])).toThrow(
      /input_lengths must be of size batch_size \(1\)/,
    );
  });

  it('ctcLoss runs one kernel forward and one backward', () => {
    const lp = tensor([[[-1, -2, -0.5]], [[-0.3, -2, -1.5]]]).requiresGrad_();
    const loss = F.ctcLoss(lp, tensor([[1]], { dtype: 'int32' }), [2], [1], { reduction: 'none' });
    expect((loss.gradFn as { name: string }).name).toBe('CtcLossBackward');
  });

  it('keeps PyTorch defaults and state', () => {
    expect(new TripletMarginLoss()).toMatchObject({
      margin: 1,
      p: 2,
      eps: 1e-6,
      swap: false,
      reduction: 'mean',
    });
    expect(new CTCLoss()).toMatchObject({ blank: 0, zeroInfinity: false, reduction: 'mean' });
    expect(new PoissonNLLLoss()).toMatchObject({ logInput: true, full: false, eps: 1e-8 });
    expect(new HingeEmbeddingLoss().margin).toBe(1);
    const w = tensor([1, 2, 3]);
    expect(Object.keys(new MultiMarginLoss({ weight: w }).stateDict())).toEqual(['weight']);
    expect(Object.keys(new MultiLabelSoftMarginLoss({ weight: w }).stateDict())).toEqual(['weight']);
  });
});
